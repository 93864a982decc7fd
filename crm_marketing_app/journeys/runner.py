"""Runs the Active Marketing Journeys (every 5 minutes): goals, then entry, then the due steps.

Per journey and step, chunk by chunk: the due enrolments are read under a row lock (a second
runner at the same step waits for this one's commit and then finds what is left), and claimed by
INSERT IGNORE of their Journey Step Log rows (unique per enrolment, step and pass) carrying this
run's id; the step's action creates the chunk's artefacts in bulk (`journeys.steps`); the log
outcomes and the enrolments (step, due time, status, pass, variant) are written back in one
statement each; the chunk is committed (`jobs.commit_chunk`), and only then do texts leave. A crash
rolls back the claims with the artefacts, so the next run does the chunk again. Nothing is done
twice.

People move through as many steps as are due in one run: after a step, whoever goes on at once
is due for the next one (a loop always holds a Wait, `engine.journeys.check_steps`).
"""

import hashlib
from collections import Counter
from datetime import datetime

import frappe
from frappe import _
from frappe.utils import get_datetime, now_datetime

from crm_marketing_app import jobs
from crm_marketing_app.bulk import insert_rows, update_rows
from crm_marketing_app.engine.journeys import Step, back_edges, route
from crm_marketing_app.journeys import entry, goals
from crm_marketing_app.journeys.checks import OPEN_STATUSES
from crm_marketing_app.journeys.enrolments import ENROLMENT, LOG
from crm_marketing_app.journeys.steps import ACTIONS, DECIDING, StepRun

CHUNK = 500  # at most bulk.BATCH: a chunk's claims are then one INSERT, whose row count tells all


def run_journeys(now: datetime | str | None = None) -> dict[str, dict]:
	"""The scheduled job: every Active journey; one failing journey does not stop the others."""
	now = get_datetime(now) if now else now_datetime()
	names = frappe.get_all("Marketing Journey", filters={"status": "Active"}, pluck="name", order_by="name")
	return jobs.run_each(
		"Marketing Journey",
		names,
		lambda name: run_journey(name, now),
		lambda name: _("Marketing Journey {0} failed").format(name),
		_("Running Marketing Journeys"),
	)


def run_journey(name: str, now: datetime | str | None = None) -> dict[str, int]:
	"""One run of an Active journey; returns how many converted, entered, and each step outcome."""
	journey = frappe.get_doc("Marketing Journey", name)
	if journey.status != "Active":
		return {}
	now = get_datetime(now) if now else now_datetime()
	run_id = frappe.generate_hash(length=20)
	counts = Counter(converted=goals.convert(journey))
	jobs.commit_chunk()
	counts["entered"] = entry.enter(journey, now)
	steps = {row.step_id: row for row in journey.steps}
	loops = back_edges([Step.of(row) for row in journey.steps])
	# a path that does not stop is at most as long as the journey, so this many rounds see everyone stop
	for _round in range(len(steps) + 1):
		due = due_steps(journey.name, now)
		if not due:
			break
		for row in journey.steps:
			if row.step_id in due:
				counts.update(run_step(journey, row, loops, now, run_id))
	# not db_set: it loads the journey again to compare (most of a run where nothing is due)
	frappe.db.set_value("Marketing Journey", journey.name, "last_run_on", now, update_modified=False)
	jobs.commit_chunk()
	frappe.publish_progress(
		100,
		title=_("Running Marketing Journey {0}").format(journey.journey_name),
		doctype="Marketing Journey",
		docname=journey.name,
	)
	return {key: value for key, value in counts.items() if value}


def due_steps(journey: str, now: datetime) -> set[str]:
	"""The steps holding someone due now (the (status, next_run_on) index finds them)."""
	e = frappe.qb.DocType(ENROLMENT)
	return set(
		frappe.qb.from_(e)
		.select(e.current_step)
		.distinct()
		.where(e.status.isin(OPEN_STATUSES) & (e.next_run_on <= now) & (e.journey == journey))
		.run(pluck=True)
	)


def run_step(journey, row, loops: set[tuple[str, str]], now: datetime, run_id: str) -> Counter:
	"""Every chunk of the enrolments due at one step.

	A step that only decides (`steps.DECIDING`: waits, Branch, Split, Exit) makes nothing, so its
	outcomes are worked out before the claim and go into the log rows that claim: one write per row
	instead of two."""
	step, action, counts = Step.of(row), ACTIONS[row.step_type], Counter()
	deciding = row.step_type in DECIDING
	while due := due_rows(journey.name, step.step_id, now):
		run = StepRun(journey, row, now)
		decided = action(run, due) if deciding else None
		claimed = claim(journey, step.step_id, due, decided, now, run_id)
		if not claimed:
			break  # another run holds them
		results = decided or action(run, claimed)
		counts.update(advance(journey, step, loops, claimed, results, now, logged=deciding))
		jobs.commit_chunk()
		for work in run.after_commit:
			work()
	return counts


def log_name(row: dict) -> str:
	"""The log's unique key as its name, so that a claim has one name in every run."""
	key = (row["enrolment"], row["step_id"], str(row["pass_no"]))
	return hashlib.md5("\x1f".join(key).encode()).hexdigest()


