"""Planned against actual on the Campaign: planned ROI, goals, gross profit and campaign trees."""

import random
from datetime import datetime

import frappe
import pytest

from crm_marketing_app.campaigns.rollups import recompute_campaign_rollups
from tests.integration.helpers import (
	make_campaign,
	make_campaign_activity,
	make_customer,
	make_item,
	make_sales_invoice,
	make_sales_order,
)
from tests.integration.test_margin import sell, stock  # noqa: F401 (the stock fixture)
from tests.integration.test_revenue_attribution import ORDER_DATE, attribution_settings, order, respond
from tests.integration.test_revenue_reports import run_report

FIGURES = (
	"planned_cost",
	"actual_cost",
	"attributed_revenue",
	"orders_count",
	"leads_generated",
	"roi",
	"gross_profit",
	"planned_roi",
	"roi_deviation",
	"revenue_achieved_percent",
	"gross_profit_roi",
)


def figures(campaign: str) -> dict:
	return frappe.db.get_value("Campaign", campaign, FIGURES, as_dict=True)


def goals(campaign: str) -> list[tuple]:
	return [
		(g.metric, g.actual, g.achieved_percent)
		for g in frappe.get_all(
			"Campaign Goal",
			filters={"parent": campaign, "parenttype": "Campaign"},
			fields=["metric", "actual", "achieved_percent"],
			order_by="idx",
		)
	]


def test_planned_against_actual_roi_on_known_costs_and_orders():
	campaign = make_campaign(expected_revenue=15000).name
	make_campaign_activity(campaign, planned_cost=4000, actual_cost=3000)
	make_campaign_activity(campaign, planned_cost=1000, actual_cost=1000)
	order(make_customer(), make_item(), 10000, campaign=campaign)
	got = figures(campaign)
	assert (got.planned_cost, got.actual_cost, got.attributed_revenue) == (5000, 4000, 10000)
	# planned (15 000 - 5 000) / 5 000 = 200 %, actual (10 000 - 4 000) / 4 000 = 150 %
	assert (got.planned_roi, got.roi, got.roi_deviation, got.revenue_achieved_percent) == (
		200,
		150,
		-50,
		66.67,
	)
	# a service item has no valuation: its whole amount is gross profit
	assert (got.gross_profit, got.gross_profit_roi) == (10000, 150)

	row = next(
		r
		for r in run_report("Campaign ROI", {"campaign_type": "Exhibition"})["result"]
		if r["campaign"] == campaign
	)
	assert (row["planned_roi"], row["roi"], row["roi_deviation"], row["revenue_achieved_percent"]) == (
		200.0,
		150.0,
		-50.0,
		66.67,
	)


def test_no_planned_cost_leaves_planned_roi_empty():
	campaign = make_campaign(expected_revenue=5000).name
	order(make_customer(), make_item(), 1000, campaign=campaign)
	got = figures(campaign)
	assert (got.planned_roi, got.roi_deviation, got.revenue_achieved_percent) == (0, 0, 20)
	row = next(
		r
		for r in run_report("Campaign ROI", {"campaign_type": "Exhibition"})["result"]
		if r["campaign"] == campaign
	)
	assert (row["planned_roi"], row["roi_deviation"], row["gross_profit_roi"]) == (None, None, None)
	meta = frappe.get_meta("Campaign")
	assert meta.get_field("planned_roi").depends_on == "eval:doc.planned_cost > 0"  # the form hides the 0


def test_gross_profit_on_stock_items_with_known_valuation(stock):  # noqa: F811
	campaign = make_campaign(company=stock.company).name
	make_campaign_activity(campaign, actual_cost=100)
	customer = make_customer()
	sell("Sales Order", stock, customer, [(stock.item, 2, 100)], campaign=campaign)  # 200 - 2 x 60
	invoice = sell(
		"Sales Invoice", stock, customer, [(stock.item, 3, 100), (stock.service, 1, 50)], campaign=campaign
	)  # 300 - 3 x 60 + 50
	got = figures(campaign)
	assert (got.attributed_revenue, got.gross_profit, got.roi, got.gross_profit_roi) == (550, 250, 450, 150)
	invoice.cancel()
	got = figures(campaign)
	assert (got.attributed_revenue, got.gross_profit, got.gross_profit_roi) == (200, 80, -20)


