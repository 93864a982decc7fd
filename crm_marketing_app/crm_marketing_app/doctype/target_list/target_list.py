from frappe.model.document import Document


class TargetList(Document):
	pass
