from frappe.model.document import Document


class MarketingPlanPeriod(Document):
	pass
