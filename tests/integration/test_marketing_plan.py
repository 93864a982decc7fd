"""Marketing Plan: validation, the report Marketing Plan vs Actual, and the budget check on approval."""

import frappe
import pytest
from frappe.model.workflow import apply_workflow
from frappe.utils import random_string

from tests.integration.helpers import (
	business_date,
	default_company,
	make_campaign,
	make_campaign_activity,
	make_customer,
	make_item,
	make_sales_order,
	make_supplier,
	make_transaction,
)
from tests.integration.test_revenue_reports import run_report

MARCH, APRIL = ("2026-03-01", "2026-03-31"), ("2026-04-01", "2026-04-30")


def fiscal_year(day="2026-03-01") -> str:
	business_date(day)
	return frappe.db.get_value(
		"Fiscal Year", {"year_start_date": ("<=", day), "year_end_date": (">=", day)}, "name"
	)


def cost_center(company: str) -> str:
	root = frappe.db.get_value("Cost Center", {"company": company, "is_group": 1}, "name", order_by="lft")
	return (
		frappe.get_doc(
			{
				"doctype": "Cost Center",
				"cost_center_name": f"CRM Line {random_string(5)}",
				"company": company,
				"parent_cost_center": root,
			}
		)
		.insert()
		.name
	)


def expense_account(company: str) -> str:
	parent = frappe.db.get_value(
		"Account", {"company": company, "root_type": "Expense", "is_group": 1}, "name"
	)
	return (
		frappe.get_doc(
			{
				"doctype": "Account",
				"account_name": f"CRM Marketing {random_string(5)}",
				"company": company,
				"parent_account": parent,
				"root_type": "Expense",
				"account_type": "Expense Account",
			}
		)
		.insert()
		.name
	)


def make_plan(company, periods, accounts=(), action="Warn", **fields):
	return frappe.get_doc(
		{
			"doctype": "Marketing Plan",
			"company": company,
			"fiscal_year": fields.pop("fiscal_year", fiscal_year()),
			"action_if_exceeded": action,
			"expense_accounts": [{"account": a} for a in accounts],
			"periods": [
				{
					"period_start": start,
					"period_end": end,
					"cost_center": line,
					"campaign_type": kind,
					"planned_budget": budget,
				}
				for (start, end), line, kind, budget in periods
			],
			**fields,
		}
	).insert()


def approved_campaign(company, line, **fields):
	campaign = make_campaign(
		company=company, cost_center=line, start_date=fields.pop("start_date", "2026-03-02"), **fields
	)
	frappe.db.set_value("Campaign", campaign.name, "campaign_status", "Approved")
	return campaign.name


def purchase_invoice(company, account, line, amount, day, activity=None):
	"""A submitted Purchase Invoice of a service booked on `account` and `line`, linked to `activity`."""
	item = make_item(is_purchase_item=1)
	header = {
		"supplier": make_supplier(),
		"posting_date": business_date(day),
		"set_posting_time": 1,
		"bill_date": day,
		"due_date": day,
		"update_stock": 0,
	}
	invoice = make_transaction(
		"Purchase Invoice",
		header,
		[(item, 1, amount)],
		True,
		{"company": company},
		expense_account=account,
		cost_center=line,
	)
	if activity:
		doc = frappe.get_doc("Campaign Activity", activity)
		doc.append("purchase_invoices", {"purchase_invoice": invoice.name})
		doc.save()
	return invoice


def journal_entry(company, account, line, amount, day):
	"""Marketing spend booked straight to the ledger, linked to no activity."""
	cash = frappe.get_cached_value("Company", company, "default_cash_account")
	doc = frappe.get_doc(
		{
			"doctype": "Journal Entry",
			"company": company,
			"posting_date": business_date(day),
			"accounts": [
				{"account": account, "debit_in_account_currency": amount, "cost_center": line},
				{"account": cash, "credit_in_account_currency": amount, "cost_center": line},
			],
		}
	).insert()
	doc.submit()
	return doc


@pytest.fixture
def lines():
	company = default_company()
	return company, cost_center(company), cost_center(company), expense_account(company)


def test_plan_against_actual_over_two_months_and_two_lines(lines):
	company, line_a, line_b, account = lines
	plan = make_plan(
		company,
		[
			(MARCH, line_a, None, 1500),
			(APRIL, line_a, None, 2000),
			(MARCH, line_b, None, 1000),
			(APRIL, line_b, None, 1000),
		],
		accounts=[account],
	)
	assert plan.total_planned_budget == 5500
	a, b = approved_campaign(company, line_a), approved_campaign(company, line_b)
	draft = make_campaign(company=company, cost_center=line_a, start_date="2026-03-02").name
	a_march = make_campaign_activity(a, planned_cost=1000, scheduled_date="2026-03-05").name
	a_april = make_campaign_activity(a, planned_cost=2000, scheduled_date="2026-04-05").name
	make_campaign_activity(b, planned_cost=500, scheduled_date="2026-03-06")
	make_campaign_activity(
		draft, planned_cost=9999, scheduled_date="2026-03-07"
	)  # not approved: commits nothing
	make_campaign_activity(a, planned_cost=7777, scheduled_date="2026-03-08", status="Cancelled")
	purchase_invoice(company, account, line_a, 800, "2026-03-10", a_march)
	purchase_invoice(company, account, line_a, 2500, "2026-04-05", a_april)
	purchase_invoice(company, account, line_a, 100, "2026-04-12")  # on the plan's account, no activity
	journal_entry(company, account, line_b, 300, "2026-03-20")
	journal_entry(
		company,
		frappe.get_cached_value("Company", company, "default_expense_account"),
		line_b,
		55,
		"2026-03-21",
	)
	make_sales_order(make_customer(), [(make_item(), 1, 5000)], transaction_date="2026-03-15", campaign=a)

	rows, chart = _run(plan)
	figures = {
		(str(r["period_start"]), r["cost_center"]): (
			r["planned_budget"],
			r["committed"],
			r["invoiced"],
			r["other_spend"],
			r["actual"],
			r["available"],
			r["attributed_revenue"],
			r["roi"],
			r["over_budget"],
		)
		for r in rows
	}
	assert figures == {
		("2026-03-01", line_a): (1500, 1000, 800, 0, 800, 500, 5000, 525.0, 0),
		("2026-04-01", line_a): (2000, 2000, 2500, 100, 2600, -600, 0, -100.0, 1),
		("2026-03-01", line_b): (1000, 500, 0, 300, 300, 500, 0, -100.0, 0),
		("2026-04-01", line_b): (1000, 0, 0, 0, 0, 1000, 0, None, 0),
	}
	assert chart["data"]["datasets"][2]["values"] == [r["actual"] for r in rows]


