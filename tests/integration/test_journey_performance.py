"""Journey Performance on fixed data: enrolments and step logs written as rows, every figure asserted.

The journey: W1 Wait → SP Split 50/50 → (A) T1 / (B) T2 Create ToDo → BR Branch on the score within
7 days → yes: the end; no: EX Exit. March's people make A the winner, April's B; both months
together are not significant yet.
"""

import itertools

import frappe
import pytest
from frappe.utils import random_string

from crm_marketing_app.bulk import insert_rows
from tests.integration.helpers import make_user
from tests.integration.test_revenue_reports import run_report

MARCH = {"from_date": "2026-03-01", "to_date": "2026-03-31"}
APRIL = {"from_date": "2026-04-01", "to_date": "2026-04-30"}
serial = itertools.count()


def make_journey(name: str | None = None) -> str:
	steps = [
		{"step_id": "W1", "step_type": "Wait", "step_label": "Two days", "wait_days": 2, "next_step": "SP"},
		{
			"step_id": "SP",
			"step_type": "Split",
			"step_label": "Which call",
			"split_percent": 50,
			"else_percent": 50,
			"next_step": "T1",
			"else_step": "T2",
		},
		{"step_id": "T1", "step_type": "Create ToDo", "description": "Call", "next_step": "BR"},
		{"step_id": "T2", "step_type": "Create ToDo", "description": "Mail", "next_step": "BR"},
		{
			"step_id": "BR",
			"step_type": "Branch",
			"step_label": "Warm?",
			"condition_type": "Score",
			"threshold": 50,
			"within_days": 7,
			"else_step": "EX",
		},
		{"step_id": "EX", "step_type": "Exit"},
	]
	return (
		frappe.get_doc(
			{"doctype": "Marketing Journey", "journey_name": name or f"JP {random_string(8)}", "steps": steps}
		)
		.insert()
		.name
	)


def people(journey, count, *, entered, status, step, variant="", path=()) -> None:
	"""`count` enrolments that entered on `entered`, went through `path` ((step, outcome) pairs) and
	stand on `step` with `status`."""
	members = [f"JP-LEAD-{next(serial)}" for _i in range(count)]
	names = insert_rows(
		"Journey Enrolment",
		[
			{
				"journey": journey,
				"member_doctype": "Lead",
				"member": member,
				"member_name": member,
				"status": status,
				"current_step": step,
				"variant": variant,
				"entered_on": f"{entered} 09:00:00",
				"step_started_on": f"{entered} 09:00:00",
				"next_run_on": f"{entered} 09:00:00",
				"pass_no": 1,
				"entry_key": frappe.generate_hash(length=32),
			}
			for member in members
		],
	)
	insert_rows(
		"Journey Step Log",
		[
			{
				"enrolment": name,
				"journey": journey,
				"step_id": step_id,
				"pass_no": 1,
				"member_doctype": "Lead",
				"member": member,
				"executed_on": f"{entered} 10:00:00",
				"outcome": outcome,
			}
			for name, member in zip(names, members, strict=True)
			for step_id, outcome in path
		],
	)


def through(*steps, outcome="Done"):
	return [(step, outcome) for step in steps]


def journey_with_people() -> str:
	"""The journey and its 273 people of March and April."""
	name = make_journey()
	march, april = "2026-03-02", "2026-04-10"
	# March: 213 people
	people(name, 3, entered=march, status="Active", step="W1")
	people(name, 2, entered=march, status="Waiting", step="SP", path=through("W1"))
	a, b = through("W1", "SP", "T1"), through("W1", "SP", "T2")
	people(name, 40, entered=march, status="Converted", step="BR", variant="A", path=a)
	people(
		name,
		60,
		entered=march,
		status="Exited",
		step="EX",
		variant="A",
		path=[*a, ("BR", "No"), ("EX", "Done")],
	)
	people(
		name,
		1,
		entered=march,
		status="Failed",
		step="T1",
		variant="A",
		path=[*through("W1", "SP"), ("T1", "Failed")],
	)
	people(name, 20, entered=march, status="Converted", step="BR", variant="B", path=b)
	people(name, 80, entered=march, status="Completed", step="BR", variant="B", path=[*b, ("BR", "Yes")])
	people(name, 5, entered=march, status="Waiting", step="BR", variant="B", path=b)
	people(name, 2, entered=march, status="Completed", step="BR", variant="B",
		   path=[*through("W1", "SP"), ("T2", "Skipped"), ("BR", "Yes")])  # fmt: skip
	# April: 60 people, B converts better
	people(name, 3, entered=april, status="Converted", step="BR", variant="A", path=a)
	people(
		name,
		27,
		entered=april,
		status="Exited",
		step="EX",
		variant="A",
		path=[*a, ("BR", "No"), ("EX", "Done")],
	)
	people(name, 15, entered=april, status="Converted", step="BR", variant="B", path=b)
	people(name, 15, entered=april, status="Completed", step="BR", variant="B", path=[*b, ("BR", "Yes")])
	return name


