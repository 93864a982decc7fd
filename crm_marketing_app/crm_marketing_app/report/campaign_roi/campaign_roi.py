"""Campaign ROI: what each campaign cost and brought, beside the average of past completed campaigns of its type.

Costs, leads and opportunities are campaign totals (Campaign rollups and its
Opportunities); attributed revenue, orders and new customers count the Campaign
Attribution rows dated in the period and, if given, of one attribution model.
A new customer is an attributed customer whose first order in the sales history
falls inside the campaign (start to end, an open end running on): a long-standing
buyer created late, by an import say, is not new.
Planned ROI, its deviation and the share of expected revenue reached sit beside the ROI;
gross profit is the campaign total. With "Show Tree", a campaign with sub-campaigns
shows the figures of its whole tree (distinct documents and customers).
"""

from collections import defaultdict

import frappe
from frappe import _
from frappe.query_builder import Case
from frappe.query_builder.functions import Concat, Count, Sum

from crm_marketing_app.campaigns.rollups import CampaignTree
from crm_marketing_app.engine import plan
from crm_marketing_app.engine.attribution import budget_used, per_unit, roi
from crm_marketing_app.funnels import COMPLETED, stage_counts
from crm_marketing_app.offers.loyalty import loyalty_costs
from crm_marketing_app.sales_history import first_order_dates, first_order_inside
from crm_marketing_app.utils import report_column


def execute(filters=None):
	filters = frappe._dict(filters or {})
	campaigns = get_campaigns(filters)
	revenue = attributed(filters)
	opportunities = stage_counts([c.name for c in campaigns], ["Opportunity"])
	past = past_averages()
	loyalty = loyalty_costs([c.name for c in campaigns])
	tree = CampaignTree.load() if filters.show_tree else None
	rows = []
	for c in campaigns:
		got = (
			attributed(filters, tree.subtree(c.name))
			if tree and c.name in tree.children
			else revenue.get(c.name, {})
		)
		if not (overlaps(c, filters) or got):
			continue
		leads, new_customers = c.leads_generated, got.get("new_customers", 0)
		amount = got.get("revenue", 0)
		cost = c.actual_cost + loyalty.get(c.name, 0)  # bonus points given are a cost like the activities'
		rows.append(
			{
				"campaign": c.name,
				"campaign_type": _(c.campaign_type) if c.campaign_type else None,
				"campaign_status": _(c.campaign_status) if c.campaign_status else None,
				"currency": currency_of(c.company),
				"budget": c.budget,
				"planned_cost": c.planned_cost,
				"actual_cost": c.actual_cost,
				"loyalty_cost": loyalty.get(c.name, 0),
				"budget_used": budget_used(c.actual_cost, c.budget),
				"leads": leads,
				"opportunities": opportunities[c.name]["Opportunity"],
				"orders": got.get("orders", 0),
				"new_customers": new_customers,
				"attributed_revenue": amount,
				"roi": roi(amount, cost),
				**planned_against_actual(c, amount),
				"cost_per_lead": per_unit(cost, leads),
				"cost_per_new_customer": per_unit(cost, new_customers),
				**past_average(past.get(c.campaign_type, []), c.name),
			}
		)
	if tree:
		rows = as_tree(rows, tree)
	return columns(), rows, None, chart(rows)


def planned_against_actual(c, revenue) -> dict:
	"""Planned ROI (empty without a planned cost), the deviation of the ROI from it, the share of the
	expected revenue reached, and the campaign's gross profit and its ROI."""
	planned = plan.planned_roi(c.expected_revenue, c.planned_cost)
	return {
		"planned_roi": planned,
		"roi_deviation": plan.roi_deviation(roi(revenue, c.actual_cost), planned) if c.actual_cost else None,
		"revenue_achieved_percent": plan.ratio_percent(revenue, c.expected_revenue),
		"gross_profit": c.gross_profit,
		"gross_profit_roi": roi(c.gross_profit, c.actual_cost) if c.actual_cost else None,
	}


def as_tree(rows: list[dict], tree: CampaignTree) -> list[dict]:
	"""Rows depth first under their parents (those shown), with `indent` for the report's tree."""
	by_name = {row["campaign"]: row for row in rows}
	out = []

	def place(row, indent):
		row["indent"] = indent
		row["parent_campaign"] = tree.parent_of.get(row["campaign"]) if indent else None
		out.append(row)
		for child in tree.children.get(row["campaign"], []):
			if child in by_name:
				place(by_name[child], indent + 1)

	for row in rows:
		if tree.parent_of.get(row["campaign"]) not in by_name:
			place(row, 0)
	return out


def get_campaigns(filters):
	c = frappe.qb.DocType("Campaign")
	query = frappe.qb.from_(c).select(
		c.name,
		c.campaign_type,
		c.campaign_status,
		c.start_date,
		c.end_date,
		c.budget,
		c.planned_cost,
		c.actual_cost,
		c.leads_generated,
		c.expected_revenue,
		c.gross_profit,
		c.company,
	)
	return of_filters(query, c, filters).orderby(c.name).run(as_dict=True)


def currency_of(company: str | None) -> str:
	"""The campaign's company currency: attributions and costs are in it."""
	if company:
		return frappe.get_cached_value("Company", company, "default_currency")
	return frappe.db.get_default("currency")


def of_filters(query, campaign, filters):
	if filters.company:
		query = query.where(campaign.company == filters.company)
	if filters.campaign_type:
		query = query.where(campaign.campaign_type == filters.campaign_type)
	return query


def overlaps(campaign, filters) -> bool:
	"""The campaign ran in the period (open ends count as running)."""
	starts_in_time = not (
		filters.to_date and campaign.start_date and str(campaign.start_date) > str(filters.to_date)
	)
	ends_in_time = not (
		filters.from_date and campaign.end_date and str(campaign.end_date) < str(filters.from_date)
	)
	return starts_in_time and ends_in_time


