"""The messaging layer's public pages and the desk: the signed preference page, double opt-in,
send rate and quiet hours, and the activity form's delivery counts with "Send to the Rest"."""

import email as email_lib
import html
from email import policy as email_policy
from urllib.parse import parse_qsl, urlparse

import frappe
import pytest
from frappe.utils import add_to_date, get_datetime, now_datetime

from crm_marketing_app.campaign_execution import registration
from crm_marketing_app.campaign_execution.distribution import distribute_activity
from crm_marketing_app.messaging import delivery, links, optin, preferences
from tests.integration.campaign_execution_fixtures import Scenario
from tests.integration.helpers import default_company, make_campaign
from tests.integration.smtp_sink import drop_account, make_sink_account


@pytest.fixture
def world():
	make_sink_account(port=2525)  # queued only: nothing here is flushed
	scenario = Scenario()
	try:
		yield scenario
	finally:
		scenario.cleanup()
		frappe.db.delete("Marketing Confirmation", {"email": ("like", f"%{scenario.tag.lower()}%")})
		drop_account()
		frappe.db.commit()


def params_of(url: str) -> dict:
	return dict(parse_qsl(urlparse(url).query))


def as_guest(fn, **kwargs):
	frappe.set_user("Guest")
	try:
		return fn(**kwargs)
	finally:
		frappe.set_user("Administrator")


# -- the preference page --------------------------------------------------------------------------


def test_the_preference_page_leaves_a_list_a_channel_or_everything_and_refuses_forged_links(world):
	lead = world.lead("Pref", f"pref-{world.tag}@example.com")
	email = f"pref-{world.tag}@example.com"
	first, second = world.target_list([(lead, "Active")]), world.target_list([(lead, "Active")])
	url = links.preference_url("Lead", lead, email)
	signed = params_of(url)

	as_guest(preferences.page, **signed)
	page = frappe.local.message
	assert f"list:{first}" in page and f"list:{second}" in page and 'value="everything"' in page

	# forged: another person, another address, a changed choice of who: 403 and nothing changes
	for forged in (
		{**signed, "r": world.lead("Other")},
		{**signed, "m": "someone@example.com"},
		{**signed, "s": "x" * 43},
	):
		with pytest.raises(frappe.PermissionError):
			as_guest(preferences.update, **forged, choice="everything")
	assert not frappe.db.exists("Email Unsubscribe", {"email": email})
	assert frappe.db.get_value("Lead", lead, ["unsubscribed", "email_consent"]) == (0, "")

	as_guest(preferences.update, **signed, choice=f"list:{first}")
	status = dict(
		frappe.get_all("Target List Member", {"member": lead}, ["target_list", "status"], as_list=True)
	)
	assert status == {first: "Unsubscribed", second: "Active"}

	as_guest(preferences.update, **signed, choice="sms")
	assert frappe.db.get_value("Lead", lead, ["sms_consent", "email_consent", "consent_source"]) == (
		"Refused",
		"",
		"Preference page",
	)

	as_guest(preferences.update, **signed, choice="everything")
	assert frappe.db.get_value("Lead", lead, ["unsubscribed", "email_consent", "phone_consent"]) == (
		1,
		"Refused",
		"Refused",
	)
	assert frappe.db.exists("Email Unsubscribe", {"email": email, "global_unsubscribe": 1})
	assert (
		frappe.db.get_value("Target List Member", {"member": lead, "target_list": second}, "status")
		== "Unsubscribed"
	)


