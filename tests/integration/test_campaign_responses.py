"""Campaign Response: tracking links, Lead / Opportunity from a response, event registration, campaign copy."""

from urllib.parse import parse_qsl, urlparse

import frappe
import pytest
from frappe.utils import random_string

from crm_marketing_app.campaign_execution import registration
from crm_marketing_app.campaign_execution.copy_campaign import copy_campaign
from crm_marketing_app.campaign_execution.tracking import PIXEL, track, tracking_url
from crm_marketing_app.messaging import links, optin
from tests.integration.helpers import default_company, make_campaign, make_item, make_user


def make_activity(campaign, **fields):
	return frappe.get_doc(
		{
			"doctype": "Campaign Activity",
			"subject": fields.pop("subject", f"Activity {random_string(5)}"),
			"campaign": campaign,
			"channel": fields.pop("channel", "Email"),
			"scheduled_date": fields.pop("scheduled_date", "2026-04-01"),
			**fields,
		}
	).insert()


def make_lead(email=None):
	return (
		frappe.get_doc({"doctype": "Lead", "first_name": f"Tracked {random_string(5)}", "email_id": email})
		.insert()
		.name
	)


def link_params(url):
	return dict(parse_qsl(urlparse(url).query))


def responses(lead, response_type):
	return frappe.get_all(
		"Campaign Response", {"respondent": lead, "response_type": response_type}, pluck="name"
	)


@pytest.fixture
def tracked():
	campaign = make_campaign(company=default_company()).name
	return make_activity(campaign, landing_page="https://example.com/expo"), make_lead()


# -- tracking ------------------------------------------------------------------------------------


def test_open_link_records_opened_once_and_returns_the_pixel(tracked):
	activity, lead = tracked
	params = link_params(tracking_url(activity.name, "Lead", lead, "open"))
	frappe.set_user("Guest")
	track(**params)
	track(**params)
	assert frappe.local.response["filecontent"] == PIXEL
	frappe.set_user("Administrator")
	opened = frappe.get_all(
		"Campaign Response",
		{"respondent": lead, "response_type": "Opened"},
		["campaign", "campaign_activity", "channel"],
	)
	assert opened == [{"campaign": activity.campaign, "campaign_activity": activity.name, "channel": "Email"}]


def test_click_link_records_clicked_and_redirects_to_the_signed_target(tracked):
	activity, lead = tracked
	params = link_params(tracking_url(activity.name, "Lead", lead, "click", activity.landing_page))
	frappe.set_user("Guest")
	track(**params)
	assert frappe.local.response["type"] == "redirect"
	assert frappe.local.response["location"] == "https://example.com/expo"
	frappe.set_user("Administrator")
	assert len(responses(lead, "Clicked")) == 1


@pytest.mark.parametrize(
	"forge",
	[
		lambda p, other: {**p, "r": other},  # someone else's click
		lambda p, other: {**p, "u": "https://evil.example.com"},  # open redirect
		lambda p, other: {**p, "e": "open"},  # another event
		lambda p, other: {**p, "s": p["s"][:-2] + "AA"},  # a guessed signature
	],
)
def test_forged_or_altered_link_gets_403_and_records_nothing(tracked, forge):
	activity, lead = tracked
	other = make_lead()
	params = link_params(tracking_url(activity.name, "Lead", lead, "click", activity.landing_page))
	frappe.set_user("Guest")
	with pytest.raises(frappe.PermissionError):
		track(**forge(params, other))
	frappe.set_user("Administrator")
	assert not frappe.get_all("Campaign Response", {"respondent": ("in", [lead, other])})


# -- Lead and Opportunity from a response ----------------------------------------------------------


