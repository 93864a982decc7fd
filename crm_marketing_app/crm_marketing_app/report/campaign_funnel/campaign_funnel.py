"""Campaign Funnel: per stage of the campaign's Marketing Funnel the actual count, the conversion from
the previous stage, the planned and the reference conversion (completed campaigns of the same type), and
the deviations, flagged beyond the funnel's tolerance. The reference needs the funnel's minimum of
past campaigns; the summary shows how many there were. The funnel chart is drawn by the report's
script from the rows (Frappe Charts has no funnel)."""

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
	rows, reference = funnel_stages(filters.campaign, funnel)
	for row in rows:
		row["entry_event"] = _(row["entry_event"])
	return columns(), rows, None, None, summary(reference)


def columns():
	return [
		report_column("stage", _("Stage"), "Data", 180),
		report_column("entry_event", _("Entry Event"), "Data", 130),
		report_column("kpi", _("KPI"), "Data", 180),
		report_column("actual", _("Actual"), "Int", 90),
		report_column("planned_count", _("Planned"), "Int", 90),
		report_column("conversion", _("Conversion (%)"), "Percent"),
		report_column("planned_conversion", _("Planned Conversion (%)"), "Percent", 150),
		report_column("reference_conversion", _("Reference Conversion (%)"), "Percent", 160),
		report_column("deviation_from_plan", _("Deviation from Plan (pp)"), "Float", 160),
		report_column("deviation_from_reference", _("Deviation from Reference (pp)"), "Float", 180),
		report_column("flagged", _("Beyond Tolerance"), "Check", 110),
	]


def summary(reference: dict) -> list[dict]:
	enough = reference["past_campaigns"] >= reference["minimum"]
	return [
		{
			"label": _("Reference Campaigns"),
			"value": reference["past_campaigns"],
			"datatype": "Int",
			"indicator": "Green" if enough else "Orange",
		},
		{"label": _("Minimum for a Reference"), "value": reference["minimum"], "datatype": "Int"},
	]
