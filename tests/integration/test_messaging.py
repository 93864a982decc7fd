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
		# a long site name folds the header: strip the fold's space too
		assert message["Message-Id"].strip().strip("<>") in {row.message_id for row in rows}
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
	# the scheduler's sync records that the server took each mail, once
	from crm_marketing_app.messaging.delivery import sync

	sync()
	sync()
	assert sorted(r.respondent for r in responses(activity.name, "Accepted")) == sorted(leads)

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


# -- contact pressure, consent and the acceptance scenario ----------------------------------------


def bulk_leads(world, count: int) -> list[str]:
	"""`count` Leads written in one INSERT (as an import would), removed by the scenario."""
	stamp = frappe.utils.now()
	names = [f"CRM-MSG-{world.tag}-{i:04d}" for i in range(count)]
	frappe.db.bulk_insert(
		"Lead",
		["name", "creation", "modified", "owner", "modified_by", "lead_name", "first_name", "company_name",
		 "email_id", "status"],
		[
			(name, stamp, stamp, "Administrator", "Administrator", f"Person {i} {world.tag}", f"Person {i}",
			 f"Firm {i}", f"person{i}-{world.tag}@example.com".lower(), "Lead")
			for i, name in enumerate(names)
		],
	)  # fmt: skip
	world.people.extend(("Lead", name) for name in names)
	return names


def mailed_before(world, leads: list[str], times: int, when) -> None:
	"""`times` Sent mails for each Lead from another campaign's Email activity, on `when`."""
	other = world.activity(world.campaign(), "Email", [world.target_list([])], email_template=None)
	rows = [
		(frappe.generate_hash(length=10), when, when, "Administrator", "Administrator", other.campaign, other.name,
		 "Lead", lead, "Sent", when, "Email")
		for lead in leads
		for _time in range(times)
	]  # fmt: skip
	frappe.db.bulk_insert(
		"Campaign Response",
		["name", "creation", "modified", "modified_by", "owner", "campaign", "campaign_activity",
		 "respondent_doctype", "respondent", "response_type", "response_date", "channel"],
		rows,
	)  # fmt: skip


def test_acceptance_500_leads_493_mails_and_the_capped_four_a_week_later(world, sink):
	from freezegun import freeze_time

	leads = bulk_leads(world, 500)
	unsubscribed, bounced, refused, capped = leads[0], leads[1], leads[2], leads[3:7]
	target = world.target_list([(lead, "Active") for lead in leads])
	# unsubscribed on the Lead itself: the list follows
	doc = frappe.get_doc("Lead", unsubscribed)
	doc.unsubscribed = 1
	doc.save()
	# a hard bounce of an earlier campaign's mail; the list row still says Active
	frappe.get_doc(
		{
			"doctype": "Email Bounce",
			"email": frappe.db.get_value("Lead", bounced, "email_id"),
			"bounce_type": "Hard",
			"message_id": f"earlier-{world.tag}@example.com",
		}
	).insert()
	frappe.db.set_value("Lead", refused, "email_consent", "Refused")
	now = frappe.utils.now_datetime()
	mailed_before(world, capped, 3, now - frappe.utils.datetime.timedelta(days=2))
	template = world.email_template("An offer for {{ first_name }}", "<p>Dear {{ member_name }}</p>")
	activity = world.activity(world.campaign(), "Email", [target], email_template=template)

	log = distribute_activity(activity.name)

	assert log["sent"] == 493
	assert log["skipped"] == {"unsubscribed": 1, "bounced": 1, "consent_refused": 1, "capped": 4}
	rows = queued(activity.name)
	assert len(rows) == 493 and len({row.recipient for row in rows}) == 493

	flush()

	arrived = [m for m in sink.messages if world.tag.lower() in m["To"]]
	assert len(arrived) == 493 and len({m["To"] for m in arrived}) == 493
	names = dict(frappe.get_all("Lead", {"name": ("in", leads)}, ["email_id", "first_name"], as_list=True))
	for message in arrived:
		assert message["Subject"] == f"An offer for {names[message['To']]}"
		assert f"Dear {names[message['To']]} {world.tag}" in html_part(message)
	assert not {
		frappe.db.get_value("Lead", lead, "email_id") for lead in [*capped, unsubscribed, bounced, refused]
	} & {m["To"] for m in arrived}

	assert distribute_activity(activity.name)["sent"] == 0
	assert len(queued(activity.name)) == 493

	with freeze_time(now + frappe.utils.datetime.timedelta(days=7, minutes=1)):
		later = distribute_activity(activity.name)
	assert later["sent"] == 4
	reached = {r.respondent for r in responses(activity.name, "Sent")}
	assert set(capped) <= reached and len(reached) == 497


