"""Campaign Funnel: per stage of the campaign's Marketing Funnel the actual count, the conversion from
the previous stage, the planned and the reference conversion (completed campaigns of the same type), and
the deviations, flagged beyond the funnel's tolerance."""

import frappe
from frappe import _

from crm_marketing_app.funnels import funnel_stages
from crm_marketing_app.utils import report_column


def execute(filters=None):
	filters = frappe._dict(filters or {})
	if not filters.campaign:
		return columns(), []
	frappe.has_permission("Campaign", "read", doc=filters.campaign, throw=True)
	funnel = filters.funnel or frappe.db.get_value("Campaign", filters.campaign, "funnel")
	if not funnel:
		frappe.throw(
			_("Campaign {0} has no Marketing Funnel; choose one").format(frappe.bold(filters.campaign))
		)
	rows = funnel_stages(filters.campaign, funnel)
	for row in rows:
		row["entry_event"] = _(row["entry_event"])
	return columns(), rows, None, chart(rows)


def columns():
	return [
		report_column("stage", _("Stage"), "Data", 180),
		report_column("entry_event", _("Entry Event"), "Data", 130),
		report_column("kpi", _("KPI"), "Data", 180),
		report_column("actual", _("Actual"), "Int", 90),
		report_column("planned_count", _("Planned"), "Float", 90),
		report_column("conversion", _("Conversion (%)"), "Percent"),
		report_column("planned_conversion", _("Planned Conversion (%)"), "Percent", 150),
		report_column("reference_conversion", _("Reference Conversion (%)"), "Percent", 160),
		report_column("deviation_from_plan", _("Deviation from Plan (pp)"), "Float", 160),
		report_column("deviation_from_reference", _("Deviation from Reference (pp)"), "Float", 180),
		report_column("flagged", _("Beyond Tolerance"), "Check", 110),
	]


def chart(rows):
	"""Stages as descending bars: the funnel, actual beside plan."""
	return {
		"data": {
			"labels": [row["stage"] for row in rows],
			"datasets": [
				{"name": _("Actual"), "values": [row["actual"] for row in rows]},
				{"name": _("Planned"), "values": [row["planned_count"] for row in rows]},
			],
		},
		"type": "bar",
		"barOptions": {"spaceRatio": 0.2},
		"colors": ["#5e64ff", "#c5cae9"],
	}
