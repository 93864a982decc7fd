from frappe.model.document import Document


class MarketingSupplierEvaluation(Document):
	pass
