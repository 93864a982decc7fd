"""Journey Enrolments: who is in a journey, and ending them in one statement.

`entry_key` (unique) is what keeps a person from entering twice: journey and person
(Never), plus the source document (Per Source Document); for After Exit it is cleared
when the enrolment ends, so the person may enter again.
"""

import hashlib

import frappe
from frappe.query_builder.functions import Coalesce, Function
from frappe.utils import now_datetime
from pypika.terms import Term, ValueWrapper

from crm_marketing_app.bulk import insert_rows
from crm_marketing_app.journeys.checks import OPEN_STATUSES

ENROLMENT = "Journey Enrolment"
LOG = "Journey Step Log"


def end_open_enrolments(journey: str, status: str, criterion=None) -> int:
	"""Ends the journey's open enrolments (narrowed by `criterion` on the enrolment table) with
	`status`; returns how many. After Exit journeys free the entry key for a later entry."""
	e = frappe.qb.DocType(ENROLMENT)
	where = (e.journey == journey) & e.status.isin(OPEN_STATUSES)
	if criterion is not None:
		where &= criterion
	query = frappe.qb.update(e).set(e.status, status).set(e.exited_on, now_datetime()).where(where)
	if frappe.db.get_value("Marketing Journey", journey, "reentry") == "After Exit":
		query = query.set(e.entry_key, None)
	query.run()
	return frappe.db.sql("SELECT ROW_COUNT()")[0][0]


def entry_key(
	journey, member_doctype: str, member: str, source_doctype: str | None, source_name: str | None
) -> str:
	"""What may enter once: the person, and under Per Source Document the source document too."""
	parts = [journey.name, member_doctype, member]
	if journey.reentry == "Per Source Document":
		parts += [source_doctype or "", source_name or ""]
	return hashlib.md5("\x1f".join(parts).encode()).hexdigest()


def entry_key_term(journey, member_doctype, member, source_doctype, source_name):
	"""`entry_key` as SQL, of columns (or values) of a selection: the same digest."""
	parts = [journey.name, member_doctype, member]
	if journey.reentry == "Per Source Document":
		parts += [Coalesce(source_doctype, ""), Coalesce(source_name, "")]
	terms = [part if isinstance(part, Term) else ValueWrapper(part) for part in parts]
	return Function("MD5", Function("CONCAT_WS", ValueWrapper("\x1f"), *terms))


def enrol(journey, member_doctype: str, people: list[dict], timestamp=None) -> int:
	"""Enrols people in one INSERT IGNORE: each a dict with `member` and optionally `member_name`,
	`source_doctype`, `source_name`. Whoever the journey's re-entry rule keeps out is left out
	(the unique entry key, whatever runs at the same time). Returns how many entered."""
	if not people or not journey.steps:
		return 0
	timestamp = timestamp or now_datetime()
	rows = {}
	for person in people:
		key = entry_key(
			journey, member_doctype, person["member"], person.get("source_doctype"), person.get("source_name")
		)
		rows[key] = {
			"journey": journey.name,
			"member_doctype": member_doctype,
			"member": person["member"],
			"member_name": person.get("member_name") or person["member"],
			"source_doctype": person.get("source_doctype"),
			"source_name": person.get("source_name"),
			"status": "Active",
			"current_step": journey.steps[0].step_id,
			"next_run_on": timestamp,
			"entered_on": timestamp,
			"step_started_on": timestamp,
			"pass_no": 1,
			"entry_key": key,
		}
	existing = set(frappe.get_all(ENROLMENT, filters={"entry_key": ("in", list(rows))}, pluck="entry_key"))
	fresh = [row for key, row in sorted(rows.items()) if key not in existing]
	insert_rows(ENROLMENT, fresh, timestamp=timestamp, ignore_duplicates=True)
	return len(fresh)
