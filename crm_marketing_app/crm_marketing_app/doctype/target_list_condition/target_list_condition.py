from frappe.model.document import Document


class TargetListCondition(Document):
	pass
