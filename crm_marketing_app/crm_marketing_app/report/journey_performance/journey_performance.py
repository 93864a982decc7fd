"""Journey Performance: how the people of one Marketing Journey went through its steps, how many
reached its goal, and which A/B variant converts better.

Every figure is about the enrolments that entered the journey in the period (From / To Date on
`entered_on`), so rates compare people who had the same steps to go through. Per step, in step
order, Entered counts visits (a loop's next pass enters again): the step's log outcomes plus the
enrolments standing on it with no outcome there yet, that is still waiting (Active or Waiting) or
gone while they stood there (Reached Goal Here; a stopped journey's exits count only in Entered).
Under each Split step its variants: enrolments, conversions to the goal, and the pooled
two-proportion z-test of A against B (`engine.stats`). The variant is the enrolment's, so with two
Split steps on one path it is the later one's. The queries are in `journeys/performance.py`.
"""

import frappe
from frappe import _

from crm_marketing_app.engine.plan import ratio_percent
from crm_marketing_app.journeys.checks import OPEN_STATUSES
from crm_marketing_app.journeys.performance import statuses, step_rows
from crm_marketing_app.utils import report_column


def execute(filters=None):
	filters = frappe._dict(filters or {})
	if not filters.journey:
		return columns(), []
	frappe.has_permission("Marketing Journey", "read", doc=filters.journey, throw=True)
	journey = frappe.get_doc("Marketing Journey", filters.journey)
	rows = step_rows(journey, filters)
	return columns(), rows, None, chart(rows), summary(statuses(filters))


def columns():
	return [
		report_column("step", _("Step ID"), "Data", 80),
		report_column("step_label", _("Step"), "Data", 170),
		report_column("step_type", _("Step Type"), "Data", 110),
		report_column("entered", _("Entered"), "Int", 85),
		report_column("done", _("Done"), "Int", 70),
		report_column("yes", _("Yes"), "Int", 60),
		report_column("no", _("No"), "Int", 60),
		report_column("skipped", _("Skipped"), "Int", 80),
		report_column("failed", _("Failed"), "Int", 70),
		report_column("waiting", _("Still Waiting"), "Int", 110),
		report_column("goal_here", _("Reached Goal Here"), "Int", 145),
		report_column("converted", _("Converted"), "Int", 90),
		report_column("conversion_rate", _("Conversion (%)"), "Percent", 110),
		report_column("z_score", _("z"), "Float", 70, precision=3),
		report_column("p_value", _("p-value"), "Float", 80, precision=4),
		report_column("verdict", _("A/B Verdict"), "Data", 170),
	]


def summary(by_status: dict[str, int]) -> list[dict]:
	enrolled, converted = sum(by_status.values()), by_status.get("Converted", 0)
	return [
		{"label": _("Enrolled"), "value": enrolled, "datatype": "Int", "indicator": "Blue"},
		{"label": _("Converted"), "value": converted, "datatype": "Int", "indicator": "Green"},
		{
			"label": _("Conversion (%)"),
			"value": ratio_percent(converted, enrolled) or 0,
			"datatype": "Percent",
			"indicator": "Green" if converted else "Grey",
		},
		{
			"label": _("Still in the Journey"),
			"value": sum(by_status.get(status, 0) for status in OPEN_STATUSES),
			"datatype": "Int",
			"indicator": "Orange",
		},
	]


def chart(rows: list[dict]):
	"""Per step, stacked to its Entered: what its visits came to, who still waits there and who reached
	the goal there."""
	steps = [row for row in rows if "variant" not in row]
	if not any(row["entered"] for row in steps):
		return None
	parts = (
		("done", _("Done")),
		("yes", _("Yes")),
		("no", _("No")),
		("skipped", _("Skipped")),
		("failed", _("Failed")),
		("waiting", _("Still Waiting")),
		("goal_here", _("Reached Goal Here")),
	)
	return {
		"data": {
			"labels": [row["step_label"] for row in steps],
			"datasets": [{"name": label, "values": [row[key] for row in steps]} for key, label in parts],
		},
		"type": "bar",
		"barOptions": {"stacked": 1},
		"colors": ["#29CD42", "#2490EF", "#ECAD4B", "#98A1A9", "#E24C4C", "#24BFBF", "#743EE2"],
	}
