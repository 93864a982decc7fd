from frappe.model.document import Document


class MarketingServiceType(Document):
	pass
