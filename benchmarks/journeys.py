"""Marketing Journeys: the set-based runner against a per-enrolment document loop.

    cd /opt/bench && CRM_SITE=<site> env/bin/python apps/crm_marketing_app/benchmarks/journeys.py [enrolments] [waiting enrolments]

Builds `enrolments` Leads (default 100,000; half of them with a marketing score of 50 or more)
and enrols them in a journey Wait (1 day) → Create ToDo → Branch (score ≥ 50), all with
INSERT … SELECT from MariaDB's sequence tables (real Lead inserts would take hours). Then:

- runner: the Wait for everyone (one run), and a day later the ToDo and the Branch for everyone
  (the next run): claims, ToDos with their assignment comments, outcomes, moves;
- baseline: the same three steps per enrolment with documents (`get_doc` / `save` of the
  enrolment, a Step Log document per step, a ToDo document), on a sample, scaled to the size;
- memory: the peak resident size of the process (VmHWM, reset before each) through the runs of
  a tenth of the size and of the full size;
- nothing due: 1,000,000 more enrolments waiting a year, and the scheduled job over every Active
  journey, best of 5.

Everything it created is deleted at the end (also after a failure).
"""

import sys
import time
from datetime import datetime, timedelta

import frappe
from common import best_of, connect

PREFIX = "BENCH-JRN-"
START = datetime(2026, 7, 1, 9, 0)
IDLE = 1_000_000
SAMPLE = 300


def build_leads(count: int) -> None:
	"""`count` Leads named BENCH-JRN-L0000000…, in one INSERT … SELECT."""
	frappe.db.sql(
		f"""INSERT INTO `tabLead` (name, creation, modified, owner, modified_by, docstatus, idx,
			first_name, lead_name, status, marketing_score)
		SELECT CONCAT(%(prefix)s, 'L', LPAD(seq, 7, '0')), %(now)s, %(now)s, 'Administrator',
			'Administrator', 0, 0, CONCAT('Lead ', seq), CONCAT('Lead ', seq), 'Lead', seq MOD 100
		FROM seq_0_to_{count - 1}""",
		{"prefix": PREFIX, "now": START},
	)


def make_journey(name: str):
	doc = frappe.get_doc(
		{
			"doctype": "Marketing Journey",
			"journey_name": f"{PREFIX}{name}",
			"entry_type": "Manual",
			"steps": [
				{"step_id": "wait", "step_type": "Wait", "next_step": "todo", "wait_days": 1},
				{
					"step_id": "todo",
					"step_type": "Create ToDo",
					"next_step": "branch",
					"assign_to": "Administrator",
					"description": "Call {{ member.lead_name }}",
				},
				{"step_id": "branch", "step_type": "Branch", "condition_type": "Score", "threshold": 50},
			],
		}
	).insert()
	doc.activate()
	return doc


def enrol_leads(journey, first: int, count: int, status="Active", next_run_on=START) -> None:
	"""`count` enrolments of the Leads from number `first` on (cycling through the built Leads)
	at the journey's first step, in one INSERT … SELECT."""
	frappe.db.sql(
		f"""INSERT INTO `tabJourney Enrolment` (name, creation, modified, owner, modified_by, docstatus,
			idx, journey, member_doctype, member, member_name, status, current_step, next_run_on,
			entered_on, step_started_on, pass_no, entry_key)
		SELECT CONCAT(%(prefix)s, %(tag)s, LPAD(seq, 7, '0')), %(now)s, %(now)s, 'Administrator',
			'Administrator', 0, 0, %(journey)s, 'Lead', CONCAT(%(prefix)s, 'L', LPAD(seq MOD %(leads)s, 7, '0')),
			CONCAT('Lead ', seq MOD %(leads)s), %(status)s, 'wait', %(due)s, %(now)s, %(now)s, 1,
			MD5(CONCAT(%(journey)s, '-', seq))
		FROM seq_{first}_to_{first + count - 1}""",
		{
			"prefix": PREFIX,
			"tag": journey.name[-6:],
			"now": START,
			"journey": journey.name,
			"leads": LEADS,
			"status": status,
			"due": next_run_on,
		},
	)
	frappe.db.commit()


def reset_peak() -> None:
	with open("/proc/self/clear_refs", "w") as f:
		f.write("5")


def peak_mib() -> float:
	with open("/proc/self/status") as f:
		for line in f:
			if line.startswith("VmHWM:"):
				return int(line.split()[1]) / 1024
	return 0.0


def runner_through(journey) -> tuple[float, float, dict]:
	"""The two runs (the Wait, then a day later ToDo and Branch); returns their seconds and counts."""
	from crm_marketing_app.journeys.runner import run_journey

	started = time.perf_counter()
	first = run_journey(journey.name, START)
	wait_s = time.perf_counter() - started
	started = time.perf_counter()
	second = run_journey(journey.name, START + timedelta(days=1, minutes=5))
	return wait_s, time.perf_counter() - started, {"wait run": first, "next run": second}


