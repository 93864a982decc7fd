"""Marketing Plan against actual, and the budget check when a campaign is approved.

Per row of a plan (period, business line, campaign type):
- committed: planned cost of the activities (not cancelled) of approved campaigns, by the
  activity's date (the campaign's start when it has none);
- invoiced: submitted Purchase Invoices linked to activities, by posting date;
- other spend: GL entries on the plan's expense accounts, on the row's cost center, whose voucher
  is not a Purchase Invoice linked to an activity;
- attributed revenue of the campaigns of the line and type, by posting date.
A campaign's line is its Cost Center, else its company's default one. Each figure is summed
set-based per day, line and type, then given to its row (engine.plan.row_for); what falls on no
row becomes an unplanned row of its month, so nothing is lost.
"""

from collections import defaultdict
from datetime import date

import frappe
from frappe import _
from frappe.query_builder import Criterion
from frappe.query_builder.functions import Coalesce, IfNull, NullIf, Sum
from frappe.utils import flt, fmt_money, get_first_day, get_last_day, getdate
from pypika.terms import ValueWrapper

from crm_marketing_app.crm_marketing_app.doctype.marketing_plan.marketing_plan import plan_rows
from crm_marketing_app.engine import plan as engine
from crm_marketing_app.engine.attribution import roi

# Campaign statuses whose activities commit budget.
APPROVED = ("Approved", "Running", "Completed")
APPROVED_STATE = "Approved"
INVOICE_LINK = "Campaign Activity Purchase Invoice"
MEASURES = ("committed", "invoiced", "other_spend", "attributed_revenue")


def campaign_line(campaign, company: str):
	"""The campaign's business line as a query term: its cost center, else the company's default."""
	default = frappe.get_cached_value("Company", company, "cost_center")
	return Coalesce(NullIf(campaign.cost_center, ""), ValueWrapper(default))


def grouped_figures(plan, exclude_campaign: str | None = None) -> dict[str, list]:
	"""{measure: [(day, line, campaign type, amount)]} over the plan's fiscal year, one grouped query each."""
	start, end = frappe.db.get_value("Fiscal Year", plan.fiscal_year, ("year_start_date", "year_end_date"))
	c = frappe.qb.DocType("Campaign")
	activity = frappe.qb.DocType("Campaign Activity")
	link, invoice = frappe.qb.DocType(INVOICE_LINK), frappe.qb.DocType("Purchase Invoice")
	gle, ca = frappe.qb.DocType("GL Entry"), frappe.qb.DocType("Campaign Attribution")
	line = campaign_line(c, plan.company)
	of_company = c.company == plan.company

	def by_day(query, day, amount, kind=c.campaign_type, cost_center=line):
		return (
			query.select(day.as_("day"), cost_center.as_("line"), kind.as_("kind"), Sum(amount))
			.where(day.between(start, end))
			.groupby(day, cost_center, kind)
			.run()
		)

	activity_day = IfNull(activity.scheduled_date, c.start_date)
	committed = (
		frappe.qb.from_(activity)
		.join(c)
		.on(c.name == activity.campaign)
		.where(of_company & c.campaign_status.isin(APPROVED) & (activity.status != "Cancelled"))
	)
	if exclude_campaign:
		committed = committed.where(c.name != exclude_campaign)
	linked = (
		frappe.qb.from_(link)
		.select(link.purchase_invoice)
		.where((link.parenttype == "Campaign Activity") & link.purchase_invoice.isnotnull())
	)
	accounts = [row.account for row in plan.expense_accounts]
	figures = {
		"committed": by_day(committed, activity_day, activity.planned_cost),
		"invoiced": by_day(
			frappe.qb.from_(link)
			.join(invoice)
			.on(invoice.name == link.purchase_invoice)
			.join(activity)
			.on(activity.name == link.parent)
			.join(c)
			.on(c.name == activity.campaign)
			.where(of_company & (link.parenttype == "Campaign Activity") & (invoice.docstatus == 1)),
			invoice.posting_date,
			invoice.base_net_total,
		),
		"other_spend": by_day(
			frappe.qb.from_(gle).where(
				Criterion.all(
					[
						gle.company == plan.company,
						gle.is_cancelled == 0,
						gle.account.isin(accounts),
						(gle.voucher_type != "Purchase Invoice") | gle.voucher_no.notin(linked),
					]
				)
			),
			gle.posting_date,
			gle.debit - gle.credit,
			kind=ValueWrapper(None),
			cost_center=gle.cost_center,
		)
		if accounts
		else [],
		"attributed_revenue": by_day(
			frappe.qb.from_(ca).join(c).on(c.name == ca.campaign).where(of_company),
			ca.posting_date,
			ca.amount,
		),
	}
	return figures


