from frappe.model.document import Document


class CampaignActivity(Document):
	pass