def test_leaving_email_from_a_mail_records_unsubscribed_and_stops_the_next_campaign(world):
	lead = world.lead("Mailed", f"mailed-{world.tag}@example.com")
	target = world.target_list([(lead, "Active")])
	template = world.email_template("Hi", "<p>{{ member_name }}</p>")
	activity = world.activity(world.campaign(), "Email", [target], email_template=template)
	distribute_activity(activity.name)
	message = frappe.get_all("Email Queue", {"reference_name": activity.name}, pluck="message")[0]
	body = (
		email_lib.message_from_string(message, policy=email_policy.default).get_body(("html",)).get_content()
	)
	assert "crm_marketing_app.messaging.preferences.page" in body

	signed = params_of(links.preference_url("Lead", lead, f"mailed-{world.tag}@example.com", activity.name))
	as_guest(preferences.update, **signed, choice="email")

	assert frappe.db.exists(
		"Campaign Response",
		{"campaign_activity": activity.name, "respondent": lead, "response_type": "Unsubscribed"},
	)
	later = world.activity(world.campaign(), "Email", [target], email_template=template)
	assert distribute_activity(later.name)["skipped"] == {"consent_refused": 1}


# -- double opt-in ---------------------------------------------------------------------------------


def test_a_registration_for_a_known_email_is_recorded_only_once_the_address_confirms(world):
	campaign = make_campaign(company=default_company()).name
	world.campaigns.append(campaign)
	email = f"known-{world.tag}@example.com".lower()
	lead = world.lead("Known", email)

	registration.register({"campaign": campaign, "full_name": "Someone Else", "email": email})

	assert not frappe.db.exists("Campaign Response", {"campaign": campaign, "response_type": "Registered"})
	(held,) = frappe.get_all("Marketing Confirmation", {"email": email}, ["name", "status", "person"])
	assert (held.status, held.person) == ("Pending", None)  # whose address it is: found on confirmation
	mail = frappe.get_all(
		"Email Queue",
		{"reference_doctype": "Marketing Confirmation", "reference_name": held.name},
		pluck="message",
	)
	assert len(mail) == 1
	body = (
		email_lib.message_from_string(mail[0], policy=email_policy.default).get_body(("html",)).get_content()
	)
	assert html.escape(links.confirmation_url(held.name)) in body

	signed = params_of(links.confirmation_url(held.name))
	with pytest.raises(frappe.PermissionError):
		as_guest(optin.confirm, **{**signed, "t": frappe.generate_hash(length=10)})
	with pytest.raises(frappe.PermissionError):
		as_guest(optin.confirm, **{**signed, "s": signed["s"][:-2] + "AA"})
	assert not frappe.db.exists("Campaign Response", {"campaign": campaign, "response_type": "Registered"})

	as_guest(optin.confirm, **signed)
	as_guest(optin.confirm, **signed)  # opened twice: recorded once

	assert frappe.get_all(
		"Campaign Response", {"campaign": campaign, "response_type": "Registered"}, pluck="respondent"
	) == [lead]
	assert frappe.db.get_value("Lead", lead, ["email_consent", "consent_source"]) == (
		"Granted",
		"Double opt-in: Event Registration",
	)
	assert frappe.db.get_value("Marketing Confirmation", held.name, ["status", "person"]) == (
		"Confirmed",
		lead,
	)


