from frappe.model.document import Document


class CampaignActivityMilestone(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		completed: DF.Check
		completed_on: DF.Date | None
		due_date: DF.Date
		milestone: DF.Data
		parent: DF.Data
		parentfield: DF.Data
		parenttype: DF.Data
		responsible: DF.Link | None
		todo: DF.Link | None
	# end: auto-generated types
	pass