def test_create_lead_from_a_contact_response_links_back_and_is_idempotent():
	campaign = make_campaign(company=default_company()).name
	email = f"contact-{random_string(6).lower()}@example.com"
	contact = frappe.get_doc(
		{
			"doctype": "Contact",
			"first_name": "Olena",
			"company_name": "Kyiv Expo",
			"email_ids": [{"email_id": email, "is_primary": 1}],
		}
	).insert()
	response = frappe.get_doc(
		{
			"doctype": "Campaign Response",
			"campaign": campaign,
			"respondent_doctype": "Contact",
			"respondent": contact.name,
			"response_type": "Requested Info",
		}
	).insert()

	lead = response.create_lead()
	assert response.create_lead() == lead
	assert frappe.db.get_value("Lead", lead, ["email_id", "company_name", "campaign_name"]) == (
		email,
		"Kyiv Expo",
		campaign,
	)
	assert frappe.db.get_value("Campaign Response", response.name, "lead") == lead

	opportunity = response.create_opportunity()
	assert frappe.db.get_value(
		"Opportunity", opportunity, ["opportunity_from", "party_name", "campaign"]
	) == ("Lead", lead, campaign)
	assert frappe.db.get_value("Campaign Response", response.name, "opportunity") == opportunity
	assert response.create_opportunity() == opportunity


def test_create_opportunity_for_a_customer_respondent_uses_the_customer():
	from tests.integration.helpers import make_customer

	campaign = make_campaign(company=default_company()).name
	customer = make_customer()
	response = frappe.get_doc(
		{
			"doctype": "Campaign Response",
			"campaign": campaign,
			"respondent_doctype": "Customer",
			"respondent": customer,
			"response_type": "Replied",
		}
	).insert()
	opportunity = response.create_opportunity()
	assert frappe.db.get_value("Opportunity", opportunity, ["opportunity_from", "party_name"]) == (
		"Customer",
		customer,
	)


def test_a_sales_user_cannot_turn_responses_into_leads():
	campaign = make_campaign(company=default_company()).name
	response = frappe.get_doc(
		{
			"doctype": "Campaign Response",
			"campaign": campaign,
			"respondent_doctype": "Lead",
			"respondent": make_lead(),
			"response_type": "Replied",
		}
	).insert()
	frappe.set_user(make_user(["Sales User"], "ce-sales"))
	with pytest.raises(frappe.PermissionError):
		frappe.get_doc("Campaign Response", response.name).create_lead()
	with pytest.raises(frappe.PermissionError):
		frappe.get_doc("Campaign Response", response.name).create_opportunity()
	frappe.set_user("Administrator")
	assert frappe.db.get_value("Campaign Response", response.name, ["lead", "opportunity"]) == (None, None)
	assert not frappe.db.exists("Opportunity", {"campaign": campaign})


def contact_response(campaign, first_name="Olena"):
	contact = frappe.get_doc(
		{
			"doctype": "Contact",
			"first_name": first_name,
			"last_name": random_string(5),
			"email_ids": [{"email_id": f"{random_string(8).lower()}@example.com", "is_primary": 1}],
		}
	).insert()
	response = frappe.get_doc(
		{
			"doctype": "Campaign Response",
			"campaign": campaign,
			"respondent_doctype": "Contact",
			"respondent": contact.name,
			"response_type": "Requested Info",
		}
	).insert()
	return contact, response


def test_responses_are_titled_by_the_respondents_name():
	campaign = make_campaign(company=default_company()).name
	contact, response = contact_response(campaign, "Mykola")
	assert response.full_name == contact.full_name
	assert frappe.get_meta("Campaign Response").title_field == "full_name"
	frappe.db.set_value("Campaign Response", response.name, "full_name", "")  # as rows from before
	from crm_marketing_app.campaign_execution.responses import fill_respondent_names

	fill_respondent_names()
	assert frappe.db.get_value("Campaign Response", response.name, "full_name") == contact.full_name


