"""Activities and open milestones per responsible per ISO week, to spread the load of parallel events."""

import frappe
from frappe import _
from frappe.query_builder.functions import Coalesce, Count, NullIf
from frappe.utils import add_days, getdate, today

from crm_marketing_app.activities import counted
from crm_marketing_app.engine.suppliers import check_range, load_per_week, week_label, weeks_between
from crm_marketing_app.utils import engine_errors

CHART_PEOPLE = 10


def execute(filters: dict | None = None):
	filters = frappe._dict(filters or {})
	start = getdate(filters.from_date or today())
	end = getdate(filters.to_date or add_days(start, 8 * 7))
	with engine_errors(_("Invalid Filters")):
		check_range(start, end)
		load = load_per_week(
			activities(start, end, filters.responsible),
			open_milestones(start, end, filters.responsible),
			start,
			end,
		)
	names = full_names({responsible for responsible, _monday in load})
	data = [
		{
			"responsible": responsible or None,
			"full_name": names.get(responsible) or _("Not assigned"),
			"week": week_label(monday),
			"week_start": monday,
			"activities": counts["activities"],
			"open_milestones": counts["milestones"],
			"load": counts["activities"] + counts["milestones"],
		}
		for (responsible, monday), counts in sorted(
			load.items(), key=lambda item: (item[0][1], item[0][0] or "")
		)
	]
	return columns(), data, None, chart(data, weeks_between(start, end))


def activities(start, end, responsible: str | None) -> list[tuple]:
	"""(responsible, first day, last day) of the activities running in [start, end], cancelled ones left out."""
	activity = frappe.qb.DocType("Campaign Activity")
	query = (
		frappe.qb.from_(activity)
		.select(Coalesce(activity.responsible, ""), activity.scheduled_date, activity.end_date)
		.where(
			counted(activity)
			& (activity.scheduled_date <= end)
			& (Coalesce(activity.end_date, activity.scheduled_date) >= start)
		)
	)
	if responsible:
		query = query.where(activity.responsible == responsible)
	return query.run()


def open_milestones(start, end, responsible: str | None) -> list[tuple]:
	"""(responsible, due date, count) of milestones not completed, due in [start, end].

	A milestone without its own responsible falls to the activity's.
	"""
	activity = frappe.qb.DocType("Campaign Activity")
	milestone = frappe.qb.DocType("Campaign Activity Milestone")
	owner = Coalesce(NullIf(milestone.responsible, ""), activity.responsible, "")
	query = (
		frappe.qb.from_(milestone)
		.join(activity)
		.on(activity.name == milestone.parent)
		.select(owner, milestone.due_date, Count("*"))
		.where(
			(milestone.parenttype == "Campaign Activity")
			& (milestone.completed == 0)
			& counted(activity)
			& milestone.due_date[start:end]
		)
		.groupby(owner, milestone.due_date)
	)
	if responsible:
		query = query.where(owner == responsible)
	return query.run()


def full_names(users: set[str]) -> dict[str, str]:
	users = [u for u in users if u]
	if not users:
		return {}
	return dict(
		frappe.get_all("User", filters={"name": ("in", users)}, fields=["name", "full_name"], as_list=True)
	)


def columns() -> list[dict]:
	return [
		{"fieldname": "week", "label": _("Week"), "fieldtype": "Data", "width": 90},
		{"fieldname": "week_start", "label": _("Week Starts On"), "fieldtype": "Date", "width": 110},
		{
			"fieldname": "responsible",
			"label": _("Responsible"),
			"fieldtype": "Link",
			"options": "User",
			"width": 200,
		},
		{"fieldname": "full_name", "label": _("Full Name"), "fieldtype": "Data", "width": 160},
		{"fieldname": "activities", "label": _("Activities"), "fieldtype": "Int", "width": 100},
		{"fieldname": "open_milestones", "label": _("Open Milestones"), "fieldtype": "Int", "width": 120},
		{"fieldname": "load", "label": _("Load"), "fieldtype": "Int", "width": 80},
	]


def chart(data: list[dict], weeks) -> dict | None:
	"""Stacked bars: per week, each responsible's load; the busiest people get their own series."""
	if not data:
		return None
	totals: dict[str, int] = {}
	names: dict[str, str] = {}
	for row in data:
		key = row["responsible"] or ""
		totals[key] = totals.get(key, 0) + row["load"]
		names[key] = row["full_name"]
	people = sorted(totals, key=lambda key: (-totals[key], key))[:CHART_PEOPLE]
	labels = [week_label(monday) for monday in weeks]
	values = {key: dict.fromkeys(labels, 0) for key in people}
	for row in data:
		key = row["responsible"] or ""
		if key in values:
			values[key][row["week"]] += row["load"]
	return {
		"data": {
			"labels": labels,
			"datasets": [{"name": names[key], "values": list(values[key].values())} for key in people],
		},
		"type": "bar",
		"barOptions": {"stacked": 1},
	}