def test_the_registration_form_answers_alike_whether_the_address_is_new_known_or_registered(world):
	"""An attacker must not learn from the public form whether an address is in the CRM."""
	from frappe.website.doctype.web_form.web_form import accept

	campaign = make_campaign(company=default_company()).name
	world.campaigns.append(campaign)
	known = f"known-{world.tag}@example.com".lower()
	registered = f"registered-{world.tag}@example.com".lower()
	new = f"new-{world.tag}@example.com".lower()
	world.lead("Known", known)
	registered_lead = world.lead("Registered", registered)
	frappe.get_doc(
		{
			"doctype": "Campaign Response",
			"campaign": campaign,
			"respondent_doctype": "Lead",
			"respondent": registered_lead,
			"response_type": "Registered",
		}
	).insert()

	def answer(email):
		"""What the guest's browser gets from the form's endpoint: the returned document (its
		own name and times aside) and any message."""
		frappe.set_user("Guest")
		frappe.local.message_log = []
		try:
			form = {"campaign": campaign, "full_name": "Any Body", "email": email, "organization": "Firm"}
			doc = accept("Event Registration", frappe.as_json(form))
			data = frappe.parse_json(frappe.as_json(doc))
			for varying in ("name", "creation", "modified", "email"):
				data.pop(varying)
			return data, list(frappe.local.message_log)
		finally:
			frappe.flags.in_web_form = False
			frappe.set_user("Administrator")

	answers = [answer(email) for email in (new, known, registered)]
	assert answers[0] == answers[1] == answers[2]
	data, messages = answers[0]
	assert (data["doctype"], data["status"], data.get("person"), messages) == (
		"Marketing Confirmation",
		"Pending",
		None,
		[],
	)
	# behind the same answer: the new address is registered at once, the known ones wait for their link
	lead = frappe.db.get_value("Lead", {"email_id": new})
	world.people.append(("Lead", lead))
	registrations = frappe.get_all(
		"Campaign Response", {"campaign": campaign, "response_type": "Registered"}, pluck="respondent"
	)
	assert sorted(registrations) == sorted([lead, registered_lead])
	# and each address got the same confirmation mail
	for email in (new, known, registered):
		(held,) = frappe.get_all("Marketing Confirmation", {"email": email}, pluck="name")
		assert frappe.db.exists(
			"Email Queue", {"reference_doctype": "Marketing Confirmation", "reference_name": held}
		)


def test_a_new_address_registers_at_once_with_consent_pending_until_it_confirms(world):
	campaign = make_campaign(company=default_company()).name
	world.campaigns.append(campaign)
	email = f"new-{world.tag}@example.com".lower()

	registration.register({"campaign": campaign, "full_name": "New Person", "email": email})

	lead = frappe.db.get_value("Lead", {"email_id": email})
	world.people.append(("Lead", lead))
	assert frappe.db.get_value("Lead", lead, "email_consent") == "Pending"
	# unconfirmed: an activity requiring consent does not mail it
	target = world.target_list([(lead, "Active")])
	template = world.email_template("Hi", "<p>{{ member_name }}</p>")
	strict = world.activity(world.campaign(), "Email", [target], email_template=template, requires_consent=1)
	assert distribute_activity(strict.name)["skipped"] == {"no_consent": 1}

	(held,) = frappe.get_all("Marketing Confirmation", {"email": email}, pluck="name")
	as_guest(optin.confirm, **params_of(links.confirmation_url(held)))
	assert frappe.db.get_value("Lead", lead, "email_consent") == "Granted"
	assert frappe.db.count("Campaign Response", {"campaign": campaign, "response_type": "Registered"}) == 1
	again = world.activity(world.campaign(), "Email", [target], email_template=template, requires_consent=1)
	assert distribute_activity(again.name)["sent"] == 1


def test_the_public_subscription_form_joins_the_list_only_on_confirmation(world):
	from frappe.website.doctype.web_form.web_form import accept

	target = world.target_list([])
	email = f"sub-{world.tag}@example.com".lower()
	closed = world.target_list([])
	frappe.db.set_value("Target List", target, "allow_subscription", 1)

	def subscribe(target_list):
		frappe.set_user("Guest")
		try:
			return accept(
				"Subscription",
				frappe.as_json({"target_list": target_list, "full_name": "Sub Scriber", "email": email}),
			)
		finally:
			frappe.flags.in_web_form = False
			frappe.set_user("Administrator")

	with pytest.raises(frappe.ValidationError, match="subscription link"):
		subscribe(closed)
	held = subscribe(target)
	assert held.status == "Pending" and not frappe.db.exists("Lead", {"email_id": email})
	assert frappe.db.count("Target List Member", {"target_list": target}) == 0

	as_guest(optin.confirm, **params_of(links.confirmation_url(held.name)))

	lead = frappe.db.get_value("Lead", {"email_id": email})
	world.people.append(("Lead", lead))
	assert frappe.get_all("Target List Member", {"target_list": target}, pluck="member") == [lead]
	assert frappe.db.get_value("Lead", lead, "email_consent") == "Granted"


