"""Marketing Journeys run on the live site, with time moved by freezegun: the source material's five
flows end to end with exact artefacts per person, the early yes, the goal, re-entry, crashes and
races, pauses, and a step failing for one person only."""

import json
import threading
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, HTTPServer
from unittest.mock import patch
from urllib.parse import parse_qs, urlparse

import frappe
import pytest
from frappe.utils import get_datetime, random_string
from freezegun import freeze_time

from crm_marketing_app.journeys import runner, steps
from crm_marketing_app.journeys.enrolments import enrol
from crm_marketing_app.tasks import run_journeys
from crm_marketing_app.target_lists.members import add_members
from tests.integration.helpers import make_customer, make_item, make_sales_order, make_user
from tests.integration.smtp_sink import make_sink_account
from tests.integration.test_triggers import in_workers

# -- helpers ------------------------------------------------------------------------------------


def step(step_id: str, step_type: str, next_step: str = "", **fields) -> dict:
	return {"step_id": step_id, "step_type": step_type, "next_step": next_step, **fields}


def make_journey(steps_: list[dict], activate: bool = True, **fields):
	doc = frappe.get_doc(
		{
			"doctype": "Marketing Journey",
			"journey_name": f"Journey {random_string(8)}",
			"entry_type": "Manual",
			"steps": steps_,
			**fields,
		}
	).insert()
	if activate:
		doc.activate()
	return doc


def make_lead(name: str = "Lead", **fields) -> str:
	return (
		frappe.get_doc(
			{
				"doctype": "Lead",
				"first_name": f"{name} {random_string(6)}",
				"email_id": f"{name.lower()}-{random_string(6)}@example.com",
				**fields,
			}
		)
		.insert()
		.name
	)


def make_list(leads: list[str]) -> str:
	doc = frappe.get_doc(
		{
			"doctype": "Target List",
			"list_name": f"Journey List {random_string(8)}",
			"member_doctype": "Lead",
			"list_type": "Static",
		}
	).insert()
	if leads:
		add_members(doc, "Lead", leads)
	return doc.name


def make_template(subject: str, body: str) -> str:
	return (
		frappe.get_doc(
			{
				"doctype": "Email Template",
				"name": f"Journey {random_string(8)}",
				"subject": subject,
				"response": body,
			}
		)
		.insert()
		.name
	)


def respond(person: str, response_type: str, doctype: str = "Lead") -> str:
	"""A Campaign Response from the person, now (inside the frozen time)."""
	return (
		frappe.get_doc(
			{
				"doctype": "Campaign Response",
				"respondent_doctype": doctype,
				"respondent": person,
				"response_type": response_type,
				"response_date": frappe.utils.now_datetime(),
			}
		)
		.insert()
		.name
	)


def at(moment: str, journey=None):
	"""The scheduled run (or one journey's) as if it were `moment`."""
	with freeze_time(moment):
		return runner.run_journey(journey.name) if journey else run_journeys()


@contextmanager
def frozen(moment: str):
	with freeze_time(moment):
		yield


def enrolment(journey, member: str) -> frappe._dict:
	[row] = frappe.get_all(
		"Journey Enrolment",
		filters={"journey": journey.name, "member": member},
		fields=["name", "status", "current_step", "variant", "pass_no", "next_run_on", "source_name"],
	)
	return row


def outcomes(journey, member: str) -> list[tuple[str, str]]:
	"""(step, outcome) of the person's log, by step (steps of one run share their moment)."""
	return sorted(
		(row.step_id, row.outcome)
		for row in frappe.get_all(
			"Journey Step Log",
			filters={"journey": journey.name, "member": member},
			fields=["step_id", "outcome"],
		)
	)


def mails_to(journey, member: str) -> list[str]:
	"""The subjects of the journey's queued mails to the person."""
	names = frappe.get_all("Journey Enrolment", {"journey": journey.name, "member": member}, pluck="name")
	queues = frappe.get_all(
		"Email Queue",
		filters={"reference_doctype": "Journey Enrolment", "reference_name": ("in", names or [""])},
		fields=["message"],
		order_by="creation",
	)
	subjects = []
	for queue in queues:
		[line] = [line for line in queue.message.splitlines() if line.startswith("Subject: ")]
		subjects.append(line.removeprefix("Subject: "))
	return subjects


def todos_for(person: str) -> list[frappe._dict]:
	return frappe.get_all(
		"ToDo",
		filters={"reference_name": person},
		fields=["name", "allocated_to", "description", "date", "reference_type"],
		order_by="creation",
	)


def events_with(person: str) -> list[frappe._dict]:
	parents = frappe.get_all("Event Participants", {"reference_docname": person}, pluck="parent")
	return frappe.get_all(
		"Event",
		filters={"name": ("in", parents or [""])},
		fields=["name", "subject", "owner", "starts_on", "event_category"],
	)


def sent_responses(journey, person: str) -> list[str]:
	return frappe.get_all(
		"Campaign Response",
		filters={"journey": journey.name, "respondent": person, "response_type": "Sent"},
		pluck="channel",
	)


@pytest.fixture
def mail_account():
	make_sink_account(port=2525, commit=False)


# -- the five flows -----------------------------------------------------------------------------


