"""Channel effectiveness: what each channel, activity or target list reached and brought, set-based.

Responses count through their activity: reached, opened and clicked are the distinct people with a
Sent, Opened or Clicked response; responded those with an answer (ANSWERS); leads and opportunities
the distinct ones made from the responses. A target list counts the responses of its members to
the activities that used it (a person on two lists counts on both), and takes the activity's cost
in proportion to its (active) member count.

An attributed document (Campaign Attribution) is credited to the activities of its campaign that
the customer (its lead, its contacts) responded to, its amount split equally between them; what no
activity touched stays in a row of its own, so the revenue adds up to the campaigns' total.
"""

from collections import defaultdict

import frappe
from frappe.query_builder import Case
from frappe.query_builder.functions import Concat, Count, IfNull, Sum
from pypika import analytics as an

from crm_marketing_app.attribution.records import NOT_TOUCHES
from crm_marketing_app.engine.funnel import RESPONSE_EVENTS

GROUPINGS = ("Channel", "Campaign Activity", "Target List")
# An answer is any response but being sent, opening, clicking or leaving (Declined is an answer).
NOT_ANSWERS = ("Sent", "Opened", "Clicked", "Unsubscribed", "Bounced")
ANSWERS = tuple(t for t in RESPONSE_EVENTS if t not in NOT_ANSWERS)
COUNTED = {"reached": ("Sent",), "opened": ("Opened",), "clicked": ("Clicked",), "responded": ANSWERS}
MEASURES = (*COUNTED, "leads", "opportunities", "orders", "attributed_revenue", "cost")


class Tables:
	def __init__(self):
		self.campaign = frappe.qb.DocType("Campaign")
		self.activity = frappe.qb.DocType("Campaign Activity")
		self.lists = frappe.qb.DocType("Campaign Activity Target List")
		self.member = frappe.qb.DocType("Target List Member")
		self.response = frappe.qb.DocType("Campaign Response")
		self.attribution = frappe.qb.DocType("Campaign Attribution")


def _of_campaigns(query, t: Tables, filters):
	"""The filters on the campaign: company, campaign, type."""
	query = query.join(t.campaign).on(t.campaign.name == t.activity.campaign)
	for field in ("company", "campaign_type"):
		if filters.get(field):
			query = query.where(t.campaign[field] == filters[field])
	if filters.get("campaign"):
		query = query.where(t.campaign.name == filters["campaign"])
	return query


def _dated(query, field, filters):
	if filters.get("from_date"):
		query = query.where(field >= filters["from_date"])
	if filters.get("to_date"):
		query = query.where(field <= f"{filters['to_date']} 23:59:59.999999")
	return query


def _keyed(query, t: Tables, group_by: str, person=None):
	"""The bucket of a row joined to its activity: the channel, the activity, or the activity's target
	list (holding `person` when one is given)."""
	if group_by == "Channel":
		return query, t.activity.channel
	if group_by == "Campaign Activity":
		return query, t.activity.name
	query = query.join(t.lists).on(
		(t.lists.parent == t.activity.name) & (t.lists.parenttype == "Campaign Activity")
	)
	if person is not None:
		doctype, name = person
		query = query.join(t.member).on(
			(t.member.target_list == t.lists.target_list)
			& (t.member.member_doctype == doctype)
			& (t.member.member == name)
		)
	return query, t.lists.target_list


def response_counts(filters, group_by: str, t: Tables) -> dict:
	r = t.response
	person = Concat(r.respondent_doctype, ":", r.respondent)
	query = frappe.qb.from_(r).join(t.activity).on(t.activity.name == r.campaign_activity)
	query, key = _keyed(_of_campaigns(query, t, filters), t, group_by, (r.respondent_doctype, r.respondent))
	counts = [
		Count(Case().when(r.response_type.isin(types), person)).distinct().as_(measure)
		for measure, types in COUNTED.items()
	]
	query = _dated(query, r.response_date, filters).select(
		key.as_("bucket"),
		*counts,
		Count(r.lead).distinct().as_("leads"),
		Count(r.opportunity).distinct().as_("opportunities"),
	)
	return {row.bucket: row for row in query.groupby(key).run(as_dict=True)}


def _touch_branches(ca, r):
	"""Attribution rows joined to the responses of their campaign by the customer itself, the lead it
	came from and its contacts: one indexed join each, unioned by the caller."""
	cust, link = frappe.qb.DocType("Customer"), frappe.qb.DocType("Dynamic Link")
	of_campaign = (r.campaign == ca.campaign) & r.response_type.notin(NOT_TOUCHES)
	itself = (
		frappe.qb.from_(ca)
		.join(r)
		.on((r.respondent_doctype == "Customer") & (r.respondent == ca.customer) & of_campaign)
	)
	lead = (
		frappe.qb.from_(ca)
		.join(cust)
		.on(cust.name == ca.customer)
		.join(r)
		.on((r.respondent_doctype == "Lead") & (r.respondent == cust.lead_name) & of_campaign)
	)
	contacts = (
		frappe.qb.from_(ca)
		.join(link)
		.on(
			(link.link_doctype == "Customer")
			& (link.link_name == ca.customer)
			& (link.parenttype == "Contact")
		)
		.join(r)
		.on((r.respondent_doctype == "Contact") & (r.respondent == link.parent) & of_campaign)
	)
	return itself, lead, contacts


