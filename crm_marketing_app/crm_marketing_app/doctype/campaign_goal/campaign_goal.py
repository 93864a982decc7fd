from frappe.model.document import Document


class CampaignGoal(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		achieved_percent: DF.Percent
		actual: DF.Float
		metric: DF.Literal[
			"Leads",
			"Registrations",
			"Attendees",
			"Responses",
			"Opportunities",
			"Orders",
			"New Customers",
			"Revenue",
			"Gross Profit",
		]
		parent: DF.Data
		parentfield: DF.Data
		parenttype: DF.Data
		response_type: DF.Literal[
			"",
			"Sent",
			"Opened",
			"Clicked",
			"Website Visit",
			"Downloaded",
			"Registered",
			"Attended",
			"Replied",
			"Accepted",
			"Declined",
			"Requested Info",
			"Purchased",
			"Unsubscribed",
		]
		target: DF.Float
	# end: auto-generated types
	pass
