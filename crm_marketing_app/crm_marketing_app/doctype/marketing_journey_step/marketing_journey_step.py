from frappe.model.document import Document


class MarketingJourneyStep(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		assign_to: DF.Link | None
		condition_type: DF.Literal["", "Response", "Field", "Score", "Purchased", "On List"]
		description: DF.Code | None
		else_percent: DF.Percent
		else_step: DF.Data | None
		email_template: DF.Link | None
		field: DF.Data | None
		item: DF.Link | None
		item_group: DF.Link | None
		next_step: DF.Data | None
		operator: DF.Literal["=", "!=", ">", "<", ">=", "<=", "like", "is set", "is not set"]
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
			"Bounced",
		]
		split_percent: DF.Percent
		step_id: DF.Data
		step_label: DF.Data | None
		step_type: DF.Literal[
			"Send Email",
			"Send SMS",
			"Create ToDo",
			"Create Event",
			"Add To Target List",
			"Remove From Target List",
			"Set Field",
			"Create Opportunity",
			"Wait",
			"Wait Until",
			"Branch",
			"Split",
			"Exit",
		]
		target_list: DF.Link | None
		threshold: DF.Float
		value: DF.Data | None
		wait_days: DF.Int
		wait_hours: DF.Int
		wait_until_date: DF.Date | None
		wait_until_field: DF.Data | None
		within_days: DF.Int
	# end: auto-generated types
	pass
