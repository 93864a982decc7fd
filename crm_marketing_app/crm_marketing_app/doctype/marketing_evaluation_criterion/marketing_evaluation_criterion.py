from frappe.model.document import Document


class MarketingEvaluationCriterion(Document):
	pass
