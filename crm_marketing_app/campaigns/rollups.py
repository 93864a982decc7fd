"""Campaign rollups: every figure a Campaign sums from other records, set-based.

- `planned_cost` / `actual_cost`: sums over the campaign's counted activities
  (not Cancelled, crm_marketing_app.activities);
- `attributed_revenue` / `orders_count`: sums over Campaign Attribution (one row per
  document and campaign);
- `roi`: (revenue - actual cost) ÷ actual cost in percent, 0 without a positive cost
  (`roi_term`, the SQL form of crm_marketing_app.engine.attribution.roi);
- `leads_generated`: Leads naming the campaign plus the leads made from its responses.

`update_campaign_rollups` is the one entry point and runs them in this order: ROI
reads the actual cost the same call has just summed. Nothing here imports the
modules that call it, so there is no import circle.
"""

from collections.abc import Iterable
from decimal import Decimal

import frappe
from frappe.query_builder import Case
from frappe.query_builder.functions import Coalesce, Count, IfNull, Round, Sum

from crm_marketing_app.activities import counted
from crm_marketing_app.engine.attribution import ROI_PRECISION
from crm_marketing_app.utils import update_from_groups

COST_FIELDS = ("planned_cost", "actual_cost")
RESULT_FIELDS = ("attributed_revenue", "roi", "leads_generated", "orders_count")


def recompute_campaign_rollups(campaigns: Iterable[str] | None = None) -> None:
	"""Every rollup of the campaigns (all when None): the daily repair and a saved Campaign."""
	update_campaign_rollups(campaigns, costs=True, revenue=True, leads=True)


def update_campaign_costs(campaigns: Iterable[str] | None = None) -> None:
	"""planned_cost / actual_cost alone (every campaign when None)."""
	update_campaign_rollups(campaigns, costs=True, revenue=False, leads=False)


def update_after_cost_change(campaigns: Iterable[str]) -> None:
	"""An activity or a linked invoice changed: costs, then the revenue rollups and ROI."""
	update_campaign_rollups(campaigns, costs=True, revenue=True, leads=False)


def update_lead_rollups(campaigns: Iterable[str]) -> None:
	"""A Lead or a Campaign Response changed: leads_generated."""
	update_campaign_rollups(campaigns, costs=False, revenue=False, leads=True)


def update_campaign_rollups(
	campaigns: Iterable[str] | None, *, costs: bool, revenue: bool, leads: bool
) -> None:
	"""The chosen rollups of `campaigns` (every campaign when None; an empty list does nothing),
	in their fixed order: costs, then revenue with orders and ROI, then leads."""
	names = None if campaigns is None else sorted({name for name in campaigns if name})
	if names == []:
		return
	if costs:
		_update_costs(names)
	if revenue or leads:
		_update_results(names, revenue, leads)


def on_campaign_update(doc) -> None:
	"""A Campaign form saved with stale read-only rollups gets the true ones back."""
	recompute_campaign_rollups([doc.name])
	doc.update(frappe.db.get_value("Campaign", doc.name, COST_FIELDS + RESULT_FIELDS, as_dict=True))


def campaigns_named(doc, field: str, before=None) -> set:
	"""The campaign `doc` names in `field` now, and the one it named before this save."""
	return {doc.get(field), before and before.get(field)}


def roi_term(revenue, cost):
	"""ROI in SQL, the same rule as crm_marketing_app.engine.attribution.roi."""
	return Case().when(cost > 0, Round((revenue - cost) * 100 / cost, ROI_PRECISION)).else_(0)


def shift_revenue_rollups(shares: Iterable[tuple[str, Decimal]], sign: int) -> None:
	"""Adds (sign 1, a submit) or takes away (sign -1, a cancel) one document's (campaign, amount) shares.

	One statement of constant cost per document, where a recompute reads all of a campaign's rows;
	DECIMAL arithmetic keeps the result equal to the recompute, which the daily job re-establishes anyway.
	"""
	shares = list(shares)
	if not shares:
		return
	c = frappe.qb.DocType("Campaign")
	delta = Case()
	for campaign, amount in shares:
		delta = delta.when(c.name == campaign, sign * Decimal(str(amount)))
	revenue = c.attributed_revenue + delta
	(
		frappe.qb.update(c)
		# roi first, from the new revenue spelled out: the same under MariaDB's left-to-right SET
		.set(c.roi, roi_term(revenue, c.actual_cost))
		.set(c.attributed_revenue, revenue)
		.set(c.orders_count, c.orders_count + sign)
		.where(c.name.isin([campaign for campaign, _amount in shares]))
		.run()
	)


def _update_costs(campaigns: list[str] | None) -> None:
	campaign = frappe.qb.DocType("Campaign")
	activity = frappe.qb.DocType("Campaign Activity")
	sums = (
		frappe.qb.from_(activity)
		.select(
			activity.campaign,
			Sum(activity.planned_cost).as_("planned_sum"),
			Sum(activity.actual_cost).as_("actual_sum"),
		)
		.where(counted(activity))
		.groupby(activity.campaign)
	)
	update_from_groups(
		campaign,
		sums,
		activity.campaign,
		campaigns,
		lambda groups: {
			"planned_cost": Coalesce(groups.planned_sum, 0),
			"actual_cost": Coalesce(groups.actual_sum, 0),
		},
	)


def _update_results(campaigns: list[str] | None, revenue: bool, leads: bool) -> None:
	c = frappe.qb.DocType("Campaign")
	query = frappe.qb.update(c)
	if revenue:
		attributed = revenue_of(c.name)
		query = (
			query.set(c.attributed_revenue, attributed)
			.set(c.orders_count, orders_of(c.name))
			.set(c.roi, roi_term(attributed, c.actual_cost))
		)
	if leads:
		query = query.set(c.leads_generated, leads_of(c.name))
	if campaigns is not None:
		query = query.where(c.name.isin(campaigns))
	query.run()


def scalar(query):
	"""A subquery used as a value, 0 when it yields NULL (the function call also parenthesises it)."""
	return IfNull(query, 0)


def revenue_of(campaign):
	ca = frappe.qb.DocType("Campaign Attribution")
	return scalar(frappe.qb.from_(ca).select(Sum(ca.amount)).where(ca.campaign == campaign))


def orders_of(campaign):
	ca = frappe.qb.DocType("Campaign Attribution")
	return scalar(frappe.qb.from_(ca).select(Count("*")).where(ca.campaign == campaign))


def leads_of(campaign):
	"""Leads naming the campaign, plus leads made from its responses that name another (or none)."""
	lead, cr = frappe.qb.DocType("Lead"), frappe.qb.DocType("Campaign Response")
	named = frappe.qb.from_(lead).select(Count("*")).where(lead.campaign_name == campaign)
	from_responses = (
		frappe.qb.from_(cr)
		.join(lead)
		.on(lead.name == cr.lead)
		.select(Count(cr.lead).distinct())
		.where((cr.campaign == campaign) & (IfNull(lead.campaign_name, "") != campaign))
	)
	return scalar(named) + scalar(from_responses)
