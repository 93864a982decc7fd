from frappe.model.document import Document


class TargetListCondition(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		field: DF.Data
		operator: DF.Literal[
			"=", "!=", ">", ">=", "<", "<=", "in", "not in", "like", "not like", "is set", "is not set"
		]
		parent: DF.Data
		parentfield: DF.Data
		parenttype: DF.Data
		value: DF.Data | None
	# end: auto-generated types
	pass
