"""Campaign Activity: validation, milestone ToDos, distribution per channel, crash and re-run, permissions."""

import email
import html
import io
import json
import re
from unittest.mock import patch
from urllib.parse import parse_qsl, urlparse

import frappe
import pytest
from pypdf import PdfReader

from crm_marketing_app.bulk import insert_rows
from crm_marketing_app.campaign_execution import distribution
from crm_marketing_app.campaign_execution.tracking import track
from crm_marketing_app.target_lists.members import member_row_name
from tests.integration.campaign_execution_fixtures import as_worker


def audience(world, responsible=None):
	"""Two overlapping lists of five Leads: `shared` is on both, `half_unsub` is unsubscribed on one,
	`no_contact` has neither email nor phone. Reachable by phone or email: shared, plain, owned."""
	owner = world.user(["Sales User"], "ce-owner")
	people = {
		"shared": world.lead("Shared", f"shared-{world.tag}@example.com", "+380441111111"),
		"plain": world.lead("Plain", f"plain-{world.tag}@example.com", "+380442222222"),
		"owned": world.lead("Owned", f"owned-{world.tag}@example.com", "+380443333333", owner=owner),
		"half_unsub": world.lead("Half", f"half-{world.tag}@example.com", "+380444444444"),
		"no_contact": world.lead("Nothing"),
	}
	first = world.target_list([(people[k], "Active") for k in ("shared", "plain", "half_unsub")])
	second = world.target_list(
		[
			(people["shared"], "Active"),
			(people["owned"], "Active"),
			(people["half_unsub"], "Unsubscribed"),
			(people["no_contact"], "Active"),
		]
	)
	return people, [first, second], owner


def sent(activity):
	return frappe.get_all(
		"Campaign Response", {"campaign_activity": activity, "response_type": "Sent"}, pluck="respondent"
	)


def html_of(mime: str) -> str:
	part = next(p for p in email.message_from_string(mime).walk() if p.get_content_type() == "text/html")
	return part.get_payload(decode=True).decode()


def log_of(activity):
	return json.loads(frappe.db.get_value("Campaign Activity", activity, "distribution_log"))


# -- validation ---------------------------------------------------------------------------------


def test_milestone_due_after_the_activity_ends_is_refused(world):
	campaign = world.campaign()
	with pytest.raises(frappe.ValidationError, match="Stand mounted"):
		world.activity(
			campaign, "Exhibition", [], milestones=[{"milestone": "Stand mounted", "due_date": "2026-03-09"}]
		)
	assert not frappe.db.exists("Campaign Activity", {"campaign": campaign})


def test_end_before_scheduled_date_is_refused(world):
	with pytest.raises(frappe.ValidationError, match="2026-02-01"):
		world.activity(world.campaign(), "Other", [], end_date="2026-02-01")


@pytest.mark.parametrize(
	"channel, status, with_lists, template, message",
	[
		("Phone Call", "Cancelled", True, False, "cancelled"),
		("Phone Call", "Planned", False, False, "Target List"),
		("Exhibition", "Planned", True, False, "nothing to distribute"),
		("SMS", "Planned", True, False, "Email Template"),
	],
)
def test_distribution_refuses_bad_activities_and_does_nothing(
	world, channel, status, with_lists, template, message
):
	people, lists, _owner = audience(world)
	activity = world.activity(world.campaign(), channel, lists if with_lists else [], status=status)
	with pytest.raises(frappe.ValidationError, match=message):
		activity.distribute()
	assert not sent(activity.name)
	assert not frappe.db.count("ToDo", {"reference_name": ("in", list(people.values()))})


# -- milestones ---------------------------------------------------------------------------------


def test_milestone_todos_follow_their_milestones_and_are_never_doubled(world):
	anna, boris = world.user(["Marketing User"], "ce-anna"), world.user(["Marketing User"], "ce-boris")
	activity = world.activity(
		world.campaign(),
		"Exhibition",
		[],
		responsible=anna,
		milestones=[
			{"milestone": "Stand mounted", "due_date": "2026-03-01", "responsible": boris},
			{"milestone": "Materials ready", "due_date": "2026-02-20"},  # falls to the activity's responsible
		],
	)

	def todos():
		return {
			(t.allocated_to, str(t.date), t.status)
			for t in frappe.get_all(
				"ToDo", {"reference_name": activity.name}, ["allocated_to", "date", "status"]
			)
		}

	assert todos() == {(boris, "2026-03-01", "Open"), (anna, "2026-02-20", "Open")}
	activity.save()
	activity.reload()
	assert len(todos()) == 2

	activity.milestones[0].completed = 1
	activity.milestones[1].due_date = "2026-02-25"
	activity.save()
	assert todos() == {(boris, "2026-03-01", "Closed"), (anna, "2026-02-25", "Open")}
	assert str(activity.milestones[0].completed_on) == frappe.utils.today()

	activity.milestones.pop(1)
	activity.save()
	assert todos() == {(boris, "2026-03-01", "Closed"), (anna, "2026-02-25", "Cancelled")}