def test_selected_responses_become_leads_and_opportunities_in_bulk():
	from crm_marketing_app.campaign_execution.responses import convert_responses

	campaign = make_campaign(company=default_company()).name
	pairs = [contact_response(campaign) for _ in range(2)]
	names = [response.name for _contact, response in pairs]
	frappe.set_user(make_user(["Marketing User", "Sales User"], "bulk"))
	made = convert_responses(frappe.as_json(names), "Lead")
	assert set(made["created"]) == set(names) and not made["failed"]
	leads = frappe.get_all("Campaign Response", filters={"name": ("in", names)}, pluck="lead")
	assert len(set(leads)) == 2 and all(
		frappe.db.get_value("Lead", lead, "campaign_name") == campaign for lead in leads
	)
	again = convert_responses(names, "Opportunity")
	opportunities = set(again["created"].values())
	assert len(opportunities) == 2
	assert {frappe.db.get_value("Opportunity", o, "party_name") for o in opportunities} == set(leads)
	with pytest.raises(frappe.ValidationError, match="Lead or an Opportunity"):
		convert_responses(names, "Customer")


def test_a_sales_user_cannot_convert_in_bulk():
	from crm_marketing_app.campaign_execution.responses import convert_responses

	_contact, response = contact_response(make_campaign(company=default_company()).name)
	frappe.set_user(make_user(["Sales User"], "bulk-sales"))
	with pytest.raises(frappe.PermissionError):
		convert_responses([response.name], "Lead")


def test_activity_of_another_campaign_is_refused():
	first, second = make_campaign().name, make_campaign().name
	activity = make_activity(first)
	with pytest.raises(frappe.ValidationError, match=second):
		frappe.get_doc(
			{
				"doctype": "Campaign Response",
				"campaign": second,
				"campaign_activity": activity.name,
				"respondent_doctype": "Lead",
				"respondent": make_lead(),
				"response_type": "Sent",
			}
		).insert()


# -- the Event Registration web form ------------------------------------------------------------


def register(campaign, email, **extra):
	data = {"campaign": campaign, "full_name": "Iryna Koval", "email": email, "organization": "Lviv Print"}
	return registration.register({**data, **extra})


def test_registration_of_an_unknown_email_creates_a_lead_and_a_registered_response():
	campaign = make_campaign(company=default_company(), state="Approved").name
	email = f"guest-{random_string(6).lower()}@example.com"

	register(campaign, email, response_type="Purchased", notes="injected")

	lead = frappe.db.get_value(
		"Lead", {"email_id": email}, ["name", "company_name", "campaign_name"], as_dict=True
	)
	assert lead and lead.company_name == "Lviv Print" and lead.campaign_name == campaign
	rows = frappe.get_all(
		"Campaign Response",
		{"campaign": campaign},
		["respondent_doctype", "respondent", "response_type", "lead", "notes"],
	)
	assert rows == [
		{
			"respondent_doctype": "Lead",
			"respondent": lead.name,
			"response_type": "Registered",
			"lead": lead.name,
			"notes": None,
		}
	]


def test_registration_of_a_known_email_waits_for_confirmation_then_reuses_the_lead_and_records_one():
	campaign = make_campaign(company=default_company()).name
	email = f"known-{random_string(6).lower()}@example.com"
	lead = make_lead(email)
	held = register(campaign, email).name
	assert not responses(lead, "Registered")  # held until the address confirms (messaging.optin)

	def confirm(confirmation):
		frappe.set_user("Guest")
		try:
			optin.confirm(**dict(parse_qsl(urlparse(links.confirmation_url(confirmation)).query)))
		finally:
			frappe.set_user("Administrator")

	confirm(held)
	assert frappe.db.count("Lead", {"email_id": email}) == 1
	assert len(responses(lead, "Registered")) == 1
	# registering again is answered alike and waits for its link, which records nothing new
	confirm(register(campaign, email).name)
	assert len(responses(lead, "Registered")) == 1


def test_registration_for_a_closed_event_is_refused():
	campaign = make_campaign(state="Rejected").name
	email = f"late-{random_string(6).lower()}@example.com"
	with pytest.raises(frappe.ValidationError, match="closed"):
		register(campaign, email)
	assert not frappe.db.exists("Lead", {"email_id": email})


