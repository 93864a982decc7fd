"""Channel Effectiveness: responses, leads, orders, revenue and cost per channel, activity and target list."""

from datetime import datetime

import frappe
import pytest
from frappe.utils import random_string

from tests.integration.helpers import (
	default_company,
	make_campaign,
	make_campaign_activity,
	make_customer,
	make_item,
	make_sales_order,
)
from tests.integration.test_revenue_reports import run_report


def lead() -> str:
	return frappe.get_doc({"doctype": "Lead", "first_name": f"Channel {random_string(5)}"}).insert().name


def target_list(members) -> str:
	name = (
		frappe.get_doc(
			{
				"doctype": "Target List",
				"list_name": f"Channel List {random_string(6)}",
				"member_doctype": "Lead",
				"list_type": "Static",
			}
		)
		.insert()
		.name
	)
	for member in members:
		frappe.get_doc(
			{"doctype": "Target List Member", "target_list": name, "member_doctype": "Lead", "member": member}
		).insert()
	return name


def respond(activity, person, response_type, **fields):
	doc = frappe.get_doc("Campaign Activity", activity)
	frappe.get_doc(
		{
			"doctype": "Campaign Response",
			"campaign": doc.campaign,
			"campaign_activity": activity,
			"respondent_doctype": "Lead",
			"respondent": person,
			"response_type": response_type,
			"response_date": datetime(2026, 3, 5, 10),
			**fields,
		}
	).insert()


@pytest.fixture
def campaign():
	"""Email (300) to lists L1 {p1, p2} and L2 {p2, p3, p4}; Phone Call (200) to L2. p1 replies and
	becomes a lead, p4 accepts. Orders of 1000 (p1's customer), 600 (p4's), 400 (p3's: touched both
	activities) and 100 (a customer no activity touched), all by the campaign field."""
	company = default_company()
	name = make_campaign(company=company, campaign_type="Webinar").name
	p1, p2, p3, p4 = (lead() for _ in range(4))
	l1, l2 = target_list([p1, p2]), target_list([p2, p3, p4])
	email = make_campaign_activity(
		name, channel="Email", actual_cost=300, target_lists=[{"target_list": l1}, {"target_list": l2}]
	).name
	phone = make_campaign_activity(
		name, channel="Phone Call", actual_cost=200, target_lists=[{"target_list": l2}]
	).name
	for person in (p1, p2, p3):
		respond(email, person, "Sent")
	for person in (p1, p2):
		respond(email, person, "Opened")
	respond(email, p1, "Clicked")
	respond(email, p1, "Replied", lead=p1)
	respond(phone, p3, "Sent")
	respond(phone, p4, "Sent")
	respond(phone, p4, "Accepted")
	item = make_item()
	for person, amount in ((p1, 1000), (p4, 600), (p3, 400), (None, 100)):
		customer = make_customer(lead_name=person) if person else make_customer()
		make_sales_order(customer, [(item, 1, amount)], transaction_date="2026-03-15", campaign=name)
	return frappe._dict(name=name, email=email, phone=phone, l1=l1, l2=l2)


MEASURES = (
	"reached",
	"opened",
	"clicked",
	"responded",
	"leads",
	"opportunities",
	"orders",
	"attributed_revenue",
	"cost",
	"cost_per_response",
	"cost_per_lead",
	"roi",
)


def figures(group_by, **filters):
	result = run_report("Channel Effectiveness", {"group_by": group_by, **filters})
	return {row["bucket"]: tuple(row[m] for m in MEASURES) for row in result["result"]}


def test_per_channel(campaign):
	assert figures("Channel", campaign=campaign.name) == {
		"Email": (3, 2, 1, 1, 1, 0, 2, 1200.0, 300.0, 300.0, 300.0, 300.0),
		"Phone Call": (2, 0, 0, 1, 0, 0, 2, 800.0, 200.0, 200.0, None, 300.0),
		"Not through an activity": (0, 0, 0, 0, 0, 0, 1, 100.0, 0, None, None, None),
	}


def test_per_activity_and_target_list(campaign):
	by_activity = figures("Campaign Activity", campaign=campaign.name)
	assert by_activity[campaign.email] == (3, 2, 1, 1, 1, 0, 2, 1200.0, 300.0, 300.0, 300.0, 300.0)
	assert by_activity[campaign.phone] == (2, 0, 0, 1, 0, 0, 2, 800.0, 200.0, 200.0, None, 300.0)
	# the Email's 300 goes 2 : 3 to L1 and L2 by their members; L2 also takes the Phone Call's 200
	assert figures("Target List", campaign=campaign.name) == {
		campaign.l1: (2, 2, 1, 1, 1, 0, 1, 1000.0, 120.0, 120.0, 120.0, 733.33),
		campaign.l2: (3, 1, 0, 1, 0, 0, 2, 1000.0, 380.0, 380.0, None, 163.16),
		"Not through an activity": (0, 0, 0, 0, 0, 0, 1, 100.0, 0, None, None, None),
	}


def test_filters_by_type_and_dates(campaign):
	assert figures("Channel", campaign=campaign.name, campaign_type="Email") == {}
	later = figures("Channel", campaign=campaign.name, from_date="2026-03-10")
	# responses and activities are dated before; the orders after still go to the activities that
	# touched their customers
	assert later == {
		"Email": (0, 0, 0, 0, 0, 0, 2, 1200.0, 0, None, None, None),
		"Phone Call": (0, 0, 0, 0, 0, 0, 2, 800.0, 0, None, None, None),
		"Not through an activity": (0, 0, 0, 0, 0, 0, 1, 100.0, 0, None, None, None),
	}
	assert figures("Channel", campaign=campaign.name, to_date="2026-03-10")["Email"][:9] == (
		3,
		2,
		1,
		1,
		1,
		0,
		0,
		0,
		300.0,
	)


def test_unknown_grouping_is_refused():
	with pytest.raises(frappe.ValidationError, match="Group By"):
		run_report("Channel Effectiveness", {"group_by": "Weather"})
