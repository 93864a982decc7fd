"""Target lists 2.0 on a live site, under frozen time: response conditions (webinar no-shows),
relative dates (buyers of the last 14 days), OR groups, live list membership (A not B),
key contacts of current customers, and letters with postal addresses."""

import frappe
import pytest
from frappe.utils import add_days, getdate, nowdate, random_string
from freezegun import freeze_time

from crm_marketing_app.target_lists import api, members, picker
from tests.integration.helpers import (
	make_campaign,
	make_campaign_activity,
	make_customer,
	make_item,
	make_sales_invoice,
	make_sales_order,
)
from tests.integration.test_target_lists import make_lead, make_list, member_status


def on_day(day):
	"""Frozen at noon: the site's time zone keeps it the same calendar day."""
	return freeze_time(f"{day} 12:00:00")


def respond(respondent, response_type, campaign, activity=None, on=None, doctype="Lead"):
	frappe.get_doc(
		{
			"doctype": "Campaign Response",
			"campaign": campaign,
			"campaign_activity": activity,
			"respondent_doctype": doctype,
			"respondent": respondent,
			"response_type": response_type,
			"response_date": on or frappe.utils.now_datetime(),
		}
	).insert()


def test_webinar_no_shows():
	webinar = make_campaign(campaign_name=f"TL2 Webinar {random_string(6)}").name
	other = make_campaign(campaign_name=f"TL2 Other {random_string(6)}").name
	session = make_campaign_activity(webinar, channel="Webinar").name
	attended, no_show, stranger, elsewhere, long_ago = (make_lead() for _ in range(5))
	for lead in (attended, no_show):
		respond(lead, "Registered", webinar, session)
	respond(attended, "Attended", webinar, session)
	respond(elsewhere, "Registered", other)
	respond(long_ago, "Registered", webinar, session, on="2026-01-05 10:00:00")
	no_shows = [
		{"field": "has_response", "operator": "=", "value": "Registered", "campaign": webinar},
		{"field": "has_no_response", "operator": "=", "value": "Attended", "campaign": webinar},
	]
	target = make_list("Lead", no_shows)
	with on_day("2026-01-20"):
		target.refresh_members()
		assert set(member_status(target)) == {no_show, long_ago}
		assert "has a Registered response for campaign" in target.rule_description

		# only registrations of the last 10 days, for the one session
		recent = make_list(
			"Lead",
			[
				{**no_shows[0], "campaign_activity": session, "within_days": 10},
				no_shows[1],
			],
		)
		recent.refresh_members()
		assert set(member_status(recent)) == {no_show}
	assert stranger not in member_status(target)

	# the picker offers the new conditions, with the response types to choose from
	offered = {f["fieldname"]: f for f in picker.condition_fields("Lead")}
	assert "Attended" in offered["has_response"]["options"] and offered["has_response"]["operators"] == ["="]
	assert (
		offered["not_in_list"]["fieldtype"] == "Link" and offered["not_in_list"]["options"] == "Target List"
	)


def test_buyers_of_the_last_14_days_move_out_as_days_pass():
	today = getdate(nowdate())
	item = make_item()
	by_order, by_invoice, by_draft, long_ago = (make_customer() for _ in range(4))
	make_sales_order(by_order, [(item, 1, 100)], add_days(today, -2))
	make_sales_invoice(by_invoice, [(item, 1, 100)], add_days(today, -10))  # a direct invoice counts
	make_sales_order(by_draft, [(item, 1, 100)], add_days(today, -1), submit=False)  # a draft does not
	make_sales_order(long_ago, [(item, 1, 100)], add_days(today, -40))
	target = make_list("Customer", [("last_order_date", ">=", "today-14d"), ("order_count", ">=", "1")])
	ours = {by_order, by_invoice, by_draft, long_ago}

	def members_on(day):
		with on_day(day):
			target.refresh_members()
		return set(member_status(target)) & ours

	assert members_on(today) == {by_order, by_invoice}
	assert members_on(add_days(today, 4)) == {by_order, by_invoice}  # the invoice is 14 days old
	assert members_on(add_days(today, 5)) == {by_order}  # ... and now 15
	assert members_on(add_days(today, 12)) == {by_order}
	assert members_on(add_days(today, 13)) == set()
	with on_day(add_days(today, 5)):
		preview = api.preview("Customer", [c.as_dict() for c in target.conditions])
		assert preview["dates"] == {"1": str(add_days(today, -9))}