def attributed(filters, tree: list[str] | None = None) -> dict:
	"""{campaign: revenue, orders, new_customers} from Campaign Attribution, one grouped query; for a
	`tree` (a campaign and those under it), the figures of the whole tree, each document once."""
	ca, c = frappe.qb.DocType("Campaign Attribution"), frappe.qb.DocType("Campaign")
	first = first_order_dates()
	new_customer = Case().when(first_order_inside(first, c), ca.customer)
	query = (
		frappe.qb.from_(ca)
		.join(c)
		.on(c.name == ca.campaign)
		.left_join(first)
		.on(first.customer == ca.customer)
		.select(
			Sum(ca.amount).as_("revenue"),
			Count(Concat(ca.reference_doctype, ":", ca.reference_name)).distinct().as_("orders"),
			Count(new_customer).distinct().as_("new_customers"),
		)
	)
	query = of_filters(query, c, filters)
	if filters.company:
		query = query.where(ca.company == filters.company)
	if filters.from_date:
		query = query.where(ca.posting_date >= filters.from_date)
	if filters.to_date:
		query = query.where(ca.posting_date <= filters.to_date)
	if filters.model:
		query = query.where(ca.model == filters.model)
	if tree:
		totals = query.where(ca.campaign.isin(tree)).run(as_dict=True)[0]
		return {key: value or 0 for key, value in totals.items()}
	return {row.campaign: row for row in query.select(ca.campaign).groupby(ca.campaign).run(as_dict=True)}


def past_averages() -> dict:
	"""{campaign type: stored rollups of its completed campaigns}."""
	c = frappe.qb.DocType("Campaign")
	rows = (
		frappe.qb.from_(c)
		.select(c.name, c.campaign_type, c.roi, c.attributed_revenue, c.actual_cost, c.leads_generated)
		.where(c.campaign_status == COMPLETED)
		.run(as_dict=True)
	)
	by_type = defaultdict(list)
	for row in rows:
		by_type[row.campaign_type].append(row)
	return by_type


def past_average(completed: list, campaign: str) -> dict:
	"""Averages over the completed campaigns of the type, the campaign itself left out."""
	past = [p for p in completed if p.name != campaign]
	if not past:
		return {"past_campaigns": 0}
	costs_per_lead = [per_unit(p.actual_cost, p.leads_generated) for p in past if p.leads_generated]
	rois = [p.roi for p in past if p.actual_cost]  # without a cost there is no ROI to average
	return {
		"past_campaigns": len(past),
		"past_roi": round(sum(rois) / len(rois), 2) if rois else None,
		"past_revenue": round(sum(p.attributed_revenue for p in past) / len(past), 2),
		"past_cost_per_lead": round(sum(costs_per_lead) / len(costs_per_lead), 2) if costs_per_lead else None,
	}


def columns():
	money = {"options": "currency"}  # each row in its campaign's company currency
	return [
		report_column("campaign", _("Campaign"), "Link", 200, options="Campaign"),
		report_column("campaign_type", _("Campaign Type"), "Data", 110),
		report_column("campaign_status", _("Campaign Status"), "Data", 100),
		report_column("budget", _("Budget"), "Currency", **money),
		report_column("planned_cost", _("Planned Cost"), "Currency", **money),
		report_column("actual_cost", _("Actual Cost"), "Currency", **money),
		report_column("loyalty_cost", _("Loyalty Points Cost"), "Currency", 140, **money),
		report_column("budget_used", _("Budget Used (%)"), "Percent", 100),
		report_column("leads", _("Leads"), "Int", 80),
		report_column("opportunities", _("Opportunities"), "Int", 100),
		report_column("orders", _("Orders"), "Int", 80),
		report_column("new_customers", _("New Customers"), "Int", 110),
		report_column("attributed_revenue", _("Attributed Revenue"), "Currency", 140, **money),
		report_column("roi", _("ROI (%)"), "Percent", 90),
		report_column("planned_roi", _("Planned ROI (%)"), "Percent", 110),
		report_column("roi_deviation", _("ROI Deviation (pp)"), "Float", 120),
		report_column("revenue_achieved_percent", _("Revenue Achieved (%)"), "Percent", 130),
		report_column("gross_profit", _("Gross Profit"), "Currency", 120, **money),
		report_column("gross_profit_roi", _("Gross Profit ROI (%)"), "Percent", 130),
		report_column("cost_per_lead", _("Cost per Lead"), "Currency", **money),
		report_column("cost_per_new_customer", _("Cost per New Customer"), "Currency", 150, **money),
		report_column("past_campaigns", _("Past Campaigns of Type"), "Int", 110),
		report_column("past_roi", _("Past Average ROI (%)"), "Percent", 130),
		report_column("past_revenue", _("Past Average Revenue"), "Currency", 140, **money),
		report_column("past_cost_per_lead", _("Past Average Cost per Lead"), "Currency", 160, **money),
		report_column("currency", _("Currency"), "Link", 80, options="Currency", hidden=1),
	]


def chart(rows, top: int = 15):
	"""Revenue against actual cost of the campaigns that brought most."""
	best = sorted(rows, key=lambda r: r["attributed_revenue"] or 0, reverse=True)[:top]
	if not best:
		return None
	return {
		"data": {
			"labels": [r["campaign"] for r in best],
			"datasets": [
				{"name": _("Actual Cost"), "values": [r["actual_cost"] or 0 for r in best]},
				{"name": _("Attributed Revenue"), "values": [r["attributed_revenue"] or 0 for r in best]},
			],
		},
		"type": "bar",
		"fieldtype": "Currency",
	}
