"""Chart source: Leads per score grade, hottest first, with the grades in the user's language
(a Group By chart would show the stored English values)."""

import frappe
from frappe import _

from crm_marketing_app.engine.scoring import GRADES


@frappe.whitelist()
def get(
	chart_name: str | None = None,
	chart: str | None = None,
	no_cache: bool | None = None,
	filters: str | None = None,
	from_date: str | None = None,
	to_date: str | None = None,
	timespan: str | None = None,
	time_interval: str | None = None,
	heatmap_year: str | None = None,
) -> dict:
	counts = (
		dict(
			frappe.get_list(
				"Lead",
				filters={"score_grade": ("in", GRADES)},
				fields=["score_grade", "count(name) as count"],
				group_by="score_grade",
				as_list=True,
			)
		)
		if frappe.has_permission("Lead", "read")
		else {}
	)
	return {
		"labels": [_(grade) for grade in GRADES],
		"datasets": [{"name": _("Leads"), "values": [counts.get(grade, 0) for grade in GRADES]}],
	}
