from frappe.model.document import Document


class CampaignResponse(Document):
	pass