def plan_against_actual(plan, exclude_campaign: str | None = None) -> list[dict]:
	"""One dict per plan row (in period order), plus unplanned rows for what fell on none."""
	rows = plan_rows(plan)
	out = {
		row.idx: {
			"period_start": row.period_start,
			"period_end": row.period_end,
			"cost_center": row.cost_center,
			"campaign_type": row.campaign_type,
			"planned_budget": row.planned_budget,
			"planned": 1,
			**dict.fromkeys(MEASURES, 0.0),
		}
		for row in rows
	}
	unplanned = defaultdict(lambda: dict.fromkeys(MEASURES, 0.0))
	for measure, groups in grouped_figures(plan, exclude_campaign).items():
		for day, line, kind, amount in groups:
			day = getdate(day)
			row = engine.row_for(rows, day, line, kind)
			target = out[row.idx] if row else unplanned[(get_first_day(day), line, kind or None)]
			target[measure] += flt(amount)
	result = sorted(
		out.values(), key=lambda r: (r["period_start"], r["cost_center"], r["campaign_type"] or "")
	)
	for (month, line, kind), figures in sorted(
		unplanned.items(), key=lambda i: (i[0][0], i[0][1], i[0][2] or "")
	):
		result.append(
			{
				"period_start": month,
				"period_end": get_last_day(month),
				"cost_center": line,
				"campaign_type": kind,
				"planned_budget": 0.0,
				"planned": 0,
				**figures,
			}
		)
	for row in result:
		row["actual"] = round(row["invoiced"] + row["other_spend"], 2)
		row["available"] = engine.left_of(row["planned_budget"], row["committed"], row["actual"])
		row["over_budget"] = int(
			engine.is_over_budget(row["planned_budget"], row["committed"], row["actual"])
		)
		row["budget_used"] = engine.ratio_percent(
			engine.used(row["committed"], row["actual"]), row["planned_budget"]
		)
		row["roi"] = roi(row["attributed_revenue"], row["actual"]) if row["actual"] else None
	return result


def plan_of(company: str, day: date):
	"""The Marketing Plan of the company whose fiscal year holds `day`, or None."""
	mp, fy = frappe.qb.DocType("Marketing Plan"), frappe.qb.DocType("Fiscal Year")
	name = (
		frappe.qb.from_(mp)
		.join(fy)
		.on(fy.name == mp.fiscal_year)
		.select(mp.name)
		.where((mp.company == company) & (fy.year_start_date <= day) & (fy.year_end_date >= day))
		.limit(1)
		.run(pluck=True)
	)
	return frappe.get_doc("Marketing Plan", name[0]) if name else None


def check_campaign_approval(doc) -> None:
	"""Campaign `validate`: the workflow's move to Approved warns, or stops, when the campaign's budget
	(its planned cost when it has none) exceeds what is left of its period's plan row."""
	before = doc.get_doc_before_save()
	if doc.get("workflow_state") != APPROVED_STATE or (
		before and before.get("workflow_state") == APPROVED_STATE
	):
		return
	if not (doc.company and doc.start_date):
		return
	day = getdate(doc.start_date)
	plan = plan_of(doc.company, day)
	if not plan:
		return
	line = doc.cost_center or frappe.get_cached_value("Company", doc.company, "cost_center")
	row = engine.row_for(plan_rows(plan), day, line, doc.campaign_type)
	if not row:
		return
	figures = next(
		r
		for r in plan_against_actual(plan, exclude_campaign=doc.name)
		if r["planned"]
		and (r["period_start"], r["cost_center"], r["campaign_type"])
		== (row.period_start, row.cost_center, row.campaign_type)
	)
	amount = flt(doc.budget) or flt(doc.planned_cost)
	if amount <= figures["available"]:
		return
	currency = frappe.get_cached_value("Company", doc.company, "default_currency")
	message = _(
		"The budget {0} of Campaign {1} exceeds what is left ({2}) of Marketing Plan {3} for {4}, {5}, {6} to {7}"
	).format(
		fmt_money(amount, currency=currency),
		frappe.bold(doc.name),
		fmt_money(figures["available"], currency=currency),
		frappe.bold(plan.name),
		row.cost_center,
		_(row.campaign_type) if row.campaign_type else _("every campaign type"),
		frappe.format(row.period_start, "Date"),
		frappe.format(row.period_end, "Date"),
	)
	if plan.action_if_exceeded == "Stop":
		frappe.throw(message, title=_("Marketing budget exceeded"))
	frappe.msgprint(message, title=_("Marketing budget exceeded"), indicator="orange")
