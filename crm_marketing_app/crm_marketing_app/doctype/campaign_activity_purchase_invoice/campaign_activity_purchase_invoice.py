from frappe.model.document import Document


class CampaignActivityPurchaseInvoice(Document):
	pass