def document_loop(journey, names: list[str]) -> float:
	"""The baseline: each enrolment through the three steps as documents, one at a time."""
	started = time.perf_counter()
	now = START + timedelta(days=1, minutes=5)
	for name in names:
		enrolment = frappe.get_doc("Journey Enrolment", name)
		for step_id, outcome in (("wait", "Done"), ("todo", "Done"), ("branch", None)):
			artefact = None
			if step_id == "todo":
				artefact = frappe.get_doc(
					{
						"doctype": "ToDo",
						"allocated_to": "Administrator",
						"description": f"Call {enrolment.member_name}",
						"reference_type": "Lead",
						"reference_name": enrolment.member,
						"date": now.date(),
					}
				).insert()
			if step_id == "branch":
				score = frappe.db.get_value("Lead", enrolment.member, "marketing_score")
				outcome = "Yes" if score >= 50 else "No"
			frappe.get_doc(
				{
					"doctype": "Journey Step Log",
					"enrolment": enrolment.name,
					"journey": journey.name,
					"step_id": step_id,
					"pass_no": 1,
					"member_doctype": "Lead",
					"member": enrolment.member,
					"executed_on": now,
					"outcome": outcome,
					"artefact_doctype": "ToDo" if artefact else None,
					"artefact_name": artefact.name if artefact else None,
				}
			).insert()
			enrolment.current_step = {"wait": "todo", "todo": "branch", "branch": "branch"}[step_id]
			enrolment.next_run_on = now
			enrolment.status = "Completed" if step_id == "branch" else "Active"
			enrolment.save()
	return time.perf_counter() - started


def cleanup() -> None:
	frappe.db.rollback()
	journeys = frappe.get_all("Marketing Journey", {"journey_name": ("like", f"{PREFIX}%")}, pluck="name")
	if journeys:
		for table in ("Journey Step Log", "Journey Enrolment"):
			frappe.db.sql(f"DELETE FROM `tab{table}` WHERE journey IN %(j)s", {"j": journeys})
	frappe.db.sql("DELETE FROM `tabToDo` WHERE reference_name LIKE %s", f"{PREFIX}%")
	frappe.db.sql("DELETE FROM `tabComment` WHERE reference_name LIKE %s", f"{PREFIX}%")
	frappe.db.sql("DELETE FROM `tabLead` WHERE name LIKE %s", f"{PREFIX}%")
	for name in journeys:
		frappe.delete_doc("Marketing Journey", name, force=True)
	frappe.db.commit()


def main():
	global LEADS, IDLE
	LEADS = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
	IDLE = int(sys.argv[2]) if len(sys.argv) > 2 else IDLE
	small = LEADS // 10
	connect()
	from crm_marketing_app.tasks import run_journeys

	cleanup()
	try:
		started = time.perf_counter()
		build_leads(LEADS)
		tenth, full, sample = make_journey("tenth"), make_journey("full"), make_journey("sample")
		enrol_leads(tenth, 0, small)
		enrol_leads(full, 0, LEADS)
		enrol_leads(sample, 0, SAMPLE)
		print(
			f"built {LEADS:,} leads and {small + LEADS + SAMPLE:,} enrolments in {time.perf_counter() - started:.1f} s"
		)

		reset_peak()
		runner_through(tenth)
		peak_small = peak_mib()
		reset_peak()
		wait_s, next_s, counts = runner_through(full)
		peak_full = peak_mib()
		run_s = wait_s + next_s
		todos = frappe.db.count("ToDo", {"reference_name": ("like", f"{PREFIX}%")})
		assert todos == small + LEADS, todos
		assert counts["wait run"]["done"] == LEADS, counts
		assert counts["next run"]["done"] == LEADS, counts
		assert counts["next run"]["yes"] + counts["next run"]["no"] == LEADS, counts
		assert frappe.db.count("Journey Enrolment", {"journey": full.name, "status": "Completed"}) == LEADS

		names = frappe.get_all("Journey Enrolment", {"journey": sample.name}, pluck="name")
		loop_s = document_loop(sample, names) * LEADS / len(names)
		frappe.db.rollback()

		print(f"{LEADS:,} enrolments through Wait → Create ToDo → Branch: {counts}")
		print(f"{'':52}{'seconds':>10}{'vs loop':>10}")
		print(f"{f'per-enrolment documents (sample of {SAMPLE}, scaled)':52}{loop_s:10.1f}{1:10.1f}x")
		print(f"{'runner: the Wait for everyone':52}{wait_s:10.1f}{'':>10}")
		print(f"{'runner: a day later, ToDo and Branch for everyone':52}{next_s:10.1f}{'':>10}")
		print(f"{'runner: both runs':52}{run_s:10.1f}{loop_s / run_s:10.1f}x")
		print(
			f"peak resident memory of the runs: {small:,} enrolments {peak_small:.0f} MiB, {LEADS:,} enrolments {peak_full:.0f} MiB"
		)

		started = time.perf_counter()
		idle = make_journey("idle")
		enrol_leads(idle, 0, IDLE, status="Waiting", next_run_on=START + timedelta(days=365))
		print(f"built {IDLE:,} waiting enrolments in {time.perf_counter() - started:.1f} s")
		moment = START + timedelta(days=2)
		open_count = frappe.db.count("Journey Enrolment", {"status": ("in", ("Active", "Waiting"))})
		idle_s = best_of(5, run_journeys, moment)
		assert frappe.db.count("Journey Step Log", {"journey": idle.name}) == 0
		print(
			f"scheduled run, nothing due, {open_count:,} open enrolments: {idle_s * 1000:.0f} ms (best of 5)"
		)
	finally:
		cleanup()
		frappe.destroy()


if __name__ == "__main__":
	main()
