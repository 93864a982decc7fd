"""The checks of a Marketing Journey that need the site: field names against the members' meta,
steps that still hold people, and what Activate needs (the pure rules are `engine.journeys`)."""

import frappe
from frappe import _
from frappe.model import no_value_fields

from crm_marketing_app.engine import journeys
from crm_marketing_app.engine.triggers import PARTY_OF_EVENT
from crm_marketing_app.utils import engine_errors

# Who a Manual journey, or one entered by responses, may hold
PERSON_DOCTYPES = ("Lead", "Contact", "Customer")
OPEN_STATUSES = ("Active", "Waiting")
DATE_FIELDTYPES = ("Date", "Datetime")


def member_doctypes(journey) -> tuple[str, ...]:
	"""The DocTypes the people of this journey can be."""
	if journey.entry_type == "Target List" and journey.entry_target_list:
		return (frappe.db.get_value("Target List", journey.entry_target_list, "member_doctype"),)
	if journey.entry_type == "Event" and PARTY_OF_EVENT.get(journey.event):
		return (PARTY_OF_EVENT[journey.event],)
	return PERSON_DOCTYPES


def validate(journey) -> None:
	with engine_errors(_("Invalid journey")):
		journeys.check_steps(journey.steps)
	doctypes = member_doctypes(journey)
	for step in journey.steps:
		if step.step_type == "Set Field":
			check_field(step, doctypes, writable=True)
		elif step.step_type == "Branch" and step.condition_type == "Field":
			check_field(step, doctypes)
		elif step.step_type == "Wait Until" and step.wait_until_field:
			check_field(step, doctypes, fieldname=step.wait_until_field, fieldtypes=DATE_FIELDTYPES)
	check_removed_steps(journey)


def check_field(step, doctypes, writable=False, fieldname=None, fieldtypes=None) -> None:
	"""The field exists on at least one of `doctypes`, and where it exists it is of a kind the step
	can use: a value field, editable for Set Field, a date for Wait Until."""
	fieldname = fieldname or step.field
	found = [frappe.get_meta(doctype).get_field(fieldname) for doctype in doctypes]
	found = [df for df in found if df]
	if not found:
		frappe.throw(
			_("Step {0}: {1} has no field {2}").format(
				step.step_id, " / ".join(_(d) for d in doctypes), frappe.bold(fieldname)
			),
			title=_("Invalid journey"),
		)
	for df in found:
		if df.fieldtype in no_value_fields or (fieldtypes and df.fieldtype not in fieldtypes):
			frappe.throw(
				_("Step {0}: field {1} of {2} cannot be used here ({3})").format(
					step.step_id, frappe.bold(fieldname), _(df.parent), _(df.fieldtype)
				),
				title=_("Invalid journey"),
			)
		if writable and (df.read_only or df.fieldname == "name"):
			frappe.throw(
				_("Step {0}: field {1} of {2} is read-only").format(
					step.step_id, frappe.bold(fieldname), _(df.parent)
				),
				title=_("Invalid journey"),
			)


def check_removed_steps(journey) -> None:
	"""A step that people stand on cannot go while the journey runs; edits to the others apply to
	whoever reaches them next."""
	before = journey.get_doc_before_save()
	if not before or journey.status not in ("Active", "Paused"):
		return
	removed = {s.step_id for s in before.steps} - {s.step_id for s in journey.steps}
	if not removed:
		return
	holding = frappe.get_all(
		"Journey Enrolment",
		filters={
			"journey": journey.name,
			"status": ("in", OPEN_STATUSES),
			"current_step": ("in", list(removed)),
		},
		fields=["current_step", "count(*) as people"],
		group_by="current_step",
	)
	if holding:
		frappe.throw(
			_(
				"Steps {0} still hold people ({1}); they cannot be deleted or renamed while the journey runs"
			).format(
				", ".join(sorted(row.current_step for row in holding)),
				sum(row.people for row in holding),
			),
			title=_("Invalid journey"),
		)


def check_activation(journey) -> None:
	with engine_errors(_("Cannot activate")):
		journeys.check_activation(journey.entry_type, journey.entry_target_list, journey.event, journey.steps)
