"""The messaging layer end to end: Campaign Activity mails written into Frappe's Email Queue in
bulk, sent by Frappe's own flush to a real SMTP server on 127.0.0.1, and what arrived."""

import html
import re
from urllib.parse import parse_qsl, urlparse

import frappe
import pytest

from crm_marketing_app.campaign_execution.distribution import distribute_activity
from crm_marketing_app.campaign_execution.tracking import track
from tests.integration.campaign_execution_fixtures import Scenario
from tests.integration.smtp_sink import SmtpSink, drop_account, flush, html_part, make_sink_account, text_part


@pytest.fixture(scope="module")
def sink():
	with SmtpSink() as server:
		yield server


@pytest.fixture
def world(sink):
	sink.clear()
	make_sink_account(sink.port)
	scenario = Scenario()
	try:
		yield scenario
	finally:
		scenario.cleanup()
		drop_account()


def queued(activity: str) -> list[dict]:
	q = frappe.qb.DocType("Email Queue")
	r = frappe.qb.DocType("Email Queue Recipient")
	return (
		frappe.qb.from_(q)
		.join(r)
		.on(r.parent == q.name)
		.select(q.name, q.status, q.message_id, q.error, q.send_after, r.recipient)
		.where((q.reference_doctype == "Campaign Activity") & (q.reference_name == activity))
	).run(as_dict=True)


def responses(activity: str, response_type: str) -> list[dict]:
	return frappe.get_all(
		"Campaign Response",
		{"campaign_activity": activity, "response_type": response_type},
		["respondent", "email", "message_id", "notes"],
	)


def people(world, count: int, prefix: str = "Member") -> list[str]:
	return [world.lead(f"{prefix}{i}", f"{prefix.lower()}{i}-{world.tag}@example.com") for i in range(count)]


def test_each_reachable_member_gets_one_personal_mail_through_frappes_flush(world, sink):
	leads = people(world, 4)
	unsubscribed = world.lead("Gone", f"gone-{world.tag}@example.com")
	no_email = world.lead("Silent")
	target = world.target_list(
		[(lead, "Active") for lead in leads] + [(unsubscribed, "Unsubscribed"), (no_email, "Active")]
	)
	template = world.email_template(
		"News for {{ first_name }}",
		"<p>Dear {{ member_name }} of {{ company }},</p><p><a href='{{ tracking_url }}'>Our offer</a></p>",
	)
	activity = world.activity(
		world.campaign(), "Email", [target], email_template=template, landing_page="https://example.com/offer"
	)

	log = distribute_activity(activity.name)

	assert log["sent"] == 4 and log["skipped"] == {"unsubscribed": 1, "no_email": 1}
	rows = queued(activity.name)
	assert len(rows) == 4 and {row.status for row in rows} == {"Not Sent"}
	sent = responses(activity.name, "Sent")
	# every Sent response keeps its mail's Message-ID
	assert sorted(r.message_id for r in sent) == sorted(row.message_id for row in rows)

	flush()

	arrived = [m for m in sink.messages if world.tag in m["To"]]
	assert sorted(m["To"] for m in arrived) == sorted(
		frappe.db.get_value("Lead", lead, "email_id") for lead in leads
	)
	for message in arrived:
		lead = frappe.get_doc("Lead", {"email_id": message["To"]})
		body = html_part(message)
		assert message["Subject"] == f"News for {lead.first_name}"
		assert f"Dear {lead.lead_name} of {lead.company_name}" in body
		assert message["Message-Id"].strip("<>") in {row.message_id for row in rows}
		# the signed click link of this member works and leads to the landing page
		click = html.unescape(re.search(r"href=['\"]([^'\"]*e=click[^'\"]*)", body).group(1))
		params = dict(parse_qsl(urlparse(click).query))
		assert params["r"] == lead.name
		track(**params)
		assert frappe.local.response["location"] == "https://example.com/offer"
		assert "e=open" in body and f"r={lead.name}" in body
		# the unsubscribe footer leads to this person's signed preference page
		assert "crm_marketing_app.messaging.preferences.page" in body
		assert "Unsubscribe or choose what you receive" in text_part(message)
		assert "crm_marketing_app.messaging.preferences.page" in message["List-Unsubscribe"]
	assert {row.status for row in queued(activity.name)} == {"Sent"}

	# a re-run queues nobody again, and a second flush delivers nothing twice
	again = distribute_activity(activity.name)
	assert again["sent"] == 0 and again["skipped"]["already_done"] == 4
	flush()
	assert len([m for m in sink.messages if world.tag in m["To"]]) == 4


def test_a_member_whose_mail_does_not_render_fails_alone(world, sink):
	leads = people(world, 3)
	broken = world.lead("Broken", f"broken-{world.tag}@example.com")
	target = world.target_list([(lead, "Active") for lead in [*leads, broken]])
	template = world.email_template(
		"Hello {{ first_name }}",
		"<p>{{ member_name }}{% if first_name.startswith('Broken') %}{{ no_such_variable }}{% endif %}</p>",
	)
	activity = world.activity(world.campaign(), "Email", [target], email_template=template)

	log = distribute_activity(activity.name)

	assert log["sent"] == 3 and log["skipped"] == {"template_failed": 1}
	assert sorted(row.recipient for row in queued(activity.name)) == sorted(
		frappe.db.get_value("Lead", lead, "email_id") for lead in leads
	)
	(failure,) = responses(activity.name, "Failed")
	assert failure.respondent == broken and "no_such_variable" in failure.notes

	# the template fixed, a re-run reaches the failed member and forgets the failure
	frappe.db.set_value("Email Template", template, "response", "<p>{{ member_name }}</p>")
	frappe.db.commit()
	assert distribute_activity(activity.name)["sent"] == 1
	assert not responses(activity.name, "Failed")
	assert len(queued(activity.name)) == 4


def test_a_template_that_fails_for_everyone_queues_nothing(world):
	target = world.target_list([(lead, "Active") for lead in people(world, 3)])
	template = world.email_template("Hello", "<p>{{ member_name }} {{ no_such_variable }}</p>")
	activity = world.activity(world.campaign(), "Email", [target], email_template=template)

	with pytest.raises(frappe.ValidationError, match="does not render for any member"):
		distribute_activity(activity.name)

	frappe.db.rollback()
	assert not queued(activity.name)
	assert not frappe.db.exists("Campaign Response", {"campaign_activity": activity.name})


def test_no_outgoing_email_account_stops_before_anything_is_queued(world):
	drop_account()
	target = world.target_list([(lead, "Active") for lead in people(world, 2)])
	template = world.email_template("Hello", "<p>{{ member_name }}</p>")
	activity = world.activity(world.campaign(), "Email", [target], email_template=template)

	with pytest.raises(frappe.ValidationError, match="outgoing Email Account"):
		distribute_activity(activity.name)

	assert not queued(activity.name)
	assert not frappe.db.exists("Campaign Response", {"campaign_activity": activity.name})
