"""Campaign rollups: every figure a Campaign sums from other records, set-based.

- `planned_cost` / `actual_cost`: sums over the campaign's counted activities
  (not Cancelled, crm_marketing_app.activities);
- `attributed_revenue` / `orders_count`: sums over Campaign Attribution (one row per
  document and campaign);
- `roi`: (revenue - actual cost) ÷ actual cost in percent, 0 without a positive cost
  (`roi_term`, the SQL form of crm_marketing_app.engine.attribution.roi);
- `leads_generated`: Leads naming the campaign plus the leads made from its responses;
- `gross_profit`: each attributed document's gross profit (its lines' net amount less
  ERPNext's valuation, crm_marketing_app.sales_history.line_gross_profit) times the
  campaign's weight in it;
- from those: `gross_profit_roi` (the ROI rule on gross profit), `planned_roi` (the ROI
  rule on expected revenue and planned cost), `roi_deviation` (actual - planned ROI in
  percentage points, 0 unless both costs are there), `revenue_achieved_percent`
  (revenue ÷ expected revenue);
- hierarchy: a campaign with sub-campaigns sums all of the above over itself and every
  campaign under it, at any depth, straight from the records (distinct documents and
  leads), so nothing counts twice;
- goals (Campaign Goal): each goal's `actual` from the same figures, or the distinct
  people, opportunities and new customers of the campaign's tree, and `achieved_percent`.

`update_campaign_rollups` is the one entry point and runs them in this order: costs,
revenue with orders, ROI and gross profit, leads, the trees of the parents concerned,
the figures derived from the stored ones, then goals. Nothing here imports the modules
that call it, so there is no import circle.
"""

from collections.abc import Iterable
from decimal import Decimal

import frappe
from frappe.query_builder import Case
from frappe.query_builder.functions import Coalesce, Concat, Count, IfNull, Round, Sum

from crm_marketing_app.activities import counted
from crm_marketing_app.engine import campaign_goals
from crm_marketing_app.engine.attribution import ROI_PRECISION
from crm_marketing_app.sales_history import SOURCES, first_order_dates, first_order_inside, line_gross_profit
from crm_marketing_app.utils import update_from_groups

COST_FIELDS = ("planned_cost", "actual_cost")
RESULT_FIELDS = ("attributed_revenue", "roi", "leads_generated", "orders_count", "gross_profit")
DERIVED_FIELDS = ("planned_roi", "roi_deviation", "revenue_achieved_percent", "gross_profit_roi")


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


def update_goal_rollups(campaigns: Iterable[str]) -> None:
	"""What only goals count changed (an Opportunity): the trees, derived figures and goals."""
	update_campaign_rollups(campaigns, costs=False, revenue=False, leads=False)


def update_campaign_rollups(
	campaigns: Iterable[str] | None, *, costs: bool, revenue: bool, leads: bool
) -> None:
	"""The chosen rollups of `campaigns` (every campaign when None; an empty list does nothing),
	in their fixed order: costs, then revenue with orders, ROI and gross profit, then leads; then
	always the trees they belong to, the derived figures and the goals."""
	names = None if campaigns is None else sorted({name for name in campaigns if name})
	if names == []:
		return
	if costs:
		_update_costs(names)
	if revenue or leads:
		_update_results(names, revenue, leads)
	_update_trees_and_goals(names)


def _update_trees_and_goals(names: list[str] | None) -> None:
	"""After the campaigns' own figures: the trees of those that have sub-campaigns and of their
	ancestors, the derived figures, then the goals."""
	tree = CampaignTree.load()
	concerned = None if names is None else sorted(set(names) | tree.ancestors(names))
	parents = tree.parents if concerned is None else [name for name in concerned if name in tree.children]
	for parent in parents:
		_update_tree(parent, tree.subtree(parent))
	_update_derived(concerned)
	_update_goals(concerned, tree)


def on_campaign_update(doc) -> None:
	"""A Campaign form saved with stale read-only rollups gets the true ones back; a campaign moved
	to another parent takes its figures out of the old tree."""
	before = doc.get_doc_before_save()
	recompute_campaign_rollups([doc.name, before and before.parent_campaign])
	doc.update(
		frappe.db.get_value("Campaign", doc.name, COST_FIELDS + RESULT_FIELDS + DERIVED_FIELDS, as_dict=True)
	)
	for goal in doc.get("goals") or []:
		goal.update(
			frappe.db.get_value("Campaign Goal", goal.name, ("actual", "achieved_percent"), as_dict=True)
			or {}
		)


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
	names = sorted({campaign for campaign, _amount in shares})
	frappe.qb.update(c).set(c.gross_profit, gross_profit_of(own(c))).where(c.name.isin(names)).run()
	_update_trees_and_goals(names)


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
		attributed = revenue_of(own(c))
		query = (
			query.set(c.attributed_revenue, attributed)
			.set(c.orders_count, orders_of(own(c)))
			.set(c.roi, roi_term(attributed, c.actual_cost))
			.set(c.gross_profit, gross_profit_of(own(c)))
		)
	if leads:
		query = query.set(c.leads_generated, leads_of(own(c)))
	if campaigns is not None:
		query = query.where(c.name.isin(campaigns))
	query.run()