# -- channels -----------------------------------------------------------------------------------


def test_phone_call_gives_one_todo_per_reachable_member_to_its_owner_and_none_on_rerun(world):
	people, lists, owner = audience(world)
	responsible = world.user(["Marketing User"], "ce-resp")
	activity = world.activity(world.campaign(), "Phone Call", lists, responsible=responsible)

	activity.distribute()

	todos = frappe.get_all(
		"ToDo",
		{"reference_name": ("in", list(people.values()))},
		["reference_name", "allocated_to", "status"],
	)
	assert sorted(t.reference_name for t in todos) == sorted(
		[people["shared"], people["plain"], people["owned"]]
	)
	assert {t.reference_name: t.allocated_to for t in todos} == {
		people["shared"]: responsible,
		people["plain"]: responsible,
		people["owned"]: owner,
	}
	assert sorted(sent(activity.name)) == sorted([people["shared"], people["plain"], people["owned"]])
	assert json.loads(frappe.db.get_value("Lead", people["owned"], "_assign")) == [owner]  # shown on the Lead
	first_run = {"sent": 3, "skipped": {"unsubscribed": 1, "no_phone": 1}}
	assert log_of(activity.name) == {"audience": 5, **first_run, "last_run": first_run}
	assert frappe.db.get_value("Campaign Activity", activity.name, ["status", "distributed_count"]) == (
		"Distributed",
		3,
	)

	activity.reload()
	activity.distribute()
	assert frappe.db.count("ToDo", {"reference_name": ("in", list(people.values()))}) == 3
	assert len(sent(activity.name)) == 3
	assert log_of(activity.name) == {
		"audience": 5,
		**first_run,
		"last_run": {"sent": 0, "skipped": {"unsubscribed": 1, "already_done": 3, "no_phone": 1}},
	}


def test_meeting_gives_one_event_per_member_with_the_member_as_participant(world):
	people, lists, owner = audience(world)
	activity = world.activity(world.campaign(), "Meeting", lists, responsible="Administrator")

	activity.distribute()
	activity.reload()
	activity.distribute()

	participants = frappe.get_all(
		"Event Participants",
		{"reference_docname": ("in", list(people.values()))},
		["parent", "reference_doctype", "reference_docname"],
	)
	# Meetings need no email or phone: everybody but the unsubscribed, once.
	assert sorted(p.reference_docname for p in participants) == sorted(
		[people[k] for k in ("shared", "plain", "owned", "no_contact")]
	)
	event = frappe.get_doc(
		"Event", next(p.parent for p in participants if p.reference_docname == people["owned"])
	)
	assert event.event_category == "Meeting" and event.owner == owner
	assert str(event.starts_on).startswith("2026-03-02")


def test_email_queues_one_personal_tracked_mail_per_reachable_member(world):
	people, lists, _owner = audience(world)
	frappe.get_doc(
		{"doctype": "Email Unsubscribe", "email": f"plain-{world.tag}@example.com", "global_unsubscribe": 1}
	).insert(ignore_permissions=True)
	template = world.email_template(
		"Invitation for {{ company }}",
		"<p>Dear {{ member_name }}, <a href='{{ tracking_url }}'>see the stand</a></p>",
	)
	activity = world.activity(
		world.campaign(), "Email", lists, email_template=template, landing_page="https://example.com/expo"
	)

	# Queued, never sent; the muted site's stand-in Email Account has no address, so name a sender.
	frappe.flags.mute_emails = True
	try:
		with patch.object(
			distribution, "get_settings", return_value=frappe._dict(default_sender="expo@example.com")
		):
			activity.distribute()
			activity.reload()
			activity.distribute()
	finally:
		frappe.flags.mute_emails = False

	queues = frappe.get_all("Email Queue", {"reference_name": activity.name}, ["name", "message"])
	recipients = frappe.get_all(
		"Email Queue Recipient", {"parent": ("in", [q.name for q in queues])}, pluck="recipient"
	)
	assert sorted(recipients) == sorted([f"shared-{world.tag}@example.com", f"owned-{world.tag}@example.com"])
	bodies = [html_of(q.message) for q in queues]
	shared = next(body for body in bodies if f"Shared {world.tag}" in body)
	assert "Invitation for Shared Ltd" in shared
	assert "crm_marketing_app.api.track" in shared and "e=click" in shared and "e=open" in shared
	assert "unsubscribe" in shared.lower()
	# the mailed link itself works: it records the click and leads to the landing page
	click = html.unescape(re.search(r"href=['\"]([^'\"]*e=click[^'\"]*)", shared).group(1))
	track(**dict(parse_qsl(urlparse(click).query)))
	assert frappe.local.response["location"] == "https://example.com/expo"
	assert frappe.db.exists(
		"Campaign Response",
		{"respondent": people["shared"], "response_type": "Clicked", "campaign_activity": activity.name},
	)
	assert log_of(activity.name)["last_run"]["skipped"] == {
		"unsubscribed": 2,
		"already_done": 2,
		"no_email": 1,
	}

	# Frappe's unsubscribe link of this mail becomes an Unsubscribed response of the person
	frappe.get_doc(
		{
			"doctype": "Email Unsubscribe",
			"email": f"owned-{world.tag}@example.com",
			"reference_doctype": "Campaign Activity",
			"reference_name": activity.name,
		}
	).insert(ignore_permissions=True)
	assert frappe.db.exists(
		"Campaign Response",
		{"respondent": people["owned"], "response_type": "Unsubscribed", "campaign_activity": activity.name},
	)