# -- Copy as new campaign --------------------------------------------------------------------------


def test_copy_as_new_campaign_moves_activities_and_milestones_and_keeps_lists_products_budget():
	item = make_item()
	source = make_campaign(
		company=default_company(),
		start_date="2025-09-01",
		end_date="2025-09-30",
		budget=50000,
		promo_code=f"EXPO{random_string(5)}",
		target_products=[{"item": item}],
	)
	target_list = f"Copy List {random_string(5)}"
	frappe.get_doc(
		{"doctype": "Target List", "list_name": target_list, "member_doctype": "Lead", "list_type": "Static"}
	).insert()
	owner = make_user(["Marketing User"], "ce-copy")
	make_activity(
		source.name,
		channel="Exhibition",
		scheduled_date="2025-09-20",
		end_date="2025-09-24",
		planned_cost=12000,
		target_lists=[{"target_list": target_list}],
		milestones=[
			{"milestone": "Stand mounted", "due_date": "2025-09-19", "responsible": owner, "completed": 1}
		],
	)
	make_activity(source.name, channel="Other", scheduled_date="2025-09-10", status="Cancelled")

	name = copy_campaign(source.name, f"Expo {random_string(5)}", "2026-09-07")

	copy = frappe.get_doc("Campaign", name)
	assert (str(copy.start_date), str(copy.end_date), copy.budget) == ("2026-09-07", "2026-10-06", 50000)
	assert copy.promo_code is None and copy.campaign_status == "Planned"
	assert [row.item for row in copy.target_products] == [item]
	activities = frappe.get_all("Campaign Activity", {"campaign": name}, pluck="name")
	assert len(activities) == 1  # the cancelled one stays behind
	activity = frappe.get_doc("Campaign Activity", activities[0])
	assert (str(activity.scheduled_date), str(activity.end_date), activity.status) == (
		"2026-09-26",
		"2026-09-30",
		"Planned",
	)
	assert activity.planned_cost == 12000 and [r.target_list for r in activity.target_lists] == [target_list]
	milestone = activity.milestones[0]
	assert (str(milestone.due_date), milestone.completed, milestone.responsible) == ("2026-09-25", 0, owner)
	assert frappe.db.get_value("ToDo", milestone.todo, ["allocated_to", "status"]) == (owner, "Open")


def test_a_sales_user_cannot_copy_campaigns():
	source = make_campaign(start_date="2026-01-01")
	frappe.set_user(make_user(["Sales User"], "ce-copier"))
	name = f"Copy {random_string(5)}"
	with pytest.raises(frappe.PermissionError):
		copy_campaign(source.name, name, "2026-02-01")
	assert not frappe.db.exists("Campaign", {"campaign_name": name})


def test_copy_needs_a_free_name():
	source = make_campaign(start_date="2026-01-01")
	with pytest.raises(frappe.ValidationError, match="already exists"):
		copy_campaign(source.name, source.campaign_name, "2026-02-01")
	with pytest.raises(frappe.ValidationError, match="Enter a name"):
		copy_campaign(source.name, "  ", "2026-02-01")
	assert frappe.db.count("Campaign", {"campaign_name": source.campaign_name}) == 1


def test_registration_page_names_only_an_open_event_and_escapes_its_name():
	from crm_marketing_app.crm_marketing_app.web_form.event_registration.event_registration import get_context

	def introduction(campaign):
		context = frappe._dict()
		frappe.form_dict.campaign = campaign
		try:
			get_context(context)
		finally:
			frappe.form_dict.pop("campaign", None)
		return context.get("introduction_text")

	name = f"Expo & Trade {random_string(5)}"
	open_event = make_campaign(campaign_name=name, start_date="2026-05-01").name
	assert introduction(open_event).startswith(
		"Register for <strong>{}</strong>".format(name.replace("&", "&amp;"))
	)
	assert introduction(make_campaign(state="Rejected").name) is None
	assert introduction("no such campaign") is None
