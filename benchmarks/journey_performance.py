"""Journey Performance benchmark: the report against the bare grouped count of the journey's step log.

    cd /opt/bench && CRM_SITE=$SITE env/bin/python apps/crm_marketing_app/benchmarks/journey_performance.py

Builds one journey (Wait → Split → two ToDos → Branch → Exit, the integration test's) with
CRM_BENCH_ENROLMENTS enrolments (default 100 000) entered over 90 days and their step log
(about 3.2 log rows per enrolment) by bulk SQL from MariaDB's sequence tables: a tenth just
entered, a tenth waiting at the Split, the rest through a variant to the Branch, where they
converted, went on, exited or still wait. Then measures (best of 3 each, interleaved)
  - the baseline: SELECT step_id, outcome, COUNT(*) of the journey's log GROUP BY both;
  - the report (`execute`) over all the enrolments, and over a 30-day cohort.
Prints the ratios measured in this run (target: the report within 8x the bare count, since it
reads the log joined with the enrolments, the anti-join of who stands where, the variants and the
statuses), then deletes everything it created.
"""

import os

import frappe
from common import SITE, best_of, connect, timed

N = int(os.environ.get("CRM_BENCH_ENROLMENTS", 100_000))
PREFIX = "BENCH-JP-"
JOURNEY = PREFIX + "journey"
TARGET = 8.0
# seq % 10 → (status, current step, the steps logged before it with their outcomes)
GROUPS = {
	0: ("Active", "W1", ()),
	1: ("Waiting", "SP", ("W1",)),
	2: ("Converted", "BR", ("W1", "SP", "T")),
	3: ("Converted", "BR", ("W1", "SP", "T")),
	4: ("Completed", "BR", ("W1", "SP", "T", "BR:Yes")),
	5: ("Completed", "BR", ("W1", "SP", "T", "BR:Yes")),
	6: ("Completed", "BR", ("W1", "SP", "T", "BR:Yes")),
	7: ("Exited", "EX", ("W1", "SP", "T", "BR:No", "EX")),
	8: ("Exited", "EX", ("W1", "SP", "T", "BR:No", "EX")),
	9: ("Waiting", "BR", ("W1", "SP", "T")),
}


def build_data():
	"""Setup by bulk SQL, not the subject of the benchmark."""
	from tests.integration.test_journey_performance import make_journey

	make_journey(JOURNEY)
	status = "ELT(seq %% 10 + 1, " + ", ".join(f"'{GROUPS[g][0]}'" for g in range(10)) + ")"
	step = "ELT(seq %% 10 + 1, " + ", ".join(f"'{GROUPS[g][1]}'" for g in range(10)) + ")"
	frappe.db.sql(
		f"""INSERT INTO `tabJourney Enrolment` (name, creation, modified, owner, modified_by, journey,
			member_doctype, member, member_name, status, current_step, variant, entered_on, step_started_on,
			next_run_on, pass_no, entry_key)
		SELECT CONCAT(%(prefix)s, 'E', seq), NOW(), NOW(), 'Administrator', 'Administrator', %(journey)s,
			'Lead', CONCAT(%(prefix)s, 'L', seq), CONCAT('Bench ', seq), {status}, {step},
			IF(seq %% 10 < 2, '', IF(seq %% 2, 'A', 'B')), TIMESTAMP('2026-01-01 09:00:00') + INTERVAL (seq %% 90) DAY,
			NOW(), NOW(), 1, MD5(CONCAT(%(prefix)s, seq))
		FROM seq_1_to_{N}""",
		{"prefix": PREFIX, "journey": JOURNEY},
	)
	logged: dict[str, list[int]] = {}
	for group, (_status, _step, path) in GROUPS.items():
		for entry in path:
			logged.setdefault(entry, []).append(group)
	for entry, groups in logged.items():
		step_id, _sep, outcome = entry.partition(":")
		step_term = "IF(seq %% 2, 'T1', 'T2')" if step_id == "T" else f"'{step_id}'"
		frappe.db.sql(
			f"""INSERT INTO `tabJourney Step Log` (name, creation, modified, owner, modified_by, enrolment,
				journey, step_id, pass_no, member_doctype, member, executed_on, outcome)
			SELECT CONCAT(%(prefix)s, %(entry)s, '-', seq), NOW(), NOW(), 'Administrator', 'Administrator',
				CONCAT(%(prefix)s, 'E', seq), %(journey)s, {step_term}, 1, 'Lead', CONCAT(%(prefix)s, 'L', seq),
				NOW(), %(outcome)s
			FROM seq_1_to_{N} WHERE seq %% 10 IN %(groups)s""",
			{
				"prefix": PREFIX,
				"entry": entry,
				"journey": JOURNEY,
				"outcome": outcome or "Done",
				"groups": tuple(groups),
			},
		)
	frappe.db.commit()


def baseline():
	frappe.db.sql(
		"""SELECT step_id, outcome, COUNT(*) FROM `tabJourney Step Log` WHERE journey = %s
		GROUP BY step_id, outcome""",
		JOURNEY,
	)


def report(filters):
	from crm_marketing_app.crm_marketing_app.report.journey_performance.journey_performance import execute

	return execute({"journey": JOURNEY, **filters})


def cleanup():
	frappe.db.rollback()
	for table, column in (
		("tabJourney Step Log", "journey"),
		("tabJourney Enrolment", "journey"),
		("tabMarketing Journey Step", "parent"),
		("tabMarketing Journey", "name"),
	):
		frappe.db.sql(f"DELETE FROM `{table}` WHERE `{column}` LIKE %s", (PREFIX + "%",))
	frappe.db.commit()


def main():
	connect()
	print(f"site {SITE}: one journey, {N} enrolments")
	try:
		print(
			f"setup {timed(build_data):.1f} s, {frappe.db.count('Journey Step Log', {'journey': JOURNEY})} log rows"
		)
		summary = {item["label"]: item["value"] for item in report({})[4]}
		assert summary["Enrolled"] == N, summary
		month = {"from_date": "2026-01-01", "to_date": "2026-01-30"}
		times = {"baseline": [], "report": [], "report, 30-day cohort": []}
		for _round in range(3):
			times["baseline"].append(best_of(1, baseline))
			times["report"].append(best_of(1, report, {}))
			times["report, 30-day cohort"].append(best_of(1, report, month))
		base = min(times["baseline"])
		for what, runs in times.items():
			print(f"{what:24} {min(runs) * 1000:8.1f} ms   {min(runs) / base:5.2f}x")
		ratio = min(times["report"]) / base
		print(f"report / baseline {ratio:.2f}x (target ≤ {TARGET}x): {'ok' if ratio <= TARGET else 'MISSED'}")
	finally:
		cleanup()


if __name__ == "__main__":
	main()
