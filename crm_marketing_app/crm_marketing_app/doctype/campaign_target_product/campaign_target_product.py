from frappe.model.document import Document


class CampaignTargetProduct(Document):
	pass