def test_requires_consent_reaches_only_granted_and_refused_is_never_used(world):
	granted, pending, unasked, refused = people(world, 4)
	frappe.db.set_value("Lead", granted, "email_consent", "Granted")
	frappe.db.set_value("Lead", pending, "email_consent", "Pending")
	frappe.db.set_value("Lead", refused, "email_consent", "Refused")
	template = world.email_template("Hello", "<p>{{ member_name }}</p>")
	open_list = world.target_list([(lead, "Active") for lead in (granted, pending, unasked, refused)])

	# without consent required: everyone but the Refused
	free = world.activity(world.campaign(), "Email", [open_list], email_template=template)
	assert distribute_activity(free.name)["skipped"] == {"consent_refused": 1}
	# an activity requiring consent: only the Granted
	strict = world.activity(
		world.campaign(), "Email", [open_list], email_template=template, requires_consent=1
	)
	log = distribute_activity(strict.name)
	assert log["sent"] == 1 and log["skipped"] == {"consent_refused": 1, "no_consent": 2}
	assert [r.respondent for r in responses(strict.name, "Sent")] == [granted]
	# a list requiring consent does the same for an activity that does not
	strict_list = world.target_list([(lead, "Active") for lead in (granted, pending, unasked, refused)])
	frappe.db.set_value("Target List", strict_list, "requires_consent", 1)
	frappe.db.commit()
	by_list = world.activity(world.campaign(), "Email", [strict_list], email_template=template)
	assert distribute_activity(by_list.name)["skipped"] == {"consent_refused": 1, "no_consent": 2}
	# and the phone channel reads the phone consent
	frappe.db.set_value("Lead", unasked, {"phone_consent": "Refused", "mobile_no": "+380501112233"})
	frappe.db.commit()
	calls = world.activity(world.campaign(), "Phone Call", [open_list], responsible="Administrator")
	assert distribute_activity(calls.name)["skipped"]["consent_refused"] == 1


# -- bounces ------------------------------------------------------------------------------------


def test_a_bounce_report_pulled_by_an_incoming_email_account_stops_the_address(world, sink):
	"""The whole receive path: Frappe's Email Account pulls a real POP3 mailbox; the bounce report
	about our mail becomes a bounce (and no Communication), the reply next to it a Communication."""
	from tests.integration.pop3_mailbox import PASSWORD, USER, Mailbox

	(lead,) = people(world, 1)
	email = frappe.db.get_value("Lead", lead, "email_id")
	target = world.target_list([(lead, "Active")])
	template = world.email_template("Hello", "<p>{{ member_name }}</p>")
	activity = world.activity(world.campaign(), "Email", [target], email_template=template)
	distribute_activity(activity.name)
	flush()
	(mail,) = queued(activity.name)
	reply_subject = f"Re: Hello {world.tag}"

	with Mailbox() as mailbox:
		mailbox.put(dsn(mail.message_id, email))
		mailbox.put(
			f"From: Somebody <somebody-{world.tag}@example.org>\nTo: {USER}\nSubject: {reply_subject}\n"
			f"Message-Id: <reply-{world.tag}@example.org>\nContent-Type: text/plain\n\nThanks, we will come.\n"
		)
		account = frappe.get_doc(
			{
				"doctype": "Email Account",
				"email_account_name": f"CRM Test Inbox {world.tag}",
				"email_id": USER,
				"password": PASSWORD,
				"enable_incoming": 1,
				"use_imap": 0,
				"email_server": "127.0.0.1",
				"incoming_port": mailbox.port,
				"use_ssl": 0,
				"email_sync_option": "ALL",
				"enable_outgoing": 0,
			}
		).insert(ignore_permissions=True)
		frappe.db.commit()
		try:
			account.receive()  # commits per mail, as the scheduler's pull does
			assert mailbox.waiting() == []  # both pulled from the server
			communications = frappe.get_all(
				"Communication", {"email_account": account.name}, ["name", "subject"]
			)
		finally:
			frappe.db.rollback()
			for communication in frappe.get_all(
				"Communication", {"email_account": account.name}, pluck="name"
			):
				frappe.delete_doc("Communication", communication, force=True, ignore_permissions=True)
			frappe.delete_doc("Email Account", account.name, force=True, ignore_permissions=True)
			frappe.db.commit()

	assert [c.subject for c in communications] == [reply_subject]
	(bounce,) = frappe.get_all("Email Bounce", {"email": email}, ["bounce_type", "source", "message_id"])
	assert (bounce.bounce_type, bounce.source, bounce.message_id) == (
		"Hard",
		"Delivery Status Notification",
		mail.message_id,
	)
	assert_stopped(world, lead, email, activity.name, [target])


def dsn(original_message_id: str, recipient: str, status: str = "5.1.1") -> str:
	"""A delivery-status notification as Postfix sends it (RFC 3464), about one of our mails."""
	return f"""From: MAILER-DAEMON@mx.example.net
To: campaigns@windpower.example.com
Subject: Undelivered Mail Returned to Sender
Message-Id: <dsn-{frappe.generate_hash(length=8)}@mx.example.net>
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="BOUNDARY"

--BOUNDARY
Content-Type: text/plain; charset=us-ascii

This is the mail system at host mx.example.net. Your message could not be delivered.

--BOUNDARY
Content-Type: message/delivery-status

Reporting-MTA: dns; mx.example.net
Arrival-Date: Tue, 1 Dec 2026 10:00:00 +0000

Final-Recipient: rfc822; {recipient}
Original-Recipient: rfc822;{recipient}
Action: failed
Status: {status}
Diagnostic-Code: smtp; {status[0]}50 {status} Mailbox unavailable

--BOUNDARY
Content-Type: text/rfc822-headers

From: campaigns@windpower.example.com
To: {recipient}
Subject: An offer
Message-Id: <{original_message_id}>

--BOUNDARY--
"""