def test_letter_makes_one_merged_pdf_and_no_second_one_on_rerun(world):
	_people, lists, _owner = audience(world)
	template = world.email_template(
		"Letter", "<p>Dear {{ member_name }} of {{ company }},</p><p>welcome.</p>"
	)
	activity = world.activity(world.campaign(), "Letter", lists, email_template=template)

	activity.distribute()
	activity.reload()
	activity.distribute()

	files = frappe.get_all(
		"File",
		{"attached_to_doctype": "Campaign Activity", "attached_to_name": activity.name},
		["name", "file_name"],
	)
	assert len(files) == 1 and files[0].file_name.endswith(".pdf")
	pdf = PdfReader(io.BytesIO(frappe.get_doc("File", files[0].name).get_content()))
	assert len(pdf.pages) == 4  # one page per reachable member: everybody but the unsubscribed
	assert len(sent(activity.name)) == 4
	html = "".join(activity.letters())
	assert f"Dear Owned {world.tag} of Owned Ltd" in html and html.count("Dear ") == 4


def test_sms_skips_everyone_with_a_count_when_sms_settings_are_missing(world):
	_people, lists, _owner = audience(world)
	template = world.email_template("SMS", "Hi {{ first_name }}, see you at the stand")
	activity = world.activity(world.campaign(), "SMS", lists, email_template=template)
	with patch.object(frappe.db, "get_single_value", side_effect=lambda *a, **k: None):
		distribution.distribute_activity(activity.name)
	assert not sent(activity.name)
	assert log_of(activity.name)["skipped"] == {"unsubscribed": 1, "no_phone": 1, "sms_not_configured": 3}


def test_sms_sends_one_text_per_reachable_member_through_sms_settings(world):
	_people, lists, _owner = audience(world)
	template = world.email_template("SMS", "Hi {{ first_name }}, see you at the stand")
	activity = world.activity(world.campaign(), "SMS", lists, email_template=template)
	real = frappe.db.get_single_value
	with (
		patch.object(
			frappe.db,
			"get_single_value",
			side_effect=lambda dt, f, *a, **k: (
				"https://sms.example.com" if dt == "SMS Settings" else real(dt, f, *a, **k)
			),
		),
		patch("frappe.core.doctype.sms_settings.sms_settings.send_sms") as send_sms,
	):
		activity.distribute()
		activity.reload()
		activity.distribute()
	numbers = sorted(call.args[0][0] for call in send_sms.call_args_list)
	assert numbers == ["+380441111111", "+380442222222", "+380443333333"]
	assert any(f"Hi Shared {world.tag}" in call.args[1] for call in send_sms.call_args_list)


# -- crash and re-run ---------------------------------------------------------------------------


def test_a_job_killed_half_way_then_rerun_ends_with_exact_counts(world):
	leads = [world.lead(f"Crash{i}", phone=f"+38050000000{i}") for i in range(7)]
	target = world.target_list([(lead, "Active") for lead in leads])
	activity = world.activity(world.campaign(), "Phone Call", [target], responsible="Administrator")
	real_create = distribution.PhoneCall.create_artefacts
	calls = []

	def dies_in_second_chunk(self, members):
		calls.append(len(members))
		real_create(self, members)  # half the chunk's rows are written when the process dies
		if len(calls) == 2:
			raise SystemExit("worker killed")

	with (
		patch.object(distribution, "CHUNK_SIZE", 3),
		patch.object(distribution.PhoneCall, "create_artefacts", dies_in_second_chunk),
	):
		with pytest.raises(SystemExit), as_worker():
			distribution.distribute_activity(activity.name)
	frappe.db.rollback()  # what the database does with the dead worker's open transaction

	assert frappe.db.count("ToDo", {"reference_name": ("in", leads)}) == 3
	assert len(sent(activity.name)) == 3

	with patch.object(distribution, "CHUNK_SIZE", 3):
		distribution.distribute_activity(activity.name)
	todos = frappe.get_all("ToDo", {"reference_name": ("in", leads)}, pluck="reference_name")
	assert sorted(todos) == sorted(leads)
	assert sorted(sent(activity.name)) == sorted(leads)
	assert log_of(activity.name) == {
		"audience": 7,
		"sent": 7,
		"skipped": {},
		"last_run": {"sent": 4, "skipped": {"already_done": 3}},
	}
	assert frappe.db.get_value("Campaign Activity", activity.name, "distributed_count") == 7


