"""A Marketing Journey refuses bad steps on a real site with a clear, translated ValidationError and
saves nothing: routes, loops, ends, Split shares, Set Field against the members' meta, Activate
without entry, and steps that still hold people while the journey runs."""

import frappe
import pytest
from frappe.utils import random_string

from crm_marketing_app.journeys.enrolments import enrol
from tests.integration.test_journey_desk import lead_list, make_lead

TODO = {"step_type": "Create ToDo", "description": "Call {{ member.lead_name }}"}


def journey_doc(steps, **fields):
	return frappe.get_doc(
		{
			"doctype": "Marketing Journey",
			"journey_name": f"Checked Journey {random_string(6)}",
			"entry_type": "Manual",
			"steps": steps,
			**fields,
		}
	)


def refused(doc, message: str, lang: str = "en") -> None:
	"""Inserting `doc` raises a ValidationError with `message` and leaves no journey behind."""
	before = frappe.db.count("Marketing Journey")
	with pytest.raises(frappe.ValidationError, match=message):
		doc.insert()
	assert frappe.db.count("Marketing Journey") == before


@pytest.mark.parametrize(
	"steps, message",
	[
		([{"step_id": "S1", **TODO, "next_step": "S9"}], "goes to step S9, which does not exist"),
		(
			[
				{"step_id": "S1", **TODO, "next_step": "S2"},
				{
					"step_id": "S2",
					"step_type": "Branch",
					"condition_type": "Score",
					"threshold": 5,
					"next_step": "S1",
					"else_step": "",
				},
			],
			"form a loop with no Wait",
		),
		(
			[
				{"step_id": "S1", "step_type": "Wait", "wait_days": 1, "next_step": "S2"},
				{"step_id": "S2", **TODO, "next_step": "S1"},
			],
			"No path leads from step S1, S2 to an end",
		),
		(
			[
				{
					"step_id": "S1",
					"step_type": "Split",
					"split_percent": 70,
					"else_percent": 20,
					"next_step": "A",
					"else_step": "B",
				},
				{"step_id": "A", "step_type": "Exit"},
				{"step_id": "B", "step_type": "Exit"},
			],
			"must add up to 100",
		),
		(
			[{"step_id": "S1", "step_type": "Set Field", "field": "no_such_field", "value": "x"}],
			"has no field",
		),
		([{"step_id": "S1", "step_type": "Set Field", "field": "lead_name", "value": "x"}], "is read-only"),
	],
	ids=[
		"missing-next-step",
		"loop-without-wait",
		"no-end",
		"split-shares",
		"unknown-field",
		"read-only-field",
	],
)
def test_bad_steps_are_refused_and_nothing_is_saved(steps, message):
	# a Target List of Leads makes the Set Field checks read the Lead's meta
	refused(journey_doc(steps, entry_type="Target List", entry_target_list=lead_list()), message)


def test_the_refusal_is_translated():
	frappe.local.lang = "uk"
	try:
		with pytest.raises(frappe.ValidationError, match="не існує"):
			journey_doc([{"step_id": "S1", **TODO, "next_step": "S9"}]).insert()
	finally:
		frappe.local.lang = "en"


def test_activate_needs_an_entry():
	journey = journey_doc([{"step_id": "S1", **TODO}], entry_type="Target List").insert()
	with pytest.raises(frappe.ValidationError, match="Choose the Target List"):
		journey.activate()
	assert frappe.db.get_value("Marketing Journey", journey.name, "status") == "Draft"
	journey.entry_target_list = lead_list()
	journey.save()
	journey.activate()
	assert frappe.db.get_value("Marketing Journey", journey.name, "status") == "Active"


def test_a_step_holding_people_cannot_go_while_the_journey_runs():
	journey = journey_doc(
		[
			{"step_id": "S1", "step_type": "Wait", "wait_days": 3, "next_step": "S2"},
			{"step_id": "S2", **TODO},
			{"step_id": "S3", **TODO},
		]
	).insert()
	journey.activate()
	assert enrol(journey, "Lead", [{"member": make_lead()}, {"member": make_lead()}]) == 2

	journey.reload()
	journey.steps = [s for s in journey.steps if s.step_id != "S1"]
	with pytest.raises(frappe.ValidationError, match=r"Steps S1 still hold people \(2\)"):
		journey.save()
	assert [s.step_id for s in frappe.get_doc("Marketing Journey", journey.name).steps] == ["S1", "S2", "S3"]

	# a step nobody stands on may go, and an edit of the others applies to who reaches them next
	journey.reload()
	journey.steps = [s for s in journey.steps if s.step_id != "S3"]
	journey.steps[1].description = "Call again"
	journey.save()
	saved = frappe.get_doc("Marketing Journey", journey.name)
	assert [s.step_id for s in saved.steps] == ["S1", "S2"]
	assert saved.steps[1].description == "Call again"
