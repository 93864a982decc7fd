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
from frappe.utils import random_string
from freezegun import freeze_time

from crm_marketing_app.journeys import runner, steps
from crm_marketing_app.journeys.enrolments import enrol
from crm_marketing_app.target_lists.members import add_members
from crm_marketing_app.tasks import run_journeys
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
	"""Records made at `moment` (a ticking clock: a document saved twice must see time move)."""
	with freeze_time(moment, tick=True):
		yield


def local(moment: str) -> str:
	"""`moment` (UTC, as freezegun takes it) in the site's time zone, as Frappe stores it."""
	with freeze_time(moment):
		return str(frappe.utils.now_datetime())


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
	with freeze_time("2026-04-01 09:00"):
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


def test_webinar_registrants_who_did_not_attend_get_a_call_from_their_account_manager_two_months_later():
	manager = make_user(["Sales User"], prefix="account-manager")
	came, missed, other = (make_lead(n, lead_owner=manager) for n in ("Came", "Missed", "Other"))
	journey = make_journey(
		[
			step(
				"attended",
				"Branch",
				"",
				else_step="two_months",
				condition_type="Response",
				response_type="Attended",
				within_days=2,
			),
			step("two_months", "Wait", "call", wait_days=61),
			step("call", "Create ToDo", description="Call {{ member.lead_name }}: missed the webinar"),
		],
		entry_type="Event",
		event="Response Received",
		response_type="Registered",
		catch_up_days=1,
	)
	with frozen("2026-05-10 10:00"):
		respond(came, "Registered")
		respond(missed, "Registered")
		respond(other, "Opened")  # not a registration: never enters
	at("2026-05-10 10:05")
	assert {e.member for e in frappe.get_all("Journey Enrolment", {"journey": journey.name}, ["member"])} == {
		came,
		missed,
	}
	with frozen("2026-05-11 11:00"):
		respond(came, "Attended")
	at("2026-05-11 11:05")
	at("2026-05-12 10:05")  # the two days are up for who did not come
	at("2026-07-12 09:00")  # 61 days later, a day short
	assert todos_for(missed) == []
	at("2026-07-12 10:05")
	at("2026-07-20 10:05")

	[todo] = todos_for(missed)
	assert (todo.allocated_to, todo.description, str(todo.date), todo.reference_type) == (
		manager,
		f"Call {frappe.db.get_value('Lead', missed, 'lead_name')}: missed the webinar",
		"2026-07-12",
		"Lead",
	)
	assert todos_for(came) == [] and todos_for(other) == []
	assert enrolment(journey, came).status == "Completed"
	assert enrolment(journey, missed).status == "Completed"
	assert enrolment(journey, missed).source_name  # the Registered response it entered by
	assert outcomes(journey, missed) == sorted([("attended", "No"), ("two_months", "Done"), ("call", "Done")])
	# the ToDo shows under "Assigned To" on the lead, as a ToDo document would
	assert json.loads(frappe.db.get_value("Lead", missed, "_assign")) == [manager]


def test_follow_up_after_a_customers_first_order_only():
	manager = make_user(["Sales User"], prefix="account-manager")
	new, old = make_customer(account_manager=manager), make_customer(account_manager=manager)
	item = make_item()
	make_sales_order(old, [(item, 1, 100)], "2025-11-03")
	journey = make_journey(
		[step("welcome", "Create ToDo", description="Welcome call to {{ member.customer_name }}")],
		entry_type="Event",
		event="After Order",
		first_order_only=1,
		reentry="Per Source Document",
		catch_up_days=0,
	)
	with frozen("2026-06-01 10:00"):
		first = make_sales_order(new, [(item, 1, 100)], "2026-06-01")
		make_sales_order(old, [(item, 1, 100)], "2026-06-01")  # not the old customer's first order
	at("2026-06-01 18:00")
	with frozen("2026-06-03 10:00"):
		make_sales_order(new, [(item, 1, 100)], "2026-06-03")  # the second order: no second follow-up
	at("2026-06-03 18:00")

	assert [(t.allocated_to, t.description) for t in todos_for(new)] == [(manager, f"Welcome call to {new}")]
	assert todos_for(old) == []
	assert [
		(e.member, e.source_name)
		for e in frappe.get_all("Journey Enrolment", {"journey": journey.name}, ["member", "source_name"])
	] == [(new, first.name)]


