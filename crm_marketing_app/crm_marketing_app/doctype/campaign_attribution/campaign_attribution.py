from frappe.model.document import Document


class CampaignAttribution(Document):
	"""Rows are written and removed by the Sales Order / Sales Invoice hooks only."""
