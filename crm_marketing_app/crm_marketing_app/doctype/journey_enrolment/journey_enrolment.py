import frappe
from frappe.model.document import Document


class JourneyEnrolment(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		current_step: DF.Data | None
		entered_on: DF.Datetime | None
		entry_key: DF.Data | None
		exited_on: DF.Datetime | None
		journey: DF.Link
		member: DF.DynamicLink
		member_doctype: DF.Link
		member_name: DF.Data | None
		next_run_on: DF.Datetime | None
		pass_no: DF.Int
		run_id: DF.Data | None
		source_doctype: DF.Link | None
		source_name: DF.DynamicLink | None
		status: DF.Literal["Active", "Waiting", "Converted", "Completed", "Exited", "Failed"]
		step_started_on: DF.Datetime | None
		variant: DF.Literal["", "A", "B"]
	# end: auto-generated types
	pass


def on_doctype_update():
	# one entry per person (and source document) as the journey's re-entry rule says
	frappe.db.add_unique("Journey Enrolment", ["entry_key"], "unique_entry_key")
	# the runner selects what is due: open enrolments by time, then by journey and step
	frappe.db.add_index("Journey Enrolment", ["status", "next_run_on"])
	frappe.db.add_index("Journey Enrolment", ["journey", "status", "current_step"])
	frappe.db.add_index("Journey Enrolment", ["member_doctype", "member"])
	frappe.db.add_index("Journey Enrolment", ["run_id"])