def test_renewal_11_months_2_days_after_each_licence_purchase():
	"""Re-entry per source document: one enrolment, and one renewal task, per licence order."""
	manager = make_user(["Sales User"], prefix="account-manager")
	customer = make_customer(account_manager=manager)
	licence, other = make_item(item_name="Licence"), make_item()
	march = make_sales_order(customer, [(licence, 1, 1000)], "2025-03-31")
	june = make_sales_order(customer, [(licence, 2, 1000)], "2025-06-10")
	make_sales_order(customer, [(other, 1, 10)], "2025-03-31")
	journey = make_journey(
		[
			step("renew", "Create ToDo", "offer", description="Renew {{ enrolment.source_name }}"),
			step("offer", "Create Opportunity", description="Renewal of {{ enrolment.source_name }}"),
		],
		entry_type="Event",
		event="After Order",
		item=licence,
		offset_months=11,
		offset_days=2,
		catch_up_days=3,
		reentry="Per Source Document",
	)
	at("2026-03-01 09:00")
	assert todos_for(customer) == []
	at("2026-03-02 09:00")  # 31 March + 11 months = 28 February, + 2 days
	at("2026-03-03 09:00")
	at("2026-05-12 09:00")  # 10 June + 11 months 2 days
	at("2026-05-13 09:00")

	assert [(t.allocated_to, t.description, str(t.date)) for t in todos_for(customer)] == [
		(manager, f"Renew {march.name}", "2026-03-02"),
		(manager, f"Renew {june.name}", "2026-05-12"),
	]
	enrolments = frappe.get_all(
		"Journey Enrolment",
		{"journey": journey.name},
		["source_name", "status", "entered_on"],
		order_by="entered_on",
	)
	assert [(e.source_name, e.status, str(e.entered_on)) for e in enrolments] == [
		(march.name, "Completed", local("2026-03-02 09:00")),
		(june.name, "Completed", local("2026-05-12 09:00")),
	]
	opportunities = frappe.get_all(
		"Opportunity",
		{"party_name": customer},
		["opportunity_from", "opportunity_owner", "name"],
		order_by="creation",
	)
	assert [(o.opportunity_from, o.opportunity_owner) for o in opportunities] == [
		("Customer", manager),
		("Customer", manager),
	]
	logged = frappe.get_all(
		"Journey Step Log", {"journey": journey.name, "step_id": "offer"}, pluck="artefact_name"
	)
	assert sorted(logged) == sorted(o.name for o in opportunities)


def test_entering_twice_per_source_document_or_once_per_person():
	lead = make_lead("Twice")
	per_source, per_person = (
		make_journey(
			[
				step(
					"task",
					"Create ToDo",
					assign_to="Administrator",
					description="Info for {{ member.lead_name }}",
				)
			],
			entry_type="Event",
			event="Response Received",
			response_type="Requested Info",
			reentry=reentry,
			catch_up_days=2,
		)
		for reentry in ("Per Source Document", "Never")
	)
	with frozen("2026-02-02 10:00"):
		first = respond(lead, "Requested Info")
	at("2026-02-02 10:05")
	with frozen("2026-02-03 10:00"):
		second = respond(lead, "Requested Info")
	at("2026-02-03 10:05")
	at("2026-02-03 10:10")
	by_source = frappe.get_all("Journey Enrolment", {"journey": per_source.name}, pluck="source_name")
	assert sorted(by_source) == sorted([first, second])
	assert frappe.get_all("Journey Enrolment", {"journey": per_person.name}, pluck="source_name") == [first]
	assert len(todos_for(lead)) == 3  # two of the first journey, one of the second


# -- goal, pause, per-person failures ----------------------------------------------------------


def test_reaching_the_goal_mid_journey_converts_and_stops_there():
	buyer, waiter = make_customer(), make_customer()
	item = make_item()
	journey = make_journey(
		[
			step("wait", "Wait", "call", wait_days=3),
			step(
				"call",
				"Create ToDo",
				assign_to="Administrator",
				description="Call {{ member.customer_name }}",
			),
		],
		goal="Sales Order",
	)
	with frozen("2026-09-01 08:00"):
		make_sales_order(buyer, [(item, 1, 50)], "2026-09-01")  # before entering: no goal
	with freeze_time("2026-09-01 09:00"):
		enrol(journey, "Customer", [{"member": buyer}, {"member": waiter}])
	at("2026-09-01 09:00")
	with frozen("2026-09-02 12:00"):
		make_sales_order(buyer, [(item, 1, 50)], "2026-09-02")
	at("2026-09-02 12:05")
	assert enrolment(journey, buyer).status == "Converted"
	at("2026-09-04 09:05")

	assert todos_for(buyer) == []
	assert [t.description for t in todos_for(waiter)] == [f"Call {waiter}"]
	assert outcomes(journey, buyer) == [("wait", "Done")]
	assert enrolment(journey, waiter).status == "Completed"
	exited = frappe.db.get_value("Journey Enrolment", enrolment(journey, buyer).name, "exited_on")
	assert str(exited) == local("2026-09-02 12:05")


