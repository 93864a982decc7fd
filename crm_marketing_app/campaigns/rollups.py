"""Campaign rollups from their sources, set-based.

`attributed_revenue` and `orders_count` are sums over Campaign Attribution (one
row per document and campaign), `leads_generated` counts the Leads naming the
campaign plus the leads created from its responses, and `roi` is
(revenue - actual cost) ÷ actual cost in percent (0 without cost).
`planned_cost` / `actual_cost` come from the campaign's activities
(crm_marketing_app.suppliers.costs).
"""

from collections.abc import Iterable
from decimal import Decimal

import frappe
from frappe.query_builder import Case
from frappe.query_builder.functions import Count, IfNull, Round, Sum


def recompute_campaign_rollups(campaigns: Iterable[str] | None = None) -> None:
	"""Repairs every rollup of the campaigns (all when None): costs first, then revenue and ROI."""
	from crm_marketing_app.suppliers.costs import update_campaign_costs

	campaigns = None if campaigns is None else list(campaigns)
	update_campaign_costs(campaigns)
	update_rollups(campaigns)


def update_rollups(campaigns: Iterable[str] | None = None) -> None:
	"""Every rollup but the costs of the campaigns (all when None)."""
	_update(campaigns, revenue=True, leads=True)


def update_revenue_rollups(campaigns: Iterable[str]) -> None:
	"""attributed_revenue, orders_count and roi recomputed: what a new actual cost changes."""
	_update(campaigns, revenue=True, leads=False)


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
		.set(
			c.roi,
			Case()
			.when(c.actual_cost > 0, Round((revenue - c.actual_cost) * 100 / c.actual_cost, 2))
			.else_(0),
		)
		.set(c.attributed_revenue, revenue)
		.set(c.orders_count, c.orders_count + sign)
		.where(c.name.isin([campaign for campaign, _amount in shares]))
		.run()
	)


def update_lead_rollups(campaigns: Iterable[str]) -> None:
	"""leads_generated: what a Lead or a Campaign Response changes."""
	_update(campaigns, revenue=False, leads=True)


def _update(campaigns, revenue: bool, leads: bool) -> None:
	c = frappe.qb.DocType("Campaign")
	query = frappe.qb.update(c)
	if revenue:
		attributed = revenue_of(c.name)
		query = (
			query.set(c.attributed_revenue, attributed)
			.set(c.orders_count, orders_of(c.name))
			.set(
				c.roi,
				Case()
				.when(c.actual_cost > 0, Round((attributed - c.actual_cost) * 100 / c.actual_cost, 2))
				.else_(0),
			)
		)
	if leads:
		query = query.set(c.leads_generated, leads_of(c.name))
	if campaigns is not None:
		campaigns = list({name for name in campaigns if name})
		if not campaigns:
			return
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