# -- send rate, send window, quiet hours, and the desk -----------------------------------------------


def test_send_rate_spreads_the_mails_and_quiet_hours_hold_them(world):
	leads = [world.lead(f"Rate{i}", f"rate{i}-{world.tag}@example.com") for i in range(4)]
	target = world.target_list([(lead, "Active") for lead in leads])
	template = world.email_template("Hi", "<p>{{ member_name }}</p>")
	activity = world.activity(world.campaign(), "Email", [target], email_template=template, send_rate=2)

	started = now_datetime()
	distribute_activity(activity.name)

	times = sorted(
		get_datetime(t)
		for t in frappe.get_all("Email Queue", {"reference_name": activity.name}, pluck="send_after")
		if t
	)
	# two a minute: the first goes now (no send_after), then every 30 seconds
	assert len(times) == 3
	assert [round((t - started).total_seconds() / 30) for t in times] == [1, 2, 3]

	# quiet hours around now: the mails wait until they end
	now = now_datetime()
	settings = frappe.get_single("CRM Marketing Settings")
	start, end = add_to_date(now, hours=-1), add_to_date(now, hours=2)
	settings.quiet_hours_start, settings.quiet_hours_end = start.strftime("%H:00"), end.strftime("%H:00")
	settings.save()
	quiet = world.activity(world.campaign(), "Email", [target], email_template=template)
	try:
		distribute_activity(quiet.name)
	finally:
		frappe.db.set_single_value(
			"CRM Marketing Settings", {"quiet_hours_start": None, "quiet_hours_end": None}
		)
		frappe.db.commit()
	held = {str(t) for t in frappe.get_all("Email Queue", {"reference_name": quiet.name}, pluck="send_after")}
	# the quiet hours end on the hour of `end`, on its day (also when they began yesterday)
	assert held == {f"{end.date()} {end.strftime('%H')}:00:00"}


def test_the_form_counts_delivery_and_sends_to_the_rest(world):
	leads = [world.lead(f"Rest{i}", f"rest{i}-{world.tag}@example.com") for i in range(3)]
	broken = world.lead("Broken", f"broken-{world.tag}@example.com")
	target = world.target_list([(lead, "Active") for lead in [*leads, broken]])
	template = world.email_template(
		"Hi", "<p>{{ member_name }}{% if first_name.startswith('Broken') %}{{ missing }}{% endif %}</p>"
	)
	activity = world.activity(world.campaign(), "Email", [target], email_template=template)
	distribute_activity(activity.name)
	queues = frappe.get_all("Email Queue", {"reference_name": activity.name}, pluck="name")
	# what Frappe's flush leaves: one sent, one given up on after its retries
	frappe.db.set_value("Email Queue", queues[0], "status", "Sent")
	frappe.db.set_value(
		"Email Queue", queues[1], {"status": "Error", "retry": 3, "error": "Connection refused"}
	)
	frappe.db.commit()

	assert delivery.get_delivery_counts(activity.name) == {"queued": 1, "sent": 1, "failed": 2, "bounced": 0}

	frappe.db.set_value("Email Template", template, "response", "<p>{{ member_name }}</p>")
	frappe.db.commit()
	assert delivery.send_to_the_rest(activity.name) == {"requeued": 1}
	assert frappe.db.get_value("Email Queue", queues[1], ["status", "retry"]) == ("Not Sent", 0)
	assert delivery.get_delivery_counts(activity.name) == {"queued": 3, "sent": 1, "failed": 0, "bounced": 0}
	assert frappe.db.count("Email Queue", {"reference_name": activity.name}) == 4

	sales = world.user(["Sales User"], "msg-sales")
	frappe.set_user(sales)
	with pytest.raises(frappe.PermissionError):
		delivery.send_to_the_rest(activity.name)