def test_a_paused_journey_lets_nobody_in_and_moves_nobody():
	inside, listed = make_lead("Inside"), make_lead("Listed")
	journey = make_journey(
		[
			step("wait", "Wait", "task", wait_days=1),
			step("task", "Create ToDo", assign_to="Administrator", description="Hello"),
		],
		entry_type="Target List",
		entry_target_list=make_list([inside]),
	)
	at("2026-01-05 09:00")
	add_members(frappe.get_doc("Target List", journey.entry_target_list), "Lead", [listed])
	journey.reload()
	journey.pause()
	assert at("2026-01-07 09:00") == {}
	assert runner.run_journey(journey.name, "2026-01-07 09:00:00") == {}
	assert todos_for(inside) == [] and frappe.get_all("Journey Enrolment", {"member": listed}) == []
	assert enrolment(journey, inside).current_step == "task"
	journey.reload()
	journey.activate()
	at("2026-01-07 09:05")
	assert len(todos_for(inside)) == 1
	assert enrolment(journey, listed).status == "Waiting"


def test_a_template_failing_for_one_person_fails_only_their_step():
	good, bad = make_lead("Good"), make_lead("Bad")
	journey = make_journey(
		[
			step(
				"task",
				"Create ToDo",
				"after",
				assign_to="Administrator",
				description="{{ 1 // 0 if member.name == '" + bad + "' else 'Call ' ~ member.lead_name }}",
			),
			step("after", "Create ToDo", assign_to="Administrator", description="Again"),
		]
	)
	with freeze_time("2026-02-10 09:00"):
		enrol(journey, "Lead", [{"member": good}, {"member": bad}])
	at("2026-02-10 09:00")
	at("2026-02-11 09:00")
	assert sorted(t.description for t in todos_for(good)) == [
		"Again",
		f"Call {frappe.db.get_value('Lead', good, 'lead_name')}",
	]
	assert todos_for(bad) == []
	assert enrolment(journey, bad).status == "Failed"
	[log] = frappe.get_all(
		"Journey Step Log", {"journey": journey.name, "member": bad}, ["step_id", "outcome", "error"]
	)
	assert (log.step_id, log.outcome) == ("task", "Failed")
	assert "ZeroDivisionError" in log.error
	assert enrolment(journey, good).status == "Completed"


class Gateway(BaseHTTPRequestHandler):
	"""An SMS gateway on 127.0.0.1 that keeps the texts it is asked to send."""

	received: list[tuple[str, str]] = []

	def do_GET(self):
		query = parse_qs(urlparse(self.path).query)
		Gateway.received.append((query["to"][0], query["text"][0]))
		self.send_response(200)
		self.end_headers()

	def log_message(self, *args):
		pass


@pytest.fixture
def sms_gateway():
	server = HTTPServer(("127.0.0.1", 0), Gateway)
	thread = threading.Thread(target=server.serve_forever, daemon=True)
	thread.start()
	Gateway.received = []
	settings = frappe.get_doc("SMS Settings")
	settings.sms_gateway_url = f"http://127.0.0.1:{server.server_port}/send"
	settings.message_parameter = "text"
	settings.receiver_parameter = "to"
	settings.save()
	try:
		yield Gateway.received
	finally:
		server.shutdown()


