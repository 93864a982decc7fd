from frappe.model.document import Document


class TargetListMember(Document):
	pass
