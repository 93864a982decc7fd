import frappe
from frappe.model.document import Document


class MarketingTriggerLog(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		action_doctype: DF.Link | None
		action_name: DF.DynamicLink | None
		error: DF.SmallText | None
		fired_on: DF.Datetime | None
		marketing_trigger: DF.Link
		party: DF.DynamicLink | None
		party_doctype: DF.Link | None
		reference_doctype: DF.Link
		reference_name: DF.DynamicLink
		run_id: DF.Data | None
		status: DF.Literal["Claimed", "Done", "Failed"]
	# end: auto-generated types
	pass


def on_doctype_update():
	# a (trigger, record) pair fires at most once, whatever runs concurrently
	frappe.db.add_unique(
		"Marketing Trigger Log",
		["marketing_trigger", "reference_doctype", "reference_name"],
		"unique_trigger_record",
	)
	frappe.db.add_index("Marketing Trigger Log", ["run_id"])
