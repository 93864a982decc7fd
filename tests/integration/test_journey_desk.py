"""The desk side of Marketing Journeys on a real site: Enrol in Journey (permissions, refusals),
the flow diagram's counts per step, the person's journeys and their Connections."""

import frappe
import pytest
from frappe.desk.notifications import get_open_count
from frappe.utils import add_days, now_datetime, random_string

from crm_marketing_app import api
from crm_marketing_app.bulk import insert_rows
from crm_marketing_app.journeys import desk
from tests.integration.helpers import make_contact, make_customer, make_user

STEPS = [
	{
		"step_id": "S1",
		"step_type": "Create ToDo",
		"description": "Call {{ member.lead_name }}",
		"next_step": "S2",
	},
	{"step_id": "S2", "step_type": "Wait", "wait_days": 2, "next_step": "S3", "step_label": "Two days"},
	{
		"step_id": "S3",
		"step_type": "Branch",
		"condition_type": "Score",
		"threshold": 50,
		"next_step": "S4",
		"else_step": "S5",
		"step_label": "Warm?",
	},
	{"step_id": "S4", "step_type": "Exit"},
	{"step_id": "S5", "step_type": "Create ToDo", "description": "Follow up"},
]


def make_journey(status: str = "Active", **fields):
	journey = frappe.get_doc(
		{
			"doctype": "Marketing Journey",
			"journey_name": f"Desk Journey {random_string(6)}",
			"entry_type": "Manual",
			"steps": STEPS,
			**fields,
		}
	).insert()
	if status == "Active":
		journey.activate()
	return journey


def lead_list() -> str:
	"""A static Target List of Leads."""
	return (
		frappe.get_doc(
			{
				"doctype": "Target List",
				"list_name": f"Journey Leads {random_string(6)}",
				"member_doctype": "Lead",
				"list_type": "Static",
			}
		)
		.insert()
		.name
	)


def make_lead(**fields) -> str:
	suffix = random_string(6)
	return (
		frappe.get_doc(
			{
				"doctype": "Lead",
				"first_name": f"Journey Lead {suffix}",
				"email_id": f"journey-{suffix.lower()}@example.com",
				**fields,
			}
		)
		.insert()
		.name
	)


def enrolments(journey: str) -> list[dict]:
	return frappe.get_all(
		"Journey Enrolment",
		filters={"journey": journey},
		fields=["member_doctype", "member", "member_name", "status", "current_step", "pass_no"],
		order_by="member",
	)


def test_a_marketing_user_enrols_a_list_selection_once():
	journey = make_journey()
	leads = sorted(make_lead() for _ in range(2))
	frappe.set_user(make_user(["Marketing User", "Sales User"]))
	assert api.enrol_in_journey(journey.name, "Lead", frappe.as_json(leads)) == 2
	names = dict(
		frappe.get_all("Lead", filters={"name": ("in", leads)}, fields=["name", "lead_name"], as_list=True)
	)
	assert enrolments(journey.name) == [
		{
			"member_doctype": "Lead",
			"member": lead,
			"member_name": names[lead],
			"status": "Active",
			"current_step": "S1",
			"pass_no": 1,
		}
		for lead in leads
	]
	# again, and one name from a form: nobody enters twice
	assert api.enrol_in_journey(journey.name, "Lead", leads[0]) == 0
	assert api.enrol_in_journey(journey.name, "Lead", leads) == 0
	assert len(enrolments(journey.name)) == 2


def test_contacts_and_customers_enter_a_manual_journey():
	journey = make_journey()
	customer = make_customer()
	contact = make_contact(customer)
	assert desk.enrol_in_journey(journey.name, "Customer", [customer]) == 1
	assert desk.enrol_in_journey(journey.name, "Contact", [contact]) == 1
	assert {(row.member_doctype, row.member) for row in enrolments(journey.name)} == {
		("Customer", customer),
		("Contact", contact),
	}
	customer_name = frappe.db.get_value("Customer", customer, "customer_name")
	assert {row.member_name for row in enrolments(journey.name)} >= {customer_name}


@pytest.mark.parametrize("status", ["Draft", "Paused", "Stopped"])
def test_a_journey_that_is_not_active_takes_nobody(status):
	journey = make_journey(status="Draft")
	if status != "Draft":
		journey.activate()
		journey.pause() if status == "Paused" else journey.stop()
	lead = make_lead()
	frappe.local.lang = "uk"
	with pytest.raises(frappe.ValidationError, match="лише активний сценарій"):
		desk.enrol_in_journey(journey.name, "Lead", [lead])
	assert enrolments(journey.name) == []


def test_a_person_the_journey_cannot_hold_is_refused():
	journey = make_journey(entry_type="Target List", entry_target_list=lead_list())
	customer = make_customer()
	with pytest.raises(frappe.ValidationError, match="holds Lead, not Customer"):
		desk.enrol_in_journey(journey.name, "Customer", [customer])
	with pytest.raises(frappe.ValidationError, match="holds"):
		desk.enrol_in_journey(journey.name, "User", ["Administrator"])
	assert enrolments(journey.name) == []


def test_unknown_and_empty_selections_are_refused():
	journey = make_journey()
	lead = make_lead()
	with pytest.raises(frappe.ValidationError, match="not found: CRM-LEAD-NOPE"):
		desk.enrol_in_journey(journey.name, "Lead", [lead, "CRM-LEAD-NOPE"])
	with pytest.raises(frappe.ValidationError, match="Select the people to enrol"):
		desk.enrol_in_journey(journey.name, "Lead", "[]")
	assert enrolments(journey.name) == []