def test_or_of_two_groups():
	tag = random_string(6)
	kyiv, lviv_big, lviv_small, odesa_big = (
		make_lead(city=f"Kyiv {tag}"),
		make_lead(city=f"Lviv {tag}", annual_revenue=5000),
		make_lead(city=f"Lviv {tag}", annual_revenue=10),
		make_lead(city=f"Odesa {tag}", annual_revenue=5000),
	)
	conditions = [
		{"group": 1, "field": "city", "operator": "=", "value": f"Kyiv {tag}"},
		{"group": 2, "field": "city", "operator": "=", "value": f"Lviv {tag}"},
		{"group": 2, "field": "annual_revenue", "operator": ">", "value": "1000"},
	]
	target = make_list("Lead", conditions)
	target.refresh_members()
	assert set(member_status(target)) == {kyiv, lviv_big}
	assert target.rule_description == (
		f"(City is Kyiv {tag}) or (City is Lviv {tag} and Annual Revenue is more than 1000)"
	)
	assert odesa_big not in member_status(target) and lviv_small not in member_status(target)

	with pytest.raises(frappe.ValidationError, match="Group 2 has no conditions"):
		make_list("Lead", [{**conditions[0], "group": 3}, conditions[0]])


def test_a_not_b_follows_changes_of_a_and_b():
	tag = random_string(6)
	first, second, third = (make_lead(city=f"Uzhhorod {tag}") for _ in range(3))
	a = make_list("Lead", [("city", "=", f"Uzhhorod {tag}")])
	b = make_list("Lead")
	members.add_members(b, "Lead", [second])
	a_not_b = make_list("Lead", [("in_list", "=", a.name), ("not_in_list", "=", b.name)])

	# refreshing A-not-B refreshes A first, though A was never refreshed
	a_not_b.refresh_members()
	assert set(member_status(a_not_b)) == {first, third}
	assert set(member_status(a)) == {first, second, third}

	frappe.db.set_value("Lead", first, "city", "Elsewhere")  # leaves A
	fourth = make_lead(city=f"Uzhhorod {tag}")  # joins A
	members.add_members(b, "Lead", [third])  # joins B
	a_not_b.refresh_members()
	assert set(member_status(a_not_b)) == {fourth}

	# the daily run refreshes A before A-not-B as well
	frappe.db.set_value("Lead", first, "city", f"Uzhhorod {tag}")
	counts = members.refresh_dynamic_lists()
	assert list(counts).index(a.name) < list(counts).index(a_not_b.name)
	assert set(member_status(a_not_b)) == {first, fourth}

	# a cycle through other lists, itself, and another kind are refused; nothing changes
	a.append("conditions", {"field": "not_in_list", "operator": "=", "value": a_not_b.name})
	with pytest.raises(frappe.ValidationError, match=f"{a.name} would depend on itself"):
		a.save()
	a_not_b.append("conditions", {"field": "in_list", "operator": "=", "value": a_not_b.name})
	with pytest.raises(frappe.ValidationError, match="a list cannot be a condition of itself"):
		a_not_b.save()
	contacts = make_list("Contact")
	with pytest.raises(frappe.ValidationError, match="holds Contact records, not Lead"):
		make_list("Lead", [("in_list", "=", contacts.name)])
	with pytest.raises(frappe.ValidationError, match="Liked is not a Campaign Response type"):
		make_list("Lead", [("has_response", "=", "Liked")])
	with pytest.raises(frappe.ValidationError, match="today-3x is not a relative date"):
		make_list("Lead", [("modified", ">", "today-3x")])
	assert len(frappe.get_doc("Target List", a.name).conditions) == 1
	assert len(frappe.get_doc("Target List", a_not_b.name).conditions) == 2
	assert set(member_status(a_not_b)) == {first, fourth}


def contact(customer, designation, primary=0):
	return (
		frappe.get_doc(
			{
				"doctype": "Contact",
				"first_name": f"TL2 {designation} {random_string(6)}",
				"designation": designation,
				"is_primary_contact": primary,
				"links": [{"link_doctype": "Customer", "link_name": customer}],
			}
		)
		.insert()
		.name
	)


@pytest.fixture
def fresh_settings():
	"""The cached settings doc must not outlive the test's rollback."""
	yield
	frappe.db.rollback()
	frappe.clear_document_cache("CRM Marketing Settings", "CRM Marketing Settings")


