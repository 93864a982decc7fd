from frappe.model.document import Document


class EventFunnelStage(Document):
	pass
