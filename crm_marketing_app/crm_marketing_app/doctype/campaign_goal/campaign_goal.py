from frappe.model.document import Document


class CampaignGoal(Document):
	pass