# -- permissions --------------------------------------------------------------------------------


def test_sales_user_sees_only_own_todos_and_cannot_edit_or_distribute_activities(world):
	seller, other = world.user(["Sales User"], "ce-seller"), world.user(["Sales User"], "ce-other")
	mine, theirs = (
		world.lead("Mine", phone="+380501", owner=seller),
		world.lead("Theirs", phone="+380502", owner=other),
	)
	activity = world.activity(
		world.campaign(), "Phone Call", [world.target_list([(mine, "Active"), (theirs, "Active")])]
	)
	activity.distribute()

	frappe.set_user(seller)
	visible = frappe.get_list(
		"ToDo", filters={"reference_name": ("in", [mine, theirs])}, pluck="reference_name"
	)
	assert visible == [mine]
	doc = frappe.get_doc("Campaign Activity", activity.name)
	assert doc.has_permission("read") and not doc.has_permission("write")
	with pytest.raises(frappe.PermissionError):
		doc.distribute()
	doc.subject = "Changed by a seller"
	with pytest.raises(frappe.PermissionError):
		doc.save()


def test_contact_members_get_their_calls_through_the_responsible(world):
	responsible = world.user(["Marketing User"], "ce-calls")
	contact = frappe.get_doc(
		{
			"doctype": "Contact",
			"first_name": f"Petro {world.tag}",
			"phone_nos": [{"phone": "+380671234567", "is_primary_phone": 1}],
		}
	).insert()
	world.people.append(("Contact", contact.name))
	name = f"CE List {world.tag} contacts"
	frappe.get_doc(
		{"doctype": "Target List", "list_name": name, "member_doctype": "Contact", "list_type": "Static"}
	).insert()
	world.lists.append(name)
	insert_rows(
		"Target List Member",
		[
			{
				"target_list": name,
				"member_doctype": "Contact",
				"member": contact.name,
				"member_name": contact.full_name,
				"phone": "+380671234567",
				"status": "Active",
			}
		],
		name=lambda row: member_row_name(name, contact.name),
	)
	activity = world.activity(world.campaign(), "Phone Call", [name], responsible=responsible)
	activity.distribute()
	todo = frappe.get_all(
		"ToDo", {"reference_name": contact.name}, ["reference_type", "allocated_to", "description"]
	)
	assert len(todo) == 1 and todo[0].reference_type == "Contact" and todo[0].allocated_to == responsible
	assert f"Petro {world.tag}" in todo[0].description and "+380671234567" in todo[0].description


def test_two_runs_at_the_same_time_still_reach_everybody_once(world):
	import threading

	leads = [world.lead(f"Twice{i}", phone=f"+38063000000{i}") for i in range(9)]
	activity = world.activity(
		world.campaign(),
		"Phone Call",
		[world.target_list([(lead, "Active") for lead in leads])],
		responsible="Administrator",
	)
	frappe.db.commit()  # the other run reads through its own connection
	site, errors = frappe.local.site, []

	def other_run():
		frappe.init(site=site, sites_path=".")
		frappe.connect()
		try:
			frappe.set_user("Administrator")
			distribution.distribute_activity(activity.name)
		except Exception as e:
			errors.append(e)
		finally:
			frappe.destroy()

	with patch.object(distribution, "CHUNK_SIZE", 2), as_worker():
		thread = threading.Thread(target=other_run)
		thread.start()
		distribution.distribute_activity(activity.name)
		thread.join()
	assert not errors
	assert sorted(
		frappe.get_all("ToDo", {"reference_name": ("in", leads)}, pluck="reference_name")
	) == sorted(leads)
	assert sorted(sent(activity.name)) == sorted(leads)


def test_the_job_knows_exactly_the_channels_the_form_offers():
	from crm_marketing_app.engine.activity import DISTRIBUTABLE_CHANNELS

	assert set(distribution.CHANNELS) == set(DISTRIBUTABLE_CHANNELS)
	doc = frappe.new_doc("Campaign Activity")
	doc.run_method("onload")
	assert doc.get_onload().distributable_channels == DISTRIBUTABLE_CHANNELS
