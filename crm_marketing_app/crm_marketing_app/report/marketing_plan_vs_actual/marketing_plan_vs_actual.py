"""Marketing Plan vs Actual: per period, business line and campaign type of a company's Marketing Plan
the planned budget, what approved campaigns commit, what was spent (linked Purchase Invoices and other
GL entries on the plan's expense accounts), what is left, attributed revenue and ROI; rows over budget
flagged, spending on no plan row shown as unplanned."""

import frappe
from frappe import _

from crm_marketing_app.planning.budget import plan_against_actual
from crm_marketing_app.utils import report_column


def execute(filters=None):
	filters = frappe._dict(filters or {})
	if not (filters.company and filters.fiscal_year):
		return columns(), []
	name = frappe.db.get_value(
		"Marketing Plan", {"company": filters.company, "fiscal_year": filters.fiscal_year}
	)
	if not name:
		frappe.throw(
			_("There is no Marketing Plan of {0} for fiscal year {1}").format(
				frappe.bold(filters.company), frappe.bold(filters.fiscal_year)
			)
		)
	plan = frappe.get_doc("Marketing Plan", name)
	plan.check_permission("read")
	rows = [
		row
		for row in plan_against_actual(plan)
		if (not filters.cost_center or row["cost_center"] == filters.cost_center)
		and (not filters.campaign_type or row["campaign_type"] == filters.campaign_type)
	]
	for row in rows:
		row["campaign_type"] = _(row["campaign_type"]) if row["campaign_type"] else ""
		row["status"] = (
			_("Unplanned") if not row["planned"] else _("Over Budget") if row["over_budget"] else ""
		)
	return columns(), rows, None, chart(rows)


def columns():
	def col(fieldname, label, fieldtype="Currency", width=120, **extra):
		return report_column(fieldname, label, fieldtype, width, **extra)

	return [
		col("period_start", _("Period Start"), "Date", 100),
		col("period_end", _("Period End"), "Date", 100),
		col("cost_center", _("Cost Center"), "Link", 160, options="Cost Center"),
		col("campaign_type", _("Campaign Type"), "Data", 110),
		col("planned_budget", _("Planned Budget")),
		col("committed", _("Committed")),
		col("invoiced", _("Invoiced through Activities"), width=150),
		col("other_spend", _("Other Marketing Expenses"), width=150),
		col("actual", _("Actual")),
		col("available", _("Available")),
		col("budget_used", _("Budget Used (%)"), "Percent", 100),
		col("attributed_revenue", _("Attributed Revenue"), width=140),
		col("roi", _("ROI (%)"), "Percent", 90),
		col("over_budget", _("Over Budget"), "Check", 90),
		col("status", _("Status"), "Data", 100),
	]


def chart(rows):
	"""Planned, committed and actual per row: where the plan holds and where it breaks."""
	if not rows:
		return None
	return {
		"data": {
			"labels": [
				f"{frappe.format(r['period_start'], 'Date')} {r['cost_center']} {r['campaign_type']}".strip()
				for r in rows
			],
			"datasets": [
				{"name": _("Planned Budget"), "values": [r["planned_budget"] for r in rows]},
				{"name": _("Committed"), "values": [r["committed"] for r in rows]},
				{"name": _("Actual"), "values": [r["actual"] for r in rows]},
			],
		},
		"type": "bar",
		"fieldtype": "Currency",
		"colors": ["#c5cae9", "#ffa00a", "#5e64ff"],
	}