def test_a_text_goes_to_each_person_with_a_number_and_fails_for_the_one_without(sms_gateway):
	campaign = frappe.get_doc({"doctype": "Campaign", "campaign_name": f"Texts {random_string(6)}"}).insert()
	with_phone = make_lead("Phone", mobile_no="+380501112233")
	without = make_lead("Nophone")
	journey = make_journey(
		[
			step("text", "Send SMS", "after", description="Hi {{ member.first_name }}, see you at stand B12"),
			step("after", "Create ToDo", assign_to="Administrator", description="Follow up"),
		],
		campaign=campaign.name,
	)
	with freeze_time("2026-02-10 12:00"):
		enrol(journey, "Lead", [{"member": with_phone}, {"member": without}])
	at("2026-02-10 12:00")
	at("2026-02-10 12:05")

	first_name = frappe.db.get_value("Lead", with_phone, "first_name")
	assert sms_gateway == [("+380501112233", f"Hi {first_name}, see you at stand B12")]
	assert sent_responses(journey, with_phone) == ["SMS"]
	assert sent_responses(journey, without) == []
	assert outcomes(journey, with_phone) == sorted([("text", "Done"), ("after", "Done")])
	[log] = frappe.get_all(
		"Journey Step Log", {"journey": journey.name, "member": without}, ["outcome", "error"]
	)
	assert (log.outcome, log.error) == ("Failed", f"Lead {without} has no mobile number")
	assert enrolment(journey, without).status == "Failed"
	assert len(todos_for(with_phone)) == 1 and todos_for(without) == []


def test_split_lists_fields_opportunities_and_exit():
	owner = make_user(["Sales User"], prefix="lead-owner")
	leads = [make_lead(f"Split{i}", lead_owner=owner) for i in range(8)]
	joined, leaving = make_list([]), make_list(leads)
	journey = make_journey(
		[
			step("ab", "Split", "join", else_step="until", split_percent=50, else_percent=50),
			step("join", "Add To Target List", "mark", target_list=joined),
			step("mark", "Set Field", "bye", field="city", value="Lviv"),
			step("bye", "Exit"),
			step("until", "Wait Until", "opportunity", wait_until_date="2026-01-01"),  # past: at once
			step(
				"opportunity", "Create Opportunity", "unlist", description="From {{ journey.journey_name }}"
			),
			step("unlist", "Remove From Target List", target_list=leaving),
		]
	)
	with freeze_time("2026-03-02 09:00"):
		enrol(journey, "Lead", [{"member": lead} for lead in leads])
	at("2026-03-02 09:00")

	from crm_marketing_app.engine.journeys import split_variant

	variant = {lead: split_variant(f"{enrolment(journey, lead).name}:ab", 50) for lead in leads}
	a = [lead for lead in leads if variant[lead] == "A"]
	b = [lead for lead in leads if variant[lead] == "B"]
	assert a and b  # eight people: both variants (the digest split is fixed)
	on_joined = set(frappe.get_all("Target List Member", {"target_list": joined}, pluck="member"))
	on_leaving = set(frappe.get_all("Target List Member", {"target_list": leaving}, pluck="member"))
	assert on_joined == set(a) and on_leaving == set(a)
	assert {lead: frappe.db.get_value("Lead", lead, "city") for lead in leads} == {
		lead: "Lviv" if lead in a else None for lead in leads
	}
	opportunities = frappe.get_all(
		"Opportunity", {"party_name": ("in", leads)}, ["party_name", "opportunity_owner"]
	)
	assert sorted((o.party_name, o.opportunity_owner) for o in opportunities) == sorted(
		(lead, owner) for lead in b
	)
	assert {lead: (enrolment(journey, lead).status, enrolment(journey, lead).variant) for lead in leads} == {
		lead: ("Exited", "A") if lead in a else ("Completed", "B") for lead in leads
	}
	assert frappe.db.get_value("Target List", joined, "member_count") == len(a)


def test_an_unsubscribed_person_is_skipped_and_goes_on(mail_account):
	reachable, gone = make_lead("Reachable"), make_lead("Gone", unsubscribed=1)
	journey = make_journey(
		[
			step("mail", "Send Email", "task", email_template=make_template("News", "Hello")),
			step("task", "Create ToDo", assign_to="Administrator", description="Call"),
		]
	)
	with freeze_time("2026-03-02 09:00"):
		enrol(journey, "Lead", [{"member": reachable}, {"member": gone}])
	at("2026-03-02 09:00")
	assert mails_to(journey, reachable) == ["News"] and mails_to(journey, gone) == []
	assert outcomes(journey, gone) == sorted([("mail", "Skipped"), ("task", "Done")])
	assert len(todos_for(gone)) == 1


# -- crashes and races: as the scheduler's workers, with real commits ---------------------------