def test_who_may_not_write_the_journey_or_read_the_person_enrols_nobody():
	journey = make_journey()
	readable, hidden = make_lead(), make_lead()
	frappe.set_user(make_user(["Sales User"]))
	with pytest.raises(frappe.PermissionError):
		desk.enrol_in_journey(journey.name, "Lead", [readable])

	frappe.set_user("Administrator")
	marketer = make_user(["Marketing User", "Sales User"])
	frappe.get_doc(
		{
			"doctype": "User Permission",
			"user": marketer,
			"allow": "Lead",
			"for_value": readable,
			"apply_to_all_doctypes": 1,
		}
	).insert()
	frappe.set_user(marketer)
	with pytest.raises(frappe.PermissionError):
		desk.enrol_in_journey(journey.name, "Lead", [readable, hidden])
	assert enrolments(journey.name) == []
	assert desk.enrol_in_journey(journey.name, "Lead", [readable]) == 1


def insert_history(journey, leads):
	"""Enrolments and step log rows as the runner would leave them, written directly."""
	now = now_datetime()
	stands = [("S2", "Waiting"), ("S3", "Active"), ("S3", "Waiting"), ("S4", "Exited"), ("S5", "Failed")]
	rows = [
		{
			"journey": journey.name,
			"member_doctype": "Lead",
			"member": lead,
			"member_name": lead,
			"status": status,
			"current_step": step,
			"entered_on": add_days(now, -5 + n),
			"next_run_on": add_days(now, 2),
			"pass_no": 1,
			"entry_key": random_string(32),
		}
		for n, (lead, (step, status)) in enumerate(zip(leads, stands, strict=True))
	]
	insert_rows("Journey Enrolment", rows)
	enrolment = dict(
		frappe.get_all("Journey Enrolment", {"journey": journey.name}, ["member", "name"], as_list=True)
	)
	log = [("S1", "Done")] * 5 + [("S2", "Done")] * 4 + [("S3", "Yes"), ("S3", "No"), ("S5", "Failed")]
	# as the runner leaves them: whoever stands on a step has no outcome there in this pass
	owners = leads + leads[1:] + [leads[3], leads[4], leads[4]]
	insert_rows(
		"Journey Step Log",
		[
			{
				"enrolment": enrolment[owners[n]],
				"journey": journey.name,
				"step_id": step,
				"pass_no": 1,
				"member_doctype": "Lead",
				"member": owners[n],
				"executed_on": now,
				"outcome": outcome,
			}
			for n, (step, outcome) in enumerate(log)
		],
	)
	return enrolment


def test_step_counts_give_waiting_done_yes_no_failed_per_step():
	journey = make_journey()
	leads = [make_lead() for _ in range(5)]
	insert_history(journey, leads)
	other = make_journey()  # another journey's rows do not count
	insert_history(other, [make_lead() for _ in range(5)])
	# a claim the runner has not finished yet has no outcome
	insert_rows(
		"Journey Step Log",
		[{"enrolment": "x", "journey": journey.name, "step_id": "S4", "pass_no": 1, "outcome": None}],
	)

	counts = desk.step_counts(journey.name)
	assert {step: dict(c) for step, c in counts["steps"].items()} == {
		"S1": {"done": 5},
		"S2": {"waiting": 1, "done": 4},
		"S3": {"waiting": 2, "yes": 1, "no": 1},
		"S5": {"failed": 1},
	}
	assert dict(counts["statuses"]) == {"Waiting": 2, "Active": 1, "Exited": 1, "Failed": 1}

	# a Sales User reads enrolments, not the step log
	frappe.set_user(make_user(["Sales User"]))
	counts = desk.step_counts(journey.name)
	assert {step: dict(c) for step, c in counts["steps"].items()} == {
		"S2": {"waiting": 1},
		"S3": {"waiting": 2},
	}
	frappe.set_user(make_user(["Accounts User"]))
	with pytest.raises(frappe.PermissionError):
		desk.step_counts(journey.name)


def test_the_lead_shows_its_journeys_and_where_it_stands():
	first, second = make_journey(), make_journey()
	lead = make_lead()
	insert_history(first, [lead] + [make_lead() for _ in range(4)])  # the lead waits at S2
	desk.enrol_in_journey(second.name, "Lead", [lead])
	rows = desk.member_journeys("Lead", lead)
	assert [(r.journey, r.status, r.current_step, r.step_label, r.step_type) for r in rows] == [
		(second.name, "Active", "S1", None, "Create ToDo"),
		(first.name, "Waiting", "S2", "Two days", "Wait"),
	]
	# Connections count the enrolments under Journeys
	counts = get_open_count("Lead", lead, ["Journey Enrolment", "Target List Member"])["count"]
	found = {row["doctype"]: row["count"] for row in counts["external_links_found"]}
	assert found["Journey Enrolment"] == 2
	assert found["Target List Member"] == 0

	frappe.set_user(make_user(["Accounts User"]))
	with pytest.raises(frappe.PermissionError):
		desk.member_journeys("Lead", lead)


def test_the_enrol_dialog_offers_active_journeys_that_can_hold_the_person():
	manual = make_journey()
	make_journey(status="Draft")
	of_leads = make_journey(entry_type="Target List", entry_target_list=lead_list())

	def offered(member_doctype: str) -> set[str]:
		rows = desk.enrollable_journeys(
			"Marketing Journey", "Desk Journey", "name", 0, 100, {"member_doctype": member_doctype}
		)
		return {name for name, _description in rows} & {manual.name, of_leads.name}

	assert offered("Lead") == {manual.name, of_leads.name}
	assert offered("Customer") == {manual.name}
	frappe.set_user(make_user(["Accounts User"]))
	with pytest.raises(frappe.PermissionError):
		offered("Lead")