def _update_tree(parent: str, subtree: list[str]) -> None:
	"""Every figure of `parent` over itself and the campaigns under it (`subtree`), from the records."""
	c, activity = frappe.qb.DocType("Campaign"), frappe.qb.DocType("Campaign Activity")
	of = within(subtree)

	def cost(field):
		return scalar(
			frappe.qb.from_(activity)
			.select(Sum(activity[field]))
			.where(of(activity.campaign) & counted(activity))
		)

	actual, revenue = cost("actual_cost"), revenue_of(of)
	(
		frappe.qb.update(c)
		.set(c.planned_cost, cost("planned_cost"))
		.set(c.actual_cost, actual)
		.set(c.attributed_revenue, revenue)
		.set(c.orders_count, orders_of(of))
		.set(c.roi, roi_term(revenue, actual))
		.set(c.gross_profit, gross_profit_of(of))
		.set(c.leads_generated, leads_of(of))
		.where(c.name == parent)
		.run()
	)


def _update_derived(campaigns: list[str] | None) -> None:
	"""The figures computed from the stored ones; a ratio without its base is 0 (the form hides it)."""
	c = frappe.qb.DocType("Campaign")
	planned_roi = roi_term(c.expected_revenue, c.planned_cost)
	query = (
		frappe.qb.update(c)
		.set(c.planned_roi, planned_roi)
		.set(
			c.roi_deviation,
			Case().when((c.planned_cost > 0) & (c.actual_cost > 0), c.roi - planned_roi).else_(0),
		)
		.set(
			c.revenue_achieved_percent,
			Case()
			.when(
				c.expected_revenue > 0, Round(c.attributed_revenue * 100 / c.expected_revenue, ROI_PRECISION)
			)
			.else_(0),
		)
		.set(c.gross_profit_roi, roi_term(c.gross_profit, c.actual_cost))
	)
	if campaigns is not None:
		query = query.where(c.name.isin(campaigns))
	query.run()


def _update_goals(campaigns: list[str] | None, tree: "CampaignTree") -> None:
	"""Each goal's actual: the campaign's stored figure, or a distinct count over its tree."""
	goal = frappe.qb.DocType("Campaign Goal")
	names = frappe.qb.from_(goal).select(goal.parent).distinct().where(goal.parenttype == "Campaign")
	if campaigns is not None:
		if not campaigns:
			return
		names = names.where(goal.parent.isin(campaigns))
	with_goals = names.run(pluck=True)
	leaves = [name for name in with_goals if name not in tree.children]
	for group, of in [(leaves, None)] + [
		([name], within(tree.subtree(name))) for name in with_goals if name in tree.children
	]:
		if group:
			_set_goal_actuals(group, of)


def _set_goal_actuals(campaigns: list[str], of) -> None:
	"""`of` None: each goal counts its own campaign's records; else the records of the given tree."""
	goal, c = frappe.qb.DocType("Campaign Goal"), frappe.qb.DocType("Campaign")
	of = of or (lambda column: column == goal.parent)
	stored = {
		"Leads": c.leads_generated,
		"Orders": c.orders_count,
		"Revenue": c.attributed_revenue,
		"Gross Profit": c.gross_profit,
	}
	counted_of = {
		"Registrations": people_of(of, "Registered"),
		"Attendees": people_of(of, "Attended"),
		"Responses": people_of(of, goal.response_type),
		"Opportunities": opportunities_of(of),
		"New Customers": new_customers_of(of, c),
	}
	actual = Case()
	for metric in campaign_goals.METRICS:
		actual = actual.when(goal.metric == metric, stored.get(metric) or counted_of[metric])
	of_campaigns = (goal.parenttype == "Campaign") & goal.parent.isin(campaigns)
	frappe.qb.update(goal).join(c).on(c.name == goal.parent).set(goal.actual, actual.else_(0)).where(
		of_campaigns
	).run()
	# a second statement: a multi-table UPDATE promises no order among its assignments
	achieved = Case().when(goal.target > 0, Round(goal.actual * 100 / goal.target, ROI_PRECISION)).else_(0)
	frappe.qb.update(goal).set(goal.achieved_percent, achieved).where(of_campaigns).run()