def _attribution_filters(query, ca, filters):
	if filters.get("company"):
		query = query.where(ca.company == filters["company"])
	if filters.get("campaign"):
		query = query.where(ca.campaign == filters["campaign"])
	if filters.get("from_date"):
		query = query.where(ca.posting_date >= filters["from_date"])
	if filters.get("to_date"):
		query = query.where(ca.posting_date <= filters["to_date"])
	return query


def attributed(filters, group_by: str, t: Tables) -> tuple[dict, dict]:
	"""({bucket: orders, revenue} of the touched documents, {orders, revenue, touched} of all of them).

	A document touched through n buckets gives each 1/n of its amount, and 1/n of itself to `touched`."""
	ca, r = t.attribution, t.response
	union = None
	for branch in _touch_branches(ca, r):
		branch = branch.join(t.activity).on(t.activity.name == r.campaign_activity)
		branch, key = _keyed(branch, t, group_by, (r.respondent_doctype, r.respondent))
		branch = _attribution_filters(_of_campaigns(branch, t, filters), ca, filters).select(
			ca.name.as_("attribution"), ca.amount.as_("amount"), key.as_("bucket")
		)
		union = branch if union is None else union.union(branch)  # UNION: one touch per bucket
	touches = union.as_("touches")
	shared = (
		frappe.qb.from_(touches).select(
			touches.bucket,
			touches.attribution,
			touches.amount,
			an.Count("*").over(touches.attribution).as_("buckets"),
		)
	).as_("shared")
	by_bucket = (
		frappe.qb.from_(shared)
		.select(
			shared.bucket,
			Count("*").as_("orders"),
			Sum(shared.amount / shared.buckets).as_("attributed_revenue"),
			Sum(1 / shared.buckets).as_("touched"),
		)
		.groupby(shared.bucket)
		.run(as_dict=True)
	)
	total = frappe.qb.from_(ca).join(t.campaign).on(t.campaign.name == ca.campaign)
	if filters.get("campaign_type"):
		total = total.where(t.campaign.campaign_type == filters["campaign_type"])
	total = (
		_attribution_filters(total, ca, filters)
		.select(Count("*").as_("orders"), IfNull(Sum(ca.amount), 0).as_("attributed_revenue"))
		.run(as_dict=True)[0]
	)
	total.touched = round(sum(float(row.touched) for row in by_bucket))
	return {row.bucket: row for row in by_bucket}, total


def costs(filters, group_by: str, t: Tables) -> dict:
	"""Actual cost of the activities (not cancelled), a target list's share by its member count."""
	a = t.activity
	query = _dated(_of_campaigns(frappe.qb.from_(a), t, filters), a.scheduled_date, filters).where(
		a.status != "Cancelled"
	)
	if group_by != "Target List":
		key = a.channel if group_by == "Channel" else a.name
		rows = query.select(key.as_("bucket"), Sum(a.actual_cost).as_("cost")).groupby(key).run()
		return dict(rows)
	lists, target = t.lists, frappe.qb.DocType("Target List")
	sizes = (
		frappe.qb.from_(lists)
		.join(target)
		.on(target.name == lists.target_list)
		.select(lists.parent, Sum(target.member_count).as_("members"), Count("*").as_("lists"))
		.where(lists.parenttype == "Campaign Activity")
		.groupby(lists.parent)
	).as_("sizes")
	share = Case().when(sizes.members > 0, target.member_count / sizes.members).else_(1 / sizes.lists)
	query, key = _keyed(query, t, group_by)
	rows = (
		query.join(sizes)
		.on(sizes.parent == a.name)
		.join(target)
		.on(target.name == lists.target_list)
		.select(key.as_("bucket"), Sum(a.actual_cost * share).as_("cost"))
		.groupby(key)
		.run()
	)
	return dict(rows)


def channel_effectiveness(filters) -> list[dict]:
	"""One dict per bucket with every measure, plus the revenue no activity touched (bucket None)."""
	group_by = filters.get("group_by") or "Channel"
	if group_by not in GROUPINGS:
		frappe.throw(
			frappe._("Group By must be one of: {0}").format(", ".join(frappe._(g) for g in GROUPINGS))
		)
	t = Tables()
	responses = response_counts(filters, group_by, t)
	revenue, total = attributed(filters, group_by, t)
	spent = costs(filters, group_by, t)
	rows = defaultdict(lambda: dict.fromkeys(MEASURES, 0))
	for bucket, row in responses.items():
		rows[bucket].update({m: row[m] for m in (*COUNTED, "leads", "opportunities")})
	for bucket, row in revenue.items():
		rows[bucket]["orders"] = row.orders
		rows[bucket]["attributed_revenue"] = float(row.attributed_revenue or 0)
	for bucket, cost in spent.items():
		rows[bucket]["cost"] = float(cost or 0)
	untouched = round(
		float(total.attributed_revenue) - sum(r["attributed_revenue"] for r in rows.values()), 2
	)
	untouched_orders = total.orders - total.touched
	if untouched or untouched_orders:
		rows[None].update(attributed_revenue=untouched, orders=untouched_orders)
	return [{"bucket": bucket, **figures} for bucket, figures in rows.items()]