@pytest.fixture
def journey():
	return journey_with_people()


def report(journey, **filters):
	result = run_report("Journey Performance", {"journey": journey, **filters})
	steps = {row["step"]: row for row in result["result"] if not row.get("variant")}
	variants = {row["variant"]: row for row in result["result"] if row.get("variant")}
	summary = {item["label"]: item["value"] for item in result["report_summary"]}
	return result, steps, variants, summary


FIGURES = ("entered", "done", "yes", "no", "skipped", "failed", "waiting", "goal_here")


def figures(row):
	return tuple(row[key] for key in FIGURES)


def test_steps_in_order_with_every_outcome(journey):
	result, steps, _variants, summary = report(journey, **MARCH)
	assert [row["step"] for row in result["result"]] == ["W1", "SP", "SP", "SP", "T1", "T2", "BR", "EX"]
	assert [steps[s]["step_label"] for s in steps] == ["Two days", "Which call", "T1", "T2", "Warm?", "EX"]
	assert steps["BR"]["step_type"] == "Branch"
	#                       entered done yes no skipped failed waiting goal_here
	assert figures(steps["W1"]) == (213, 210, 0, 0, 0, 0, 3, 0)
	assert figures(steps["SP"]) == (210, 208, 0, 0, 0, 0, 2, 0)
	assert figures(steps["T1"]) == (101, 100, 0, 0, 0, 1, 0, 0)
	assert figures(steps["T2"]) == (107, 105, 0, 0, 2, 0, 0, 0)
	assert figures(steps["BR"]) == (207, 0, 82, 60, 0, 0, 5, 60)
	assert figures(steps["EX"]) == (60, 60, 0, 0, 0, 0, 0, 0)
	assert summary == {"Enrolled": 213, "Converted": 60, "Conversion (%)": 28.17, "Still in the Journey": 10}

	chart = result["chart"]
	assert chart["data"]["labels"] == ["Two days", "Which call", "T1", "T2", "Warm?", "EX"]
	datasets = {d["name"]: d["values"] for d in chart["data"]["datasets"]}
	assert datasets["Still Waiting"] == [3, 2, 0, 0, 5, 0]
	assert datasets["Failed"] == [0, 0, 1, 0, 0, 0]
	assert datasets["Yes"] == [0, 0, 0, 0, 82, 0]
	assert datasets["Reached Goal Here"] == [0, 0, 0, 0, 60, 0]
	# the stack of each step is its Entered
	assert [sum(values) for values in zip(*datasets.values(), strict=True)] == [213, 210, 101, 107, 207, 60]


def test_variant_a_wins_in_march(journey):
	_result, _steps, variants, _summary = report(journey, **MARCH)
	a, b = variants["A"], variants["B"]
	assert (a["entered"], a["converted"], a["conversion_rate"]) == (101, 40, 39.6)
	assert (b["entered"], b["converted"], b["conversion_rate"]) == (107, 20, 18.69)
	assert (a["z_score"], a["p_value"]) == (b["z_score"], b["p_value"]) == (3.327, 0.0009)
	assert a["verdict"] == b["verdict"] == "Winner at 95 %: A"


