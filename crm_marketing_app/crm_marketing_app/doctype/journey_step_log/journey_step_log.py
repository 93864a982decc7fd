import frappe
from frappe.model.document import Document


class JourneyStepLog(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		artefact_doctype: DF.Link | None
		artefact_name: DF.DynamicLink | None
		enrolment: DF.Link
		error: DF.SmallText | None
		executed_on: DF.Datetime | None
		journey: DF.Link
		member: DF.DynamicLink | None
		member_doctype: DF.Link | None
		outcome: DF.Literal["", "Done", "Yes", "No", "Skipped", "Failed"]
		pass_no: DF.Int
		run_id: DF.Data | None
		step_id: DF.Data
	# end: auto-generated types
	pass


def on_doctype_update():
	# a step is done at most once per enrolment and pass, whatever runs concurrently
	frappe.db.add_unique("Journey Step Log", ["enrolment", "step_id", "pass_no"], "unique_enrolment_step")
	frappe.db.add_index("Journey Step Log", ["journey", "step_id", "outcome"])
	frappe.db.add_index("Journey Step Log", ["run_id"])