def scalar(query):
	"""A subquery used as a value, 0 when it yields NULL (the function call also parenthesises it)."""
	return IfNull(query, 0)


# `of(column)` says which rows a figure sums: those of the campaign itself, or of a whole tree.
def own(campaign_table):
	return lambda column: column == campaign_table.name


def within(names: list[str]):
	return lambda column: column.isin(names)


def revenue_of(of):
	ca = frappe.qb.DocType("Campaign Attribution")
	return scalar(frappe.qb.from_(ca).select(Sum(ca.amount)).where(of(ca.campaign)))


def orders_of(of):
	"""Distinct documents: one split between two campaigns of a tree counts once for the tree."""
	ca = frappe.qb.DocType("Campaign Attribution")
	document = Concat(ca.reference_doctype, ":", ca.reference_name)
	return scalar(frappe.qb.from_(ca).select(Count(document).distinct()).where(of(ca.campaign)))


def leads_of(of):
	"""Leads naming the campaign, plus leads made from its responses that name another (or none)."""
	return named_or_made_of(of, "Lead", "campaign_name", "lead")


def named_or_made_of(of, doctype: str, campaign_field: str, response_field: str):
	"""Records of `doctype` naming the campaign, plus those made from its responses (the response's
	`response_field`) that name another campaign or none: each counted once."""
	record, cr = frappe.qb.DocType(doctype), frappe.qb.DocType("Campaign Response")
	named = frappe.qb.from_(record).select(Count("*")).where(of(record[campaign_field]))
	from_responses = (
		frappe.qb.from_(cr)
		.join(record)
		.on(record.name == cr[response_field])
		.select(Count(cr[response_field]).distinct())
		.where(of(cr.campaign) & ~of(IfNull(record[campaign_field], "")))
	)
	return scalar(named) + scalar(from_responses)


def gross_profit_of(of):
	"""Σ over the attributed documents of the campaign's weight times the document's gross profit."""
	ca = frappe.qb.DocType("Campaign Attribution")
	total = None
	for doctype, _date_field, _counts in SOURCES:
		line = frappe.qb.DocType(f"{doctype} Item")
		part = scalar(
			frappe.qb.from_(ca)
			.join(line)
			.on((line.parent == ca.reference_name) & (line.parenttype == doctype))
			.select(Sum(ca.weight * line_gross_profit(doctype, line)))
			.where(of(ca.campaign) & (ca.reference_doctype == doctype))
		)
		total = part if total is None else total + part
	return Round(total, 2)


def people_of(of, response_type):
	"""Distinct people who gave a response of the type."""
	cr = frappe.qb.DocType("Campaign Response")
	person = Concat(cr.respondent_doctype, ":", cr.respondent)
	return scalar(
		frappe.qb.from_(cr)
		.select(Count(person).distinct())
		.where(of(cr.campaign) & (cr.response_type == response_type))
	)


def opportunities_of(of):
	"""Opportunities naming the campaign, plus those made from its responses that name another (or none)."""
	return named_or_made_of(of, "Opportunity", "campaign", "opportunity")


def new_customers_of(of, campaign):
	"""Distinct attributed customers whose first order in the sales history falls inside the campaign."""
	ca, first = frappe.qb.DocType("Campaign Attribution"), first_order_dates()
	return scalar(
		frappe.qb.from_(ca)
		.join(first)
		.on(first.customer == ca.customer)
		.select(Count(ca.customer).distinct())
		.where(of(ca.campaign) & first_order_inside(first, campaign))
	)


class CampaignTree:
	"""The parent links of all campaigns, loaded once per rollup: few campaigns have a parent."""

	def __init__(self, parent_of: dict[str, str]):
		self.parent_of = parent_of
		self.children: dict[str, list[str]] = {}
		for child, parent in sorted(parent_of.items()):
			self.children.setdefault(parent, []).append(child)
		self.parents = sorted(self.children)

	@classmethod
	def load(cls) -> "CampaignTree":
		c = frappe.qb.DocType("Campaign")
		rows = (
			frappe.qb.from_(c)
			.select(c.name, c.parent_campaign)
			.where(IfNull(c.parent_campaign, "") != "")
			.run()
		)
		return cls(dict(rows))

	def ancestors(self, names) -> set[str]:
		found = set()
		for name in names:
			current = self.parent_of.get(name)
			while current and current not in found:  # a cycle (refused on save) cannot loop
				found.add(current)
				current = self.parent_of.get(current)
		return found

	def subtree(self, name: str) -> list[str]:
		"""The campaign and every campaign under it, at any depth."""
		out, todo = [], [name]
		while todo:
			current = todo.pop()
			if current in out:
				continue
			out.append(current)
			todo.extend(self.children.get(current, []))
		return sorted(out)