def assert_stopped(world, lead: str, email: str, activity: str, lists: list[str]) -> None:
	assert frappe.db.get_all(
		"Target List Member", {"member": lead, "target_list": ("in", lists)}, pluck="status"
	) == ["Bounced"] * len(lists)
	assert lead in {r.respondent for r in responses(activity, "Bounced")}
	# no campaign mails the address again
	template = world.email_template("Hello", "<p>{{ member_name }}</p>")
	fresh = world.target_list([(lead, "Active")])
	again = world.activity(world.campaign(), "Email", [fresh], email_template=template)
	assert distribute_activity(again.name)["skipped"] == {"bounced": 1}


def test_an_smtp_5xx_at_send_time_is_a_hard_bounce_that_stops_all_campaign_mail(world, sink):
	from crm_marketing_app.messaging.bounces import scan_send_errors

	good, gone = people(world, 2)
	gone_email = frappe.db.get_value("Lead", gone, "email_id")
	sink.refuse(gone_email)
	target = world.target_list([(good, "Active"), (gone, "Active")])
	other_list = world.target_list([(gone, "Active")])
	template = world.email_template("Hello", "<p>{{ member_name }}</p>")
	activity = world.activity(world.campaign(), "Email", [target], email_template=template)
	distribute_activity(activity.name)

	flush()

	refused = next(row for row in queued(activity.name) if row.recipient == gone_email)
	assert "550" in refused.error
	assert scan_send_errors() == 1
	assert scan_send_errors() == 0  # read once
	(bounce,) = frappe.get_all(
		"Email Bounce", {"email": gone_email}, ["bounce_type", "source", "campaign_activity"]
	)
	assert (bounce.bounce_type, bounce.source, bounce.campaign_activity) == ("Hard", "SMTP", activity.name)
	# Frappe does not retry a mail the address refused for good
	assert frappe.db.get_value("Email Queue", refused.name, "status") == "Error"
	assert_stopped(world, gone, gone_email, activity.name, [target, other_list])


def test_a_bounce_report_in_the_inbox_is_matched_to_its_mail_and_soft_ones_count_to_three(world, sink):
	from crm_marketing_app.messaging.bounces import take_dsn
	from crm_marketing_app.messaging.inbound import EmailAccountWithBounces

	lead, soft = people(world, 2)
	email, soft_email = (frappe.db.get_value("Lead", name, "email_id") for name in (lead, soft))
	target = world.target_list([(lead, "Active"), (soft, "Active")])
	template = world.email_template("Hello", "<p>{{ member_name }}</p>")
	activity = world.activity(world.campaign(), "Email", [target], email_template=template)
	distribute_activity(activity.name)
	flush()
	ids = {row.recipient: row.message_id for row in queued(activity.name)}

	# Email Accounts read their pulled mail through the bounce check
	assert isinstance(frappe.get_doc("Email Account", "CRM Test Sink"), EmailAccountWithBounces)
	# a report about a mail this site never sent is left to the inbox
	assert take_dsn(dsn(f"unknown-{world.tag}@elsewhere.example", email)) is False
	assert take_dsn(dsn(ids[email], email)) is True
	frappe.db.commit()
	(bounce,) = frappe.get_all("Email Bounce", {"email": email}, ["bounce_type", "source", "message_id"])
	assert (bounce.bounce_type, bounce.source, bounce.message_id) == (
		"Hard",
		"Delivery Status Notification",
		ids[email],
	)

	# soft bounces (the mailbox is full): two leave the address mailable, the third counts as hard
	take_dsn(dsn(ids[soft_email], soft_email, status="4.2.2"))
	for number in (2, 3):
		frappe.db.commit()
		assert (
			frappe.db.get_value("Target List Member", {"member": soft, "target_list": target}, "status")
			== "Active"
		)
		later = world.activity(
			world.campaign(), "Email", [world.target_list([(soft, "Active")])], email_template=template
		)
		assert distribute_activity(later.name)["sent"] == 1, f"soft bounce {number}"
		take_dsn(dsn(queued(later.name)[0].message_id, soft_email, status="4.2.2"))
	frappe.db.commit()
	kinds = frappe.get_all("Email Bounce", {"email": soft_email}, pluck="bounce_type")
	assert kinds == ["Soft"] * 3
	assert (
		frappe.db.get_value("Target List Member", {"member": soft, "target_list": target}, "status")
		== "Bounced"
	)
	assert_stopped(world, lead, email, activity.name, [target])
