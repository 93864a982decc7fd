from frappe.model.document import Document


class MarketingPlanAccount(Document):
	pass