def test_variant_b_wins_in_april(journey):
	_result, steps, variants, summary = report(journey, **APRIL)
	assert (variants["A"]["entered"], variants["A"]["converted"]) == (30, 3)
	assert (variants["B"]["entered"], variants["B"]["converted"]) == (30, 15)
	assert (variants["A"]["z_score"], variants["A"]["p_value"]) == (-3.381, 0.0007)
	assert variants["B"]["verdict"] == "Winner at 95 %: B"
	assert figures(steps["BR"]) == (60, 0, 15, 27, 0, 0, 0, 18)
	assert summary == {"Enrolled": 60, "Converted": 18, "Conversion (%)": 30.0, "Still in the Journey": 0}


def test_both_months_together_are_not_significant(journey):
	_result, steps, variants, summary = report(journey)
	assert (variants["A"]["entered"], variants["A"]["converted"]) == (131, 43)
	assert (variants["B"]["entered"], variants["B"]["converted"]) == (137, 35)
	assert (variants["A"]["z_score"], variants["A"]["p_value"]) == (1.311, 0.1899)
	assert variants["A"]["verdict"] == variants["B"]["verdict"] == "Not significant yet"
	assert figures(steps["W1"]) == (273, 270, 0, 0, 0, 0, 3, 0)
	assert summary["Enrolled"] == 273 and summary["Converted"] == 78


def test_verdict_is_translated(journey):
	frappe.local.lang = "uk"
	_result, _steps, variants, _summary = report(journey, **MARCH)
	assert variants["A"]["verdict"] == "Переможець з надійністю 95 %: A"
	_result, _steps, variants, _summary = report(journey)
	assert variants["A"]["verdict"] == "Ще не значуще"


def test_a_journey_nobody_entered_shows_its_steps_at_zero():
	result, steps, variants, summary = report(make_journey())
	assert set(steps) == {"W1", "SP", "T1", "T2", "BR", "EX"}
	assert all(figures(row) == (0,) * len(FIGURES) for row in steps.values())
	assert variants["A"]["verdict"] == "Not significant yet" and variants["A"]["conversion_rate"] is None
	assert summary == {"Enrolled": 0, "Converted": 0, "Conversion (%)": 0, "Still in the Journey": 0}
	assert result["chart"] is None


def test_marketing_roles_may_run_it_and_others_may_not(journey):
	frappe.set_user(make_user(["Marketing User"]))
	assert report(journey, **MARCH)[3]["Enrolled"] == 213
	frappe.set_user(make_user(["Sales User"]))
	with pytest.raises(frappe.PermissionError):
		report(journey)


def test_two_splits_count_each_from_its_log():
	steps = [
		{"step_id": "S1", "step_type": "Split", "split_percent": 50, "else_percent": 50, "next_step": "S2",
		 "else_step": "EX"},
		{"step_id": "S2", "step_type": "Split", "split_percent": 30, "else_percent": 70, "next_step": "EX",
		 "else_step": "EX"},
		{"step_id": "EX", "step_type": "Exit"},
	]  # fmt: skip
	name = (
		frappe.get_doc(
			{"doctype": "Marketing Journey", "journey_name": f"JP {random_string(8)}", "steps": steps}
		)
		.insert()
		.name
	)
	people(
		name, 2, entered="2026-03-02", status="Converted", step="EX", variant="B", path=through("S1", "S2")
	)
	people(
		name, 1, entered="2026-03-02", status="Exited", step="EX", variant="A", path=through("S1", "S2", "EX")
	)
	people(name, 4, entered="2026-03-02", status="Exited", step="EX", variant="B", path=through("S1", "EX"))
	_result, _steps, _variants, _summary = report(name)
	rows = {
		(r["step"], r["variant"]): (r["entered"], r["converted"])
		for r in _result["result"]
		if r.get("variant")
	}
	# S2 sent 3 people: 1 A, 2 B (converted); S1's variant is the enrolment's, the later Split's where both ran
	assert rows[("S2", "A")] == (1, 0) and rows[("S2", "B")] == (2, 2)
	assert rows[("S1", "A")][0] + rows[("S1", "B")][0] == 7
