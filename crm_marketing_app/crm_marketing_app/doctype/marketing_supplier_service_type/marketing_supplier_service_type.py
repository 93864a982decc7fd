from frappe.model.document import Document


class MarketingSupplierServiceType(Document):
	pass