GOALS = [
	("Orders", None, 2),
	("Revenue", None, 1000),
	("Leads", None, 4),
	("Registrations", None, 2),
	("Attendees", None, 2),
	("Responses", "Accepted", 1),
	("Opportunities", None, 2),
	("New Customers", None, 2),
	("Gross Profit", None, 2000),
]


def with_goals(**fields):
	return make_campaign(
		start_date="2025-01-01",
		goals=[{"metric": m, "response_type": r, "target": t} for m, r, t in GOALS],
		**fields,
	).name


def test_goals_achieved_after_submits_and_cancels():
	campaign = with_goals()
	first, second = make_customer(), make_customer()
	item = make_item()
	leads = [
		frappe.get_doc({"doctype": "Lead", "first_name": f"Goal {i}", "campaign_name": campaign})
		.insert()
		.name
		for i in range(2)
	]
	respond(campaign, "Lead", leads[0], datetime(2025, 6, 1), "Registered")
	respond(campaign, "Lead", leads[0], datetime(2025, 6, 2), "Registered")  # the same person again
	respond(campaign, "Lead", leads[1], datetime(2025, 6, 2), "Registered")
	respond(campaign, "Lead", leads[1], datetime(2025, 6, 3), "Attended")
	respond(campaign, "Lead", leads[1], datetime(2025, 6, 3), "Accepted")
	frappe.get_doc(
		{"doctype": "Opportunity", "opportunity_from": "Lead", "party_name": leads[0], "campaign": campaign}
	).insert()
	order(first, item, 600, campaign=campaign)
	second_order = order(second, item, 400, campaign=campaign)
	assert goals(campaign) == [
		("Orders", 2, 100),
		("Revenue", 1000, 100),
		("Leads", 2, 50),
		("Registrations", 2, 100),
		("Attendees", 1, 50),
		("Responses", 1, 100),
		("Opportunities", 1, 50),
		("New Customers", 2, 100),
		("Gross Profit", 1000, 50),
	]
	second_order.cancel()
	assert goals(campaign)[:2] == [("Orders", 1, 50), ("Revenue", 600, 60)]
	assert goals(campaign)[7] == ("New Customers", 1, 50)


def test_new_customers_goal_counts_first_orders_inside_the_campaign_as_campaign_roi_does():
	"""A customer created today who has bought since 2020 is no new customer of a 2025 campaign."""
	campaign = with_goals()
	old_buyer, newcomer, item = make_customer(), make_customer(), make_item()
	make_sales_order(old_buyer, [(item, 1, 100)], transaction_date="2020-03-02")
	order(old_buyer, item, 300, campaign=campaign)
	order(newcomer, item, 200, campaign=campaign)
	assert goals(campaign)[7] == ("New Customers", 1, 50)
	[row] = [r for r in run_report("Campaign ROI", {})["result"] if r["campaign"] == campaign]
	assert row["new_customers"] == 1


@pytest.mark.parametrize(
	"goal, message",
	[
		({"metric": "Happiness", "target": 1}, "unknown metric"),
		({"metric": "Responses", "target": 1}, "choose the response type"),
		({"metric": "Leads", "response_type": "Sent", "target": 1}, "only a Responses goal"),
		({"metric": "Leads", "target": -3}, "above 0"),
	],
)
def test_bad_goals_are_refused_and_nothing_is_saved(goal, message):
	before = frappe.db.count("Campaign")
	with pytest.raises(frappe.ValidationError, match=message):
		make_campaign(goals=[goal])
	assert frappe.db.count("Campaign") == before


def tree():
	"""top → (left, right → leaf): a tree of four campaigns, with costs on each."""
	top = make_campaign(expected_revenue=8000).name
	left = make_campaign(parent_campaign=top).name
	right = make_campaign(parent_campaign=top).name
	leaf = make_campaign(parent_campaign=right).name
	for campaign, cost in ((top, 100), (left, 200), (right, 300), (leaf, 400)):
		make_campaign_activity(campaign, planned_cost=cost * 2, actual_cost=cost)
	return top, left, right, leaf