def enrolment_columns(e) -> list:
	return [
		e.name,
		e.member_doctype,
		e.member,
		e.member_name,
		e.source_doctype,
		e.source_name,
		e.status,
		e.current_step,
		e.pass_no,
		e.variant,
		e.entered_on,
		e.step_started_on,
		e.next_run_on,
		e.entry_key,
	]


def due_rows(journey: str, step_id: str, now: datetime) -> list[dict]:
	"""Up to CHUNK enrolments due at the step, read and locked as they are now (in index order:
	whoever is done leaves the step, so the next chunk is the next rows). A second run at the same
	step waits here for this one's commit, then finds what is left."""
	e = frappe.qb.DocType(ENROLMENT)
	return (
		frappe.qb.from_(e)
		.select(*enrolment_columns(e))
		.where(
			(e.journey == journey)
			& e.status.isin(OPEN_STATUSES)
			& (e.current_step == step_id)
			& (e.next_run_on <= now)
		)
		.limit(CHUNK)
		.for_update()
	).run(as_dict=True)


def claim(journey, step_id: str, due: list[dict], decided: dict | None, now: datetime, run_id: str):
	"""Log rows for the due (locked) enrolments; returns those this run claimed (with `log_name`),
	and those a deciding step keeps where they are (no log row, `log_name` None).

	The log rows are INSERT IGNOREd in name order under their unique key: whatever already has a
	row for this step and pass is not done again. With `decided`, the rows carry their outcome."""
	rows, staying = [], []
	for d in due:
		result = decided[d.name] if decided else None
		if result and result.outcome is None:
			d.log_name = None
			staying.append(d)
			continue
		d.log_name = log_name({"enrolment": d.name, "step_id": step_id, "pass_no": d.pass_no})
		rows.append(
			{
				"enrolment": d.name,
				"journey": journey.name,
				"step_id": step_id,
				"pass_no": d.pass_no,
				"member_doctype": d.member_doctype,
				"member": d.member,
				"executed_on": now,
				"run_id": run_id,
				**(log_outcome(result) if decided else {}),
			}
		)
	rows.sort(key=log_name)
	insert_rows(LOG, rows, name=log_name, timestamp=now, ignore_duplicates=True)
	# fewer rows in than claimed (or several statements): ask which are this run's
	if rows and frappe.db._cursor.rowcount != len(rows):
		log = frappe.qb.DocType(LOG)
		# by primary key only, the run id compared here: with it in the query the optimiser may
		# walk every row of the run instead
		found = (
			frappe.qb.from_(log)
			.select(log.name, log.run_id)
			.where(log.name.isin([d.log_name for d in due if d.log_name]))
		)
		mine = {name for name, claimed_by in found.run() if claimed_by == run_id}
		return [d for d in due if d.log_name is None or d.log_name in mine]
	return due


def log_outcome(result) -> dict:
	return {
		"outcome": result.outcome,
		"artefact_doctype": result.artefact_doctype,
		"artefact_name": result.artefact_name,
		"error": result.error,
	}


def advance(journey, step: Step, loops, claimed: list[dict], results: dict, now: datetime, logged: bool):
	"""Writes the chunk's log outcomes (unless the claim `logged` them) and moves its enrolments on,
	one statement each; returns the count of each outcome (and of those left waiting at the step)."""
	frees_key = journey.reentry == "After Exit"
	target_type = {row.step_id: row.step_type for row in journey.steps}
	logs, enrolments, staying, counts = [], [], [], Counter()
	for row in claimed:
		result = results[row.name]
		moved = {
			"name": row.name,
			"current_step": row.current_step,
			"status": row.status,
			"next_run_on": row.next_run_on,
			"step_started_on": row.step_started_on,
			"pass_no": row.pass_no,
			"variant": row.variant,
			"exited_on": None,
			"entry_key": row.entry_key,
			"modified": now,
		}
		if result.outcome is None:
			counts["waiting"] += 1
			if row.log_name:
				staying.append(row.log_name)
			moved.update(status="Waiting", next_run_on=result.next_run_on)
			enrolments.append(moved)
			continue
		counts[result.outcome.lower()] += 1
		if not logged:
			logs.append({"name": row.log_name, **log_outcome(result), "executed_on": now, "modified": now})
		variant = result.variant or row.variant
		target = route(step, result.variant or result.outcome)
		if result.outcome == "Failed" or step.step_type == "Exit" or not target:
			ended = (
				"Failed"
				if result.outcome == "Failed"
				else "Exited"
				if step.step_type == "Exit"
				else "Completed"
			)
			moved.update(status=ended, exited_on=now, variant=variant)
			if frees_key:
				moved["entry_key"] = None
		else:
			due = result.next_run_on or now
			moved.update(
				current_step=target,
				status="Waiting" if due > now else "Active",
				next_run_on=due,
				# Branches one after another are one decision about the same moment ("accepted?
				# else declined?"): the next one looks at responses since the first one began
				step_started_on=row.step_started_on
				if step.step_type == target_type[target] == "Branch"
				else now,
				pass_no=row.pass_no + ((step.step_id, target) in loops),
				variant=variant,
			)
		enrolments.append(moved)
	if staying:
		# no outcome yet: the claim goes, so that the next run looks again
		log = frappe.qb.DocType(LOG)
		frappe.qb.from_(log).delete().where(log.name.isin(staying)).run()
	update_rows(LOG, logs)
	update_rows(ENROLMENT, enrolments)
	return counts
