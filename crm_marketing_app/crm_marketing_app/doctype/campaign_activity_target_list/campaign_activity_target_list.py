from frappe.model.document import Document


class CampaignActivityTargetList(Document):
	pass
