from frappe.model.document import Document


class MarketingSupplier(Document):
	pass
