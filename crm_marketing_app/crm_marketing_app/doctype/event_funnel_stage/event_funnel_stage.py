from frappe.model.document import Document


class EventFunnelStage(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		end_condition: DF.SmallText | None
		entry_event: DF.Literal[
			"Sent",
			"Opened",
			"Clicked",
			"Website Visit",
			"Downloaded",
			"Registered",
			"Attended",
			"Replied",
			"Declined",
			"Requested Info",
			"Purchased",
			"Unsubscribed",
			"Lead",
			"Opportunity",
			"Quotation",
			"Sales Order",
		]
		kpi: DF.Data | None
		parent: DF.Data
		parentfield: DF.Data
		parenttype: DF.Data
		planned_conversion: DF.Percent
		reference_conversion: DF.Percent
		stage_name: DF.Data
		start_condition: DF.SmallText | None
	# end: auto-generated types
	pass
