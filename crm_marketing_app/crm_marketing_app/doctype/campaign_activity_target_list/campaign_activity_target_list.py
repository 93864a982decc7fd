from frappe.model.document import Document


class CampaignActivityTargetList(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		member_count: DF.Int
		parent: DF.Data
		parentfield: DF.Data
		parenttype: DF.Data
		target_list: DF.Link
	# end: auto-generated types
	pass
