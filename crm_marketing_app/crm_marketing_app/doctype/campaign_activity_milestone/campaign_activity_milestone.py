from frappe.model.document import Document


class CampaignActivityMilestone(Document):
	pass
