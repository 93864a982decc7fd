"""What the desk asks of journeys: the live counts of the flow diagram, enrolling people from
their form or a list selection, and where a person stands in their journeys."""

import json
from collections import Counter, defaultdict

import frappe
from frappe import _

from crm_marketing_app.journeys import performance
from crm_marketing_app.journeys.checks import OPEN_STATUSES, member_doctypes
from crm_marketing_app.journeys.enrolments import ENROLMENT, LOG, enrol
from crm_marketing_app.target_lists.query import contact_columns

# The person's form lists at most this many of their enrolments, the newest first.
MEMBER_JOURNEYS_SHOWN = 20


@frappe.whitelist()
def step_counts(journey: str) -> dict:
	"""Per step: `waiting` (open enrolments standing on it) and the log's `done`, `yes`, `no`,
	`skipped`, `failed`; and the journey's enrolments per status: the Journey Performance figures
	of everyone who entered. What the user may not read stays out (a Sales User reads enrolments,
	not the step log)."""
	frappe.has_permission("Marketing Journey", "read", doc=journey, throw=True)
	everyone = frappe._dict(journey=journey)
	steps: dict[str, Counter] = defaultdict(Counter)
	statuses: Counter = Counter()
	if frappe.has_permission(ENROLMENT, "read"):
		statuses.update(performance.statuses(everyone))
		for step_id, people in performance.standing(everyone).items():
			waiting = sum(people.get(status, 0) for status in OPEN_STATUSES)
			if waiting:
				steps[step_id]["waiting"] = waiting
	if frappe.has_permission(LOG, "read"):
		for step_id, visits in performance.outcomes(everyone).items():
			steps[step_id].update({outcome.lower(): count for outcome, count in visits.items()})
	return {"steps": steps, "statuses": statuses}


@frappe.whitelist()
def enrol_in_journey(journey: str, doctype: str, names: list[str] | str) -> int:
	"""Enrols the people `names` of `doctype` in an Active journey; returns how many entered
	(whoever the journey's re-entry rule keeps out is left out)."""
	journey_doc = frappe.get_doc("Marketing Journey", journey)
	journey_doc.check_permission("write")
	if journey_doc.status != "Active":
		frappe.throw(
			_("Journey {0} is {1}: only an Active journey takes people in").format(
				frappe.bold(journey), _(journey_doc.status)
			),
			title=_("Cannot enrol"),
		)
	holds = member_doctypes(journey_doc)
	if doctype not in holds:
		frappe.throw(
			_("Journey {0} holds {1}, not {2}").format(
				frappe.bold(journey), " / ".join(_(d) for d in holds), _(doctype)
			),
			title=_("Cannot enrol"),
		)
	selected = sorted(set(_name_list(names)))
	if not selected:
		frappe.throw(_("Select the people to enrol"), title=_("Cannot enrol"))
	people = _readable_people(doctype, selected)
	return enrol(journey_doc, doctype, people)


@frappe.whitelist()
@frappe.validate_and_sanitize_search_inputs
def enrollable_journeys(
	doctype: str, txt: str, searchfield: str, start: int, page_len: int, filters: dict
) -> list:
	"""The Enrol dialog's journeys: Active ones the user may read that can hold `member_doctype`."""
	person = (filters or {}).get("member_doctype")
	journeys = frappe.get_list(
		"Marketing Journey",
		filters={"status": "Active", "journey_name": ("like", f"%{txt}%")},
		fields=["name", "entry_type", "entry_target_list", "event", "campaign"],
		order_by="modified desc",
	)
	fitting = [(j.name, j.campaign or _(j.entry_type)) for j in journeys if person in member_doctypes(j)]
	return fitting[int(start) : int(start) + int(page_len)]


def _name_list(names: list[str] | str) -> list[str]:
	"""A list view sends a JSON array, a form one name."""
	if isinstance(names, str):
		names = json.loads(names) if names.lstrip().startswith("[") else [names]
	return [name for name in names if name]


def _readable_people(doctype: str, names: list[str]) -> list[dict]:
	"""{member, member_name} of each person, after checking the user may read every one of them."""
	table = frappe.qb.DocType(doctype)
	member_name = contact_columns(doctype, table)[0]
	found = dict(frappe.qb.from_(table).select(table.name, member_name).where(table.name.isin(names)).run())
	missing = [name for name in names if name not in found]
	if missing:
		frappe.throw(
			_("{0} not found: {1}").format(_(doctype), ", ".join(missing[:10])), title=_("Cannot enrol")
		)
	readable = set(frappe.get_list(doctype, filters={"name": ("in", names)}, pluck="name"))
	unreadable = [name for name in names if name not in readable]
	if unreadable:
		frappe.throw(
			_("You may not read {0} {1}").format(_(doctype), ", ".join(unreadable[:10])),
			frappe.PermissionError,
		)
	return [{"member": name, "member_name": found[name]} for name in names]


@frappe.whitelist()
def member_journeys(doctype: str, name: str) -> list[dict]:
	"""The person's enrolments, newest first: journey, status, current step (id, label, type),
	next run, entry and end."""
	frappe.has_permission(doctype, "read", doc=name, throw=True)
	if not frappe.has_permission(ENROLMENT, "read"):
		return []
	e, step = frappe.qb.DocType(ENROLMENT), frappe.qb.DocType("Marketing Journey Step")
	return (
		frappe.qb.from_(e)
		.left_join(step)
		.on(
			(step.parent == e.journey)
			& (step.parenttype == "Marketing Journey")
			& (step.step_id == e.current_step)
		)
		.select(
			e.name,
			e.journey,
			e.status,
			e.current_step,
			step.step_label,
			step.step_type,
			e.next_run_on,
			e.entered_on,
			e.exited_on,
			e.variant,
		)
		.where((e.member_doctype == doctype) & (e.member == name))
		.orderby(e.entered_on, order=frappe.qb.desc)
		.limit(MEMBER_JOURNEYS_SHOWN)
		.run(as_dict=True)
	)