def test_exhibition_invitation_accepted_declined_and_silent(mail_account):
	"""Invite the list; who accepts gets a stand meeting at once (the early yes), who declines leaves,
	who says nothing gets a reminder when the two weeks are up."""
	owner = make_user(["Sales User"], prefix="stand")
	accepts, declines, silent = (make_lead(n, lead_owner=owner) for n in ("Accepts", "Declines", "Silent"))
	invitation = make_template("Meet us at the exhibition, {{ member.first_name }}", "Stand B12")
	reminder = make_template("Still time to book your visit", "Stand B12, hall 3")
	journey = make_journey(
		[
			step("invite", "Send Email", "answer", email_template=invitation),
			step(
				"answer",
				"Branch",
				"meeting",
				else_step="declined",
				condition_type="Response",
				response_type="Accepted",
				within_days=14,
			),
			step(
				"declined",
				"Branch",
				"leave",
				else_step="remind",
				condition_type="Response",
				response_type="Declined",
			),
			step("leave", "Exit"),
			step("remind", "Send Email", email_template=reminder),
			step(
				"meeting",
				"Create Event",
				step_label="Stand meeting",
				description="Meet {{ member.lead_name }}",
			),
		],
		entry_type="Target List",
		entry_target_list=make_list([accepts, declines, silent]),
	)

	at("2026-03-02 09:00")
	for lead in (accepts, declines, silent):
		assert enrolment(journey, lead).status == "Waiting"
		assert outcomes(journey, lead) == sorted([("invite", "Done")])
	with frozen("2026-03-04 10:00"):
		respond(accepts, "Accepted")
	with frozen("2026-03-05 10:00"):
		respond(declines, "Declined")
	at("2026-03-04 10:05")
	# the early yes: the meeting is made on the run after the answer, not at the deadline
	[meeting] = events_with(accepts)
	assert (meeting.subject, meeting.owner, str(meeting.starts_on)) == (
		f"Stand meeting: {frappe.db.get_value('Lead', accepts, 'lead_name')}",
		owner,
		"2026-03-04 00:00:00",
	)
	assert enrolment(journey, accepts).status == "Completed"
	at("2026-03-10 10:00")
	assert enrolment(journey, declines).status == "Waiting"  # a decline is no acceptance: still waiting
	at("2026-03-16 09:05")  # the two weeks are up
	at("2026-03-20 09:00")  # and nothing more happens after

	first = lambda lead: f"Meet us at the exhibition, {frappe.db.get_value('Lead', lead, 'first_name')}"  # noqa: E731
	assert mails_to(journey, accepts) == [first(accepts)]
	assert mails_to(journey, declines) == [first(declines)]
	assert mails_to(journey, silent) == [first(silent), "Still time to book your visit"]
	assert outcomes(journey, accepts) == sorted([("invite", "Done"), ("answer", "Yes"), ("meeting", "Done")])
	assert outcomes(journey, declines) == sorted(
		[
			("invite", "Done"),
			("answer", "No"),
			("declined", "Yes"),
			("leave", "Done"),
		]
	)
	assert outcomes(journey, silent) == sorted(
		[("invite", "Done"), ("answer", "No"), ("declined", "No"), ("remind", "Done")]
	)
	assert [enrolment(journey, lead).status for lead in (accepts, declines, silent)] == [
		"Completed",
		"Exited",
		"Completed",
	]
	assert events_with(declines) == [] and events_with(silent) == []
	# every mail is a Sent response of the journey, by Email
	assert [len(sent_responses(journey, lead)) for lead in (accepts, declines, silent)] == [1, 1, 2]


def test_white_paper_not_downloaded_is_sent_again(mail_account):
	campaign = frappe.get_doc(
		{"doctype": "Campaign", "campaign_name": f"White paper {random_string(6)}"}
	).insert()
	reads, ignores = make_lead("Reads"), make_lead("Ignores")
	paper = make_template("Our white paper on wind farms", "Download it here")
	# "if the white paper was not downloaded in a week, send it again"
	journey = make_journey(
		[
			step("paper", "Send Email", "read", email_template=paper),
			step(
				"read",
				"Branch",
				"",
				else_step="again",
				condition_type="Response",
				response_type="Downloaded",
				within_days=7,
			),
			step("again", "Send Email", email_template=paper),
		],
		campaign=campaign.name,
	)
	with frozen("2026-04-01 09:00"):
		enrol(journey, "Lead", [{"member": reads}, {"member": ignores}])
	at("2026-04-01 09:00")
	with frozen("2026-04-03 15:00"):
		respond(reads, "Downloaded")
	at("2026-04-03 15:05")
	assert enrolment(journey, reads).status == "Completed"
	at("2026-04-07 09:00")  # a day short of the week: the other still waits
	assert enrolment(journey, ignores).status == "Waiting"
	assert [len(mails_to(journey, lead)) for lead in (reads, ignores)] == [1, 1]
	at("2026-04-08 09:00")
	at("2026-04-09 09:00")

	subject = "Our white paper on wind farms"
	assert mails_to(journey, reads) == [subject]
	assert mails_to(journey, ignores) == [subject, subject]
	assert outcomes(journey, reads) == sorted([("paper", "Done"), ("read", "Yes")])
	assert outcomes(journey, ignores) == sorted([("paper", "Done"), ("read", "No"), ("again", "Done")])
	assert [enrolment(journey, lead).status for lead in (reads, ignores)] == ["Completed", "Completed"]
	responses = frappe.get_all(
		"Campaign Response",
		filters={"journey": journey.name, "response_type": "Sent"},
		fields=["respondent", "campaign", "channel"],
	)
	assert sorted((r.respondent, r.campaign, r.channel) for r in responses) == sorted(
		[
			(reads, campaign.name, "Email"),
			(ignores, campaign.name, "Email"),
			(ignores, campaign.name, "Email"),
		]
	)
