"""The demo data set: loads with the story's figures, loads again without duplicates, clears completely.

The loader commits, so every test clears in `finally`.
"""

import frappe
import pytest
from frappe.desk.query_report import run
from frappe.utils import get_first_day, today

from crm_marketing_app import demo
from crm_marketing_app.crm_marketing_app.dashboard_chart_source.marketing_spend_vs_revenue import (
	marketing_spend_vs_revenue as spend_chart,
)


def demo_counts() -> dict[str, int]:
	campaigns = [demo.CAMPAIGN, demo.PAST_CAMPAIGN]
	lead_emails = [demo.lead_email(lead) for lead in demo.LEADS]
	return {
		"campaigns": frappe.db.count("Campaign", {"name": ("in", campaigns)}),
		"customers": frappe.db.count("Customer", {"name": ("in", list(demo.CUSTOMERS))}),
		"leads": frappe.db.count("Lead", {"email_id": ("in", lead_emails)}),
		"visitor_leads": frappe.db.count(
			"Lead",
			{"email_id": ("in", [demo.lead_email(v) for v in demo.VISITORS]), "campaign_name": demo.CAMPAIGN},
		),
		"orders": frappe.db.count("Sales Order", {"po_no": ("like", demo.ORDER_KEY + "%")}),
		"attributions": frappe.db.count("Campaign Attribution", {"campaign": ("in", campaigns)}),
		"responses": frappe.db.count("Campaign Response", {"campaign": ("in", campaigns)}),
		"activities": frappe.db.count("Campaign Activity", {"campaign": ("in", campaigns)}),
		"members": frappe.db.count("Target List Member", {"target_list": ("in", list(demo.LISTS))}),
		"todos": frappe.db.count("ToDo", {"allocated_to": ("in", list(demo.USERS))}),
		"opportunities": frappe.db.count("Opportunity", {"campaign": ("in", campaigns)}),
		"evaluations": frappe.db.count(
			"Marketing Supplier Evaluation", {"parent": ("in", list(demo.SUPPLIERS))}
		),
		"trigger_logs": frappe.db.count("Marketing Trigger Log", {"marketing_trigger": demo.TRIGGER}),
		"rules": frappe.db.count(
			"Lead Score Rule", {"name": ("in", [r["rule_name"] for r in demo.seed_rules("")])}
		),
	}


@pytest.fixture
def loaded():
	if frappe.db.exists("Campaign", demo.CAMPAIGN):
		pytest.fail(f"{demo.CAMPAIGN} exists already: the site has the demo loaded; run demo.clear first")
	try:
		yield demo.load()
	finally:
		demo.clear()


def test_demo_tells_the_exhibition_story(loaded):
	campaign = loaded["campaign"]
	assert campaign.campaign_status == "Running"
	assert campaign.budget == 45000
	assert campaign.actual_cost == 23600  # the five activities' actual costs
	assert campaign.attributed_revenue == 117700  # 8 x 4800 + 3 x 9500 + 6 x 4800 + 22000
	assert campaign.orders_count == 4
	# The three visitors registered at the stand through the web form are the campaign's new leads.
	assert campaign.leads_generated == 3
	assert loaded["lists"] == {demo.KEY_STAFF: 5, demo.OUTDATED: 4, demo.PROSPECTS: 6}
	assert loaded["responses"] == {"Sent": 21, "Registered": 10, "Attended": 7}
	assert loaded["hot_leads"] == 2
	assert frappe.db.get_value("Campaign", demo.PAST_CAMPAIGN, "campaign_status") == "Completed"

	# The phone-call activity was distributed: one ToDo per prospect, for the prospects' owner.
	calls = frappe.db.get_value("Campaign Activity", {"campaign": demo.CAMPAIGN, "channel": "Phone Call"})
	assert frappe.db.get_value("Campaign Activity", calls, "distributed_count") == 6
	# The renewal trigger fired once, for the order placed three years ago.
	assert frappe.get_all(
		"Marketing Trigger Log", filters={"marketing_trigger": demo.TRIGGER}, pluck="status"
	) == ["Done"]
	# The suppliers were evaluated on every criterion.
	assert frappe.db.get_value("Marketing Supplier", "ExpoStand Builders", "weighted_score") > 0

	roi = {
		r["campaign"]: r
		for r in run("Campaign ROI", filters={})["result"]
		if isinstance(r, dict) and r.get("campaign")
	}
	assert roi[demo.CAMPAIGN]["attributed_revenue"] == 117700
	assert roi[demo.CAMPAIGN]["leads"] == 3
	assert roi[demo.CAMPAIGN]["cost_per_lead"] == pytest.approx(23600 / 3, abs=0.01)
	assert roi[demo.CAMPAIGN]["past_campaigns"] >= 1
	funnel = {
		r["stage"]: r["actual"] for r in run("Campaign Funnel", filters={"campaign": demo.CAMPAIGN})["result"]
	}
	assert funnel == {"Invitation": 13, "Registration": 10, "Attendance": 7, "Opportunity": 4, "Order": 4}

	# The workspace chart: this month's bar is the revenue attributed this month (the demo's orders are recent).
	chart = spend_chart.get(chart_name="Marketing Spend vs Revenue", no_cache=True)
	this_month = frappe.db.sql(
		"select sum(amount) from `tabCampaign Attribution` where posting_date >= %s", get_first_day(today())
	)[0][0]
	assert len(chart["labels"]) == 12
	assert chart["datasets"][1]["values"][-1] == float(this_month) > 0


def test_demo_loads_twice_without_duplicates_and_clears_completely(loaded):
	first = demo_counts()
	assert all(first.values()), first
	demo.load()
	assert demo_counts() == first
	demo.clear()
	assert not any(demo_counts().values()), demo_counts()
	assert not frappe.db.exists("Custom Field", "Customer-upsell_potential")
	assert not frappe.db.exists("User", demo.MANAGER)