@pytest.fixture
def committed_journey():
	"""Seven leads enrolled in a journey of one ToDo step, committed so that workers see them."""
	leads = [make_lead(f"Worker{i}") for i in range(7)]
	journey = make_journey([step("task", "Create ToDo", assign_to="Administrator", description="Call")])
	with freeze_time("2026-03-02 09:00"):
		enrol(journey, "Lead", [{"member": lead} for lead in leads])
	frappe.db.commit()
	try:
		yield journey, leads
	finally:
		frappe.db.rollback()
		for table, field, values in (
			("ToDo", "reference_name", leads),
			("Comment", "reference_name", leads),
			("Journey Step Log", "journey", [journey.name]),
			("Journey Enrolment", "journey", [journey.name]),
			("Marketing Journey Step", "parent", [journey.name]),
			("Marketing Journey", "name", [journey.name]),
			("Lead", "name", leads),
		):
			frappe.db.delete(table, {field: ("in", values)})
		frappe.db.commit()


def test_a_worker_killed_mid_chunk_then_run_again_ends_with_exact_counts(committed_journey):
	journey, leads = committed_journey
	real, chunks = steps.ACTIONS["Create ToDo"], []

	def dies_in_the_second_chunk(run, rows):
		results = real(run, rows)  # the chunk's ToDos are written when the worker dies
		chunks.append(len(rows))
		if len(chunks) == 2:
			raise SystemError("worker killed")
		return results

	with (
		patch.object(runner, "CHUNK", 3),
		patch.dict(steps.ACTIONS, {"Create ToDo": dies_in_the_second_chunk}),
	):
		_results, errors = in_workers(1, lambda: runner.run_journey(journey.name, "2026-03-02 09:05:00"))
	assert [str(e) for e in errors] == ["worker killed"] and chunks == [3, 3]
	assert sum(len(todos_for(lead)) for lead in leads) == 3  # the first chunk, committed

	with patch.object(runner, "CHUNK", 3):
		results, errors = in_workers(1, lambda: runner.run_journey(journey.name, "2026-03-02 09:10:00"))
	assert errors == [] and results == [{"done": 4}]
	assert [len(todos_for(lead)) for lead in leads] == [1] * 7
	logs = frappe.get_all("Journey Step Log", {"journey": journey.name}, ["outcome", "artefact_name"])
	assert sorted(log.outcome for log in logs) == ["Done"] * 7
	assert sorted(log.artefact_name for log in logs) == sorted(todos_for(lead)[0].name for lead in leads)
	assert {enrolment(journey, lead).status for lead in leads} == {"Completed"}


def test_two_runners_at_once_do_nothing_twice(committed_journey):
	journey, leads = committed_journey
	with patch.object(runner, "CHUNK", 2):
		results, errors = in_workers(2, lambda: runner.run_journey(journey.name, "2026-03-02 09:05:00"))
	assert errors == []
	assert sum(result.get("done", 0) for result in results) == 7
	assert [len(todos_for(lead)) for lead in leads] == [1] * 7
	assert frappe.db.count("Journey Step Log", {"journey": journey.name, "outcome": "Done"}) == 7


def test_after_exit_lets_a_person_enter_again_once_the_last_enrolment_ended():
	lead = make_lead("Again")
	journey = make_journey(
		[
			step("task", "Create ToDo", "bye", assign_to="Administrator", description="Hello"),
			step("bye", "Exit"),
		],
		entry_type="Target List",
		entry_target_list=make_list([lead]),
		reentry="After Exit",
	)
	at("2026-01-05 09:00")
	at("2026-01-05 09:05")
	statuses = frappe.get_all("Journey Enrolment", {"journey": journey.name}, ["status", "entry_key"])
	assert sorted((s.status, s.entry_key) for s in statuses) == [("Exited", None), ("Exited", None)]
	assert len(todos_for(lead)) == 2


def test_wait_until_the_persons_own_date():
	later, unset = make_lead("Later", qualified_on="2026-03-10"), make_lead("Unset")
	journey = make_journey(
		[
			step("until", "Wait Until", "task", wait_until_field="qualified_on"),
			step("task", "Create ToDo", assign_to="Administrator", description="Now"),
		]
	)
	with freeze_time("2026-03-02 09:00"):
		enrol(journey, "Lead", [{"member": later}, {"member": unset}])
	at("2026-03-02 09:00")
	assert (len(todos_for(later)), len(todos_for(unset))) == (0, 1)  # an empty date: at once
	assert str(enrolment(journey, later).next_run_on) == "2026-03-10 00:00:00"
	at("2026-03-09 09:00")
	assert todos_for(later) == []
	at("2026-03-10 09:00")
	assert [str(t.date) for t in todos_for(later)] == ["2026-03-10"]