def _run(plan):
	result = run_report(
		"Marketing Plan vs Actual", {"company": plan.company, "fiscal_year": plan.fiscal_year}
	)
	return result["result"], result["chart"]


def test_spending_on_no_plan_row_shows_as_unplanned(lines):
	company, line_a, line_b, account = lines
	plan = make_plan(company, [(MARCH, line_a, "Exhibition", 1000)], accounts=[account])
	journal_entry(company, account, line_b, 250, "2026-05-07")
	webinar = approved_campaign(company, line_a, campaign_type="Webinar")
	make_campaign_activity(webinar, planned_cost=400, scheduled_date="2026-03-09")
	rows, _chart = _run(plan)
	assert [
		(
			str(r["period_start"]),
			r["cost_center"],
			r["campaign_type"],
			r["committed"],
			r["actual"],
			r["status"],
		)
		for r in rows
	] == [
		("2026-03-01", line_a, "Exhibition", 0, 0, ""),
		("2026-03-01", line_a, "Webinar", 400, 0, "Unplanned"),
		("2026-05-01", line_b, "", 0, 250, "Unplanned"),
	]


@pytest.mark.parametrize(
	"periods, message",
	[
		([(("2025-12-01", "2026-01-31"), "A", None, 100)], "outside the fiscal year"),
		([(MARCH, "A", None, -5)], "cannot be negative"),
		([(("2026-03-10", "2026-03-01"), "A", None, 5)], "before Period Start"),
		([(MARCH, "A", "Webinar", 5), (("2026-03-31", "2026-04-30"), "A", "Webinar", 5)], "overlaps row 1"),
		([(MARCH, "A", None, 5), (("2026-03-15", "2026-04-15"), "A", None, 5)], "overlaps row 1"),
	],
)
def test_bad_rows_are_refused_and_nothing_is_saved(lines, periods, message):
	company, line_a, _line_b, _account = lines
	periods = [
		(dates, line_a if line == "A" else line, kind, budget) for dates, line, kind, budget in periods
	]
	before = frappe.db.count("Marketing Plan")
	with pytest.raises(frappe.ValidationError, match=message):
		make_plan(company, periods)
	assert frappe.db.count("Marketing Plan") == before


def test_rows_of_other_types_or_lines_may_overlap_and_one_plan_per_year(lines):
	company, line_a, line_b, account = lines
	make_plan(
		company,
		[(MARCH, line_a, None, 5), (MARCH, line_a, "Webinar", 5), (MARCH, line_b, None, 5)],
		accounts=[account],
	)
	with pytest.raises(frappe.ValidationError, match="already plans"):
		make_plan(company, [(APRIL, line_a, None, 5)])
	plan = frappe.get_doc("Marketing Plan", {"company": company})
	group = frappe.db.get_value("Cost Center", {"company": company, "is_group": 1})
	plan.append(
		"periods",
		{"period_start": "2026-06-01", "period_end": "2026-06-30", "cost_center": group, "planned_budget": 1},
	)
	with pytest.raises(frappe.ValidationError, match="non-group"):
		plan.save()


def submit_and_approve(campaign: str):
	campaign = apply_workflow(frappe.get_doc("Campaign", campaign), "Submit for Approval")
	return apply_workflow(frappe.get_doc("Campaign", campaign.name), "Approve")


@pytest.mark.parametrize("action", ["Stop", "Warn"])
def test_approval_beyond_what_is_left_warns_or_stops(lines, action):
	company, line_a, _line_b, _account = lines
	make_plan(company, [(MARCH, line_a, None, 1500)], action=action)
	approved = approved_campaign(company, line_a)
	make_campaign_activity(approved, planned_cost=1000, scheduled_date="2026-03-05")

	fits = make_campaign(company=company, cost_center=line_a, start_date="2026-03-10", budget=500).name
	frappe.clear_messages()
	assert submit_and_approve(fits).workflow_state == "Approved"
	assert not frappe.message_log

	# 500 of 1500 is left now that `fits` commits nothing yet (it has no activities): 600 is too much
	too_much = make_campaign(company=company, cost_center=line_a, start_date="2026-03-12", budget=600).name
	frappe.clear_messages()
	if action == "Stop":
		with pytest.raises(frappe.ValidationError, match="exceeds what is left"):
			submit_and_approve(too_much)
		assert frappe.db.get_value("Campaign", too_much, "workflow_state") == "Pending Approval"
	else:
		assert submit_and_approve(too_much).workflow_state == "Approved"
		assert "exceeds what is left" in frappe.message_log[-1]["message"]
