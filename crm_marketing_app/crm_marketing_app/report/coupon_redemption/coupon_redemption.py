"""Coupon Redemption: per campaign and activity, the codes issued and redeemed, and what they brought.

A code is redeemed when a submitted Sales Order carries it; revenue is those orders' net total and the
discount given is what their lines lost against the price list (free items count at their list price),
both in company currency. The campaign's shared code has no activity.
"""

import frappe
from frappe import _
from frappe.query_builder.functions import Count, Sum
from pypika import CustomFunction

from crm_marketing_app.engine.offers import redemption_rate
from crm_marketing_app.utils import report_column

Greatest = CustomFunction("GREATEST", ["a", "b"])


def execute(filters=None):
	filters = frappe._dict(filters or {})
	rows = {}
	for part in (issued(filters), redeemed(filters), discounts(filters)):
		for row in part:
			rows.setdefault((row.campaign, row.campaign_activity or ""), {}).update(row)
	data = []
	for (campaign, activity), row in sorted(rows.items()):
		codes, used = row.get("codes_issued") or 0, row.get("codes_redeemed") or 0
		data.append(
			{
				"campaign": campaign,
				"campaign_activity": activity or None,
				"codes_issued": codes,
				"codes_redeemed": used,
				"redemption_rate": redemption_rate(codes, used),
				"orders": row.get("orders") or 0,
				"revenue": row.get("revenue") or 0,
				"discount": row.get("discount") or 0,
			}
		)
	return columns(), data, None, chart(data)


def coupons(filters):
	cc, c = frappe.qb.DocType("Coupon Code"), frappe.qb.DocType("Campaign")
	query = frappe.qb.from_(cc).join(c).on(c.name == cc.campaign)
	if filters.company:
		query = query.where(c.company == filters.company)
	if filters.campaign:
		query = query.where(cc.campaign == filters.campaign)
	return query, cc


def orders(filters):
	query, cc = coupons(filters)
	so = frappe.qb.DocType("Sales Order")
	query = query.join(so).on((so.coupon_code == cc.name) & (so.docstatus == 1))
	if filters.from_date:
		query = query.where(so.transaction_date >= filters.from_date)
	if filters.to_date:
		query = query.where(so.transaction_date <= filters.to_date)
	return query, cc, so


def issued(filters):
	query, cc = coupons(filters)
	return (
		query.select(cc.campaign, cc.campaign_activity, Count("*").as_("codes_issued"))
		.groupby(cc.campaign, cc.campaign_activity)
		.run(as_dict=True)
	)


def redeemed(filters):
	query, cc, so = orders(filters)
	return (
		query.select(
			cc.campaign,
			cc.campaign_activity,
			Count(cc.name).distinct().as_("codes_redeemed"),
			Count(so.name).as_("orders"),
			Sum(so.base_net_total).as_("revenue"),
		)
		.groupby(cc.campaign, cc.campaign_activity)
		.run(as_dict=True)
	)


def discounts(filters):
	query, cc, so = orders(filters)
	line = frappe.qb.DocType("Sales Order Item")
	lost = Greatest(line.base_price_list_rate * line.qty - line.base_net_amount, 0)
	return (
		query.join(line)
		.on(line.parent == so.name)
		.select(cc.campaign, cc.campaign_activity, Sum(lost).as_("discount"))
		.groupby(cc.campaign, cc.campaign_activity)
		.run(as_dict=True)
	)


def columns():
	return [
		report_column("campaign", _("Campaign"), "Link", 200, options="Campaign"),
		report_column("campaign_activity", _("Campaign Activity"), "Link", 180, options="Campaign Activity"),
		report_column("codes_issued", _("Codes Issued"), "Int", 110),
		report_column("codes_redeemed", _("Codes Redeemed"), "Int", 120),
		report_column("redemption_rate", _("Redemption Rate (%)"), "Percent", 130),
		report_column("orders", _("Orders"), "Int", 80),
		report_column("revenue", _("Revenue"), "Currency", 130),
		report_column("discount", _("Discount Given"), "Currency", 130),
	]


def chart(rows, top: int = 15):
	"""Codes issued against redeemed for the campaigns and activities that issued most."""
	best = sorted(rows, key=lambda r: r["codes_issued"], reverse=True)[:top]
	if not best:
		return None
	return {
		"data": {
			"labels": [r["campaign_activity"] or r["campaign"] for r in best],
			"datasets": [
				{"name": _("Codes Issued"), "values": [r["codes_issued"] for r in best]},
				{"name": _("Codes Redeemed"), "values": [r["codes_redeemed"] for r in best]},
			],
		},
		"type": "bar",
	}