def test_a_parent_sums_its_whole_tree_without_counting_twice():
	top, left, right, leaf = tree()
	item, customer = make_item(), make_customer()
	with attribution_settings("Linear"):
		# touched by `left` and `leaf`: one document split 50/50 inside the tree
		respond(left, "Customer", customer, datetime(2025, 6, 20, 9))
		respond(leaf, "Customer", customer, datetime(2025, 6, 25, 9))
		order(customer, item, 1000)
	order(make_customer(), item, 500, campaign=leaf)
	lead = frappe.get_doc({"doctype": "Lead", "first_name": "Tree", "campaign_name": left}).insert().name
	respond(leaf, "Lead", lead, datetime(2025, 6, 1), "Replied")
	frappe.db.set_value("Campaign Response", {"respondent": lead}, "lead", lead)
	recompute_campaign_rollups([leaf])

	got = {name: figures(name) for name in (top, left, right, leaf)}
	assert [
		(g.actual_cost, g.attributed_revenue, g.orders_count, g.leads_generated) for g in got.values()
	] == [
		(1000, 1500, 2, 1),  # the split order counts once, the lead named by one and made by another once
		(200, 500, 1, 1),
		(700, 1000, 2, 1),
		(400, 1000, 2, 1),
	]
	assert (got[top].planned_cost, got[top].roi, got[top].planned_roi) == (2000, 50, 300)

	rows = run_report("Campaign ROI", {"show_tree": 1, "campaign_type": "Exhibition"})["result"]
	ours = [r for r in rows if r["campaign"] in got]
	assert {r["campaign"]: (r["indent"], r["attributed_revenue"], r["orders"]) for r in ours} == {
		top: (0, 1500, 2),
		left: (1, 500, 1),
		right: (1, 1000, 2),
		leaf: (2, 1000, 2),
	}
	shown = [r["campaign"] for r in ours]
	assert shown[0] == top and shown.index(right) + 1 == shown.index(leaf)


def test_tree_rollups_equal_a_fresh_recompute_after_random_submits_and_cancels():
	rng = random.Random(18)
	campaigns = list(tree())
	top = campaigns[0]
	doc = frappe.get_doc("Campaign", top)
	doc.append("goals", {"metric": "Orders", "target": 10})
	doc.append("goals", {"metric": "Revenue", "target": 10000})
	doc.save()
	customers, item = [make_customer() for _ in range(3)], make_item()
	for campaign, customer in zip(campaigns[1:], customers, strict=True):
		respond(campaign, "Customer", customer, datetime(2025, 6, 20, 9))
	respond(campaigns[3], "Customer", customers[0], datetime(2025, 6, 22, 9))
	submitted = []
	with attribution_settings("Position Based"):
		for step in range(16):
			if submitted and rng.random() < 0.3:
				submitted.pop(rng.randrange(len(submitted))).cancel()
				continue
			fields = {"campaign": rng.choice(campaigns)} if rng.random() < 0.5 else {}
			customer = rng.choice(customers)
			amount = rng.randint(1, 90) * 10 + rng.choice([0, 0.33])
			submitted.append(
				order(customer, item, amount, **fields)
				if step % 2
				else make_sales_invoice(customer, [(item, 1, amount)], posting_date=ORDER_DATE, **fields)
			)
	stored = {name: figures(name) for name in campaigns}
	stored_goals = goals(top)
	frappe.db.set_value("Campaign", top, {"attributed_revenue": 0, "orders_count": 0}, update_modified=False)
	frappe.db.set_value("Campaign Goal", {"parent": top}, "actual", 0, update_modified=False)
	recompute_campaign_rollups(campaigns)
	assert {name: figures(name) for name in campaigns} == stored
	assert goals(top) == stored_goals
	live = sum(doc.base_net_total for doc in submitted)
	assert stored[top].attributed_revenue == pytest.approx(live, abs=0.001)
	assert stored[top].orders_count == len(submitted)
	assert goals(top)[0][1] == len(submitted)


def test_moving_a_campaign_to_another_parent_moves_its_figures():
	top, left, right, leaf = tree()
	doc = frappe.get_doc("Campaign", leaf)
	doc.parent_campaign = left
	doc.save()
	assert (figures(right).actual_cost, figures(left).actual_cost, figures(top).actual_cost) == (
		300,
		600,
		1000,
	)
