"""Who enters a journey at a run: the Active members of its Target List, or the records its Event
fires for, in chunks, each chunk through `enrolments.enrol` (one INSERT IGNORE under the entry key).

The Event selection is the Marketing Triggers' own (`automation.selection.due_records`) with
"not entered yet" in place of "not in the trigger's log": the person (and under Per Source
Document the record the event fires for: the order, customer, lead or response) has no entry key
in the journey yet.
"""

from datetime import datetime

import frappe
from pypika.terms import ExistsCriterion

from crm_marketing_app import jobs
from crm_marketing_app.automation.selection import due_records, with_party
from crm_marketing_app.journeys.enrolments import ENROLMENT, enrol, entry_key_term

CHUNK = 5000


def enter(journey, now: datetime) -> int:
	"""Enrols who is due to enter; returns how many entered."""
	select = {"Target List": _list_members, "Event": _event_records}.get(journey.entry_type)
	if not select:
		return 0  # Manual: people enter from the desk
	entered = 0
	while True:
		people = select(journey, now).limit(CHUNK).run(as_dict=True)
		added = 0
		for member_doctype in sorted({person.member_doctype for person in people}):
			added += enrol(
				journey, member_doctype, [p for p in people if p.member_doctype == member_doctype], now
			)
		jobs.commit_chunk()
		entered += added
		if len(people) < CHUNK or not added:
			return entered


def not_entered(journey, member_doctype, member, source_doctype=None, source_name=None):
	e = frappe.qb.DocType(ENROLMENT)
	key = entry_key_term(journey, member_doctype, member, source_doctype, source_name)
	return ExistsCriterion(frappe.qb.from_(e).select(e.name).where(e.entry_key == key)).negate()


def _list_members(journey, now):
	m = frappe.qb.DocType("Target List Member")
	return (
		frappe.qb.from_(m)
		.select(m.member_doctype, m.member, m.member_name)
		.where(
			(m.target_list == journey.entry_target_list)
			& (m.status == "Active")
			& not_entered(journey, m.member_doctype, m.member)
		)
		.orderby(m.member)
	)


def _event_records(journey, now):
	due = due_records(
		journey,
		now.date(),
		not_done=lambda ref_doctype, ref_name, party_doctype, party: not_entered(
			journey, party_doctype, party, ref_doctype, ref_name
		),
	).as_("due")
	people = with_party(due).as_("people")
	return (
		frappe.qb.from_(people)
		.select(
			people.party_doctype.as_("member_doctype"),
			people.party.as_("member"),
			people.party_name.as_("member_name"),
			people.reference_doctype.as_("source_doctype"),
			people.reference_name.as_("source_name"),
		)
		.orderby(people.party)
		.orderby(people.reference_name)
	)