def test_key_contacts_of_current_customers_by_designation(fresh_settings):
	today = getdate(nowdate())
	item = make_item()
	current, lapsed = make_customer(), make_customer()
	make_sales_order(current, [(item, 1, 900)], add_days(today, -100))
	make_sales_order(lapsed, [(item, 1, 900)], add_days(today, -500))
	director, engineer, lapsed_director = (
		contact(current, "Director", primary=1),
		contact(current, "Engineer"),
		contact(lapsed, "Director"),
	)
	ours = {director, engineer, lapsed_director}
	key = make_list(
		"Contact", [("designation", "=", "Director"), ("activity_status", "=", "Buying now")], channel="Email"
	)
	with on_day(today):
		key.refresh_members()
	assert set(member_status(key)) & ours == {director}

	# "buying now" is what the settings say: 90 days leaves the current customer out ...
	settings = frappe.get_single("CRM Marketing Settings")
	settings.buying_now_days, settings.lapsed_after_days = 90, 400
	settings.save()
	key.refresh_members()
	assert set(member_status(key)) & ours == set()
	# ... and 100 to 400 days is neither buying now nor lapsed
	lapsed_directors = make_list(
		"Contact", [("designation", "=", "Director"), ("activity_status", "=", "Lapsed")]
	)
	lapsed_directors.refresh_members()
	assert set(member_status(lapsed_directors)) & ours == {lapsed_director}

	# a Customer list turned into a list of its Contacts, in one action
	customers = make_list("Customer")
	members.add_members(customers, "Customer", [current, lapsed])
	everyone = customers.make_contact_list("all")
	assert set(member_status(everyone)) == ours
	primary = customers.make_contact_list("primary")
	assert set(member_status(primary)) == {director}
	directors = customers.make_contact_list("designation", "Director")
	assert set(member_status(directors)) == {director, lapsed_director}
	assert frappe.db.get_value("Target List", directors, "member_doctype") == "Contact"
	assert customers.make_contact_list("designation", "Director") == directors  # again: nobody twice
	assert frappe.db.count("Target List Member", {"target_list": directors}) == 2
	with pytest.raises(frappe.ValidationError, match="Only a list of Customers"):
		key.make_contact_list("all")
	with pytest.raises(frappe.ValidationError, match="Give the Designation"):
		customers.make_contact_list("designation")


def test_letters_carry_addressee_and_address_and_count_who_has_none(world):
	"""Distribution commits per chunk: everything lives in the Scenario, which cleans up."""
	with_address, without = world.lead("Addressed"), world.lead("Homeless")
	world.address("Lead", with_address, city="Lviv")
	customer = make_customer(customer_name=f"TL2 Firm {world.tag}")
	world.people.append(("Customer", customer))
	world.address("Customer", customer, city="Dnipro")
	person = contact(customer, "Director")
	world.people.append(("Contact", person))

	leads = world.target_list([(with_address, "Active"), (without, "Active")])
	frappe.db.set_value("Target List", leads, "channel", "Postal Mail")
	members.recount([leads])
	assert frappe.db.get_value("Target List", leads, "members_without_address") == 1

	template = world.email_template("Letter", "<p>Dear {{ member_name }},</p><p>our new catalogue.</p>")
	activity = world.activity(world.campaign(), "Letter", [leads], email_template=template)
	activity.distribute()
	log = frappe.parse_json(frappe.db.get_value("Campaign Activity", activity.name, "distribution_log"))
	assert log["sent"] == 1 and log["skipped"] == {"no_postal_address": 1}
	letters = activity.letters()
	assert len(letters) == 1
	assert f"Addressed {world.tag}" in letters[0] and "Addressed Ltd" in letters[0]
	assert "Khreshchatyk St" in letters[0] and "Lviv" in letters[0] and "Dear Addressed" in letters[0]
	assert frappe.get_all(
		"File", {"attached_to_doctype": "Campaign Activity", "attached_to_name": activity.name}
	)

	# a Contact gets the address of the Customer it works for
	contacts = make_list("Contact", [("name", "=", person)], channel="Postal Mail")
	world.lists.append(contacts.name)
	contacts.refresh_members()
	assert frappe.db.get_value("Target List", contacts.name, "members_without_address") == 0
	from crm_marketing_app.campaign_execution.distribution import postal_addresses

	found = postal_addresses([{"member_doctype": "Contact", "member": person}])
	assert found[("Contact", person)].city == "Dnipro"
