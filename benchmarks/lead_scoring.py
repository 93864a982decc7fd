"""Lead scoring benchmark: full set-based rescore against a per-Lead Python loop and a bare UPDATE.

    cd /opt/bench && CRM_SITE=$SITE env/bin/python apps/crm_marketing_app/benchmarks/lead_scoring.py

Builds CRM_BENCH_LEADS Leads (default 100 000) and three Campaign Responses per Lead with MariaDB's
sequence tables, 20 mixed rules, then measures
  - (b) one bare `UPDATE tabLead SET marketing_score = 0`,
  - the full rescore (`rescore_all(["Lead"])`) right after it: every score rewritten, as after a rule
    change; then again with nothing to change (the daily run),
  - every grade rewritten with the rows growing (grades set to NULL first), against a grade-only
    UPDATE of the same rows that scores nothing: InnoDB cannot grow a row in place on a full page,
    so that write alone costs several bare UPDATEs; the first scoring of leads that were never
    scored (grade and date NULL) is the same case,
  - (a) a per-Lead loop evaluating in Python and writing with frappe.db.set_value, timed on
    CRM_BENCH_LOOP_SAMPLE Leads (default 2 000) and scaled linearly to all of them,
  - Lead insert time with and without the app's validate hook (interleaved batches).
Prints ratios measured in this run, then deletes everything it created and rescores what is left.
"""

import os
import sys
import time

import frappe
from common import SITE, connect

N_LEADS = int(os.environ.get("CRM_BENCH_LEADS", 100_000))
LOOP_SAMPLE = int(os.environ.get("CRM_BENCH_LOOP_SAMPLE", 2_000))
INSERTS = int(os.environ.get("CRM_BENCH_INSERTS", 300))
PREFIX = "BENCH-LEAD-"
RULE_PREFIX = "BENCH "
HOOK = "crm_marketing_app.overrides.lead.validate"

RULES = [
	dict(field="city", operator="=", value="Kyiv", points=8),
	dict(field="city", operator="in", value="Lviv, Odesa", points=5),
	dict(field="country", operator="=", value="Ukraine", points=8),
	dict(field="email_id", operator="is set", points=7),
	dict(field="job_title", operator="is set", points=8),
	dict(field="job_title", operator="like", value="%president%", points=15),
	dict(field="job_title", operator="like", value="director", points=10),
	dict(field="job_title", operator="not like", value="%intern%", points=2),
	dict(field="annual_revenue", operator=">", value="1000000", points=10),
	dict(field="annual_revenue", operator="<=", value="0", points=-3),
	dict(field="unsubscribed", operator="=", value="1", points=-40),
	dict(field="qualified_on", operator="is set", points=6),
	dict(field="qualified_on", operator=">=", value="2026-01-01", points=4),
	dict(rule_type="Activity", response_type="Website Visit", within_days=30, per_occurrence=1, points=3),
	dict(rule_type="Activity", response_type="Website Visit", points=1),
	dict(rule_type="Activity", response_type="Downloaded", per_occurrence=1, points=5, max_points=20),
	dict(
		rule_type="Activity", response_type="Opened", within_days=7, per_occurrence=1, points=1, max_points=5
	),
	dict(rule_type="Activity", response_type="Registered", within_days=60, points=10),
	dict(rule_type="Activity", response_type="Unsubscribed", points=-25),
	dict(rule_type="Activity", response_type="Clicked", within_days=14, per_occurrence=1, points=2),
]
RESPONSE_TYPES = (
	"Website Visit",
	"Downloaded",
	"Opened",
	"Registered",
	"Clicked",
	"Website Visit",
	"Unsubscribed",
	"Sent",
)


def timed(fn, *args):
	start = time.perf_counter()
	fn(*args)
	return time.perf_counter() - start


def build_rules():
	"""Rescored inline (in_test) while only the site's own leads exist, so no job is queued."""
	frappe.flags.in_test = True
	for i, rule in enumerate(RULES):
		frappe.get_doc(
			{
				"doctype": "Lead Score Rule",
				"rule_name": f"{RULE_PREFIX}{i:02d}",
				"applies_to": "Lead",
				"rule_type": "Attribute",
				**rule,
			}
		).insert()
	frappe.flags.in_test = False
	frappe.db.commit()


def build_data():
	"""Leads and responses straight from the sequence engine: setup, not the subject of the benchmark."""
	n_responses = 3 * N_LEADS
	frappe.db.sql(
		f"""INSERT INTO `tabLead` (name, creation, modified, owner, modified_by, lead_name, first_name, status,
			city, country, email_id, job_title, annual_revenue, unsubscribed, qualified_on)
		SELECT CONCAT(%(prefix)s, LPAD(seq, 7, '0')), NOW(), NOW(), 'Administrator', 'Administrator',
			CONCAT('Bench ', seq), CONCAT('Bench ', seq), 'Lead',
			ELT(seq %% 5 + 1, 'Kyiv', 'Lviv', 'Odesa', 'Kharkiv', NULL),
			IF(seq %% 3, 'Ukraine', 'Poland'),
			IF(seq %% 4, CONCAT('bench', seq, '@example.com'), NULL),
			ELT(seq %% 6 + 1, 'Vice President', 'Sales Director', 'Intern', 'Engineer', '', NULL),
			(seq %% 10) * 250000, IF(seq %% 17 = 0, 1, 0),
			IF(seq %% 2, DATE('2025-06-01') + INTERVAL (seq %% 400) DAY, NULL)
		FROM seq_1_to_{N_LEADS}""",
		{"prefix": PREFIX},
	)
	types = ", ".join(frappe.db.escape(t) for t in RESPONSE_TYPES)
	frappe.db.sql(
		f"""INSERT INTO `tabCampaign Response` (name, creation, modified, owner, modified_by,
			respondent_doctype, respondent, response_type, response_date)
		SELECT CONCAT(%(prefix)s, 'R', seq), NOW(), NOW(), 'Administrator', 'Administrator',
			'Lead', CONCAT(%(prefix)s, LPAD(seq %% {N_LEADS} + 1, 7, '0')),
			ELT(seq %% {len(RESPONSE_TYPES)} + 1, {types}), NOW() - INTERVAL (seq %% 97) DAY
		FROM seq_1_to_{n_responses}""",
		{"prefix": PREFIX},
	)
	frappe.db.commit()


def python_loop(names):
	from crm_marketing_app.scoring.incremental import evaluate_record, score_fields

	for name in names:
		doc = frappe.get_doc("Lead", name)
		frappe.db.set_value(
			"Lead", name, score_fields(evaluate_record("Lead", doc, name), {}), update_modified=False
		)


def insert_leads(n, with_hook):
	"""Inserts n Leads; returns the seconds spent inside the app's validate hook (0 without it)."""
	from crm_marketing_app.scoring import incremental

	hooks = frappe.get_doc_hooks()
	saved_hooks, score_document = hooks["Lead"]["validate"], incremental.score_document
	inside = 0.0

	def timed_hook(doc):
		nonlocal inside
		start = time.perf_counter()
		score_document(doc)
		inside += time.perf_counter() - start

	if with_hook:
		incremental.score_document = timed_hook  # overrides.lead looks it up at call time
	else:
		hooks["Lead"]["validate"] = [h for h in saved_hooks if h != HOOK]
	try:
		for i in range(n):
			frappe.get_doc(
				{
					"doctype": "Lead",
					"first_name": f"{PREFIX}insert {i}",
					"email_id": f"insert{i}-{time.time_ns()}@example.com",
					"job_title": "Vice President",
					"city": "Kyiv",
				}
			).insert()
	finally:
		hooks["Lead"]["validate"], incremental.score_document = saved_hooks, score_document
	return inside


def cleanup():
	frappe.db.rollback()
	frappe.db.sql("DELETE FROM `tabCampaign Response` WHERE name LIKE %s", (PREFIX + "%",))
	frappe.db.sql(
		"DELETE FROM `tabLead` WHERE name LIKE %s OR first_name LIKE %s", (PREFIX + "%", PREFIX + "%")
	)
	frappe.db.sql("DELETE FROM `tabLead Score Rule` WHERE name LIKE %s", (RULE_PREFIX + "%",))
	frappe.db.commit()
	from crm_marketing_app.scoring.bulk import rescore_all
	from crm_marketing_app.scoring.lead_score_rules import clear_cache

	clear_cache()
	rescore_all()  # the site's own leads had been scored with the benchmark's rules
	frappe.db.commit()


def main():
	connect()
	from crm_marketing_app.scoring.bulk import rescore_all
	from crm_marketing_app.utils import get_settings

	settings = get_settings()

	print(f"site {SITE}: {N_LEADS} leads, {3 * N_LEADS} responses, {len(RULES)} rules")
	try:
		build_rules()
		# Inserts first, while Lead is small: ERPNext's own insert checks slow down on a big table.
		with_hook = without_hook = in_hook = 0.0
		for batch in range(INSERTS // 50):  # interleaved, alternating which goes first
			for hooked in (batch % 2 == 0, batch % 2 == 1):
				start = time.perf_counter()
				in_hook += insert_leads(50, hooked)
				spent = time.perf_counter() - start
				with_hook, without_hook = (
					(with_hook + spent, without_hook) if hooked else (with_hook, without_hook + spent)
				)
		frappe.db.rollback()

		t = timed(build_data)
		total = frappe.db.count("Lead")
		print(f"built in {t:.1f} s ({total} leads on the site)")
		first = timed(rescore_all, ["Lead"])  # never scored: every grade and date goes from NULL

		bare = timed(lambda: frappe.db.sql("UPDATE `tabLead` SET marketing_score = 0"))
		full = timed(rescore_all, ["Lead"])  # every score differs from the 0 just written
		again = timed(rescore_all, ["Lead"])  # nothing changed: no row written

		ungrade = "UPDATE `tabLead` SET score_grade = NULL"
		frappe.db.sql(ungrade)
		frappe.db.commit()
		grade_only = timed(
			lambda: frappe.db.sql(
				"""UPDATE `tabLead` SET score_grade = CASE WHEN marketing_score >= %(hot)s THEN 'Hot'
				WHEN marketing_score >= %(warm)s THEN 'Warm' ELSE 'Cold' END""",
				{"hot": settings.hot_threshold, "warm": settings.warm_threshold},
			)
		)
		frappe.db.sql(ungrade)
		frappe.db.commit()
		regrade = timed(rescore_all, ["Lead"])

		sample = frappe.get_all(
			"Lead", filters={"name": ("like", PREFIX + "%")}, pluck="name", limit=LOOP_SAMPLE
		)
		loop = timed(python_loop, sample) * total / len(sample)
		frappe.db.rollback()

		rows = [
			("(b) bare UPDATE tabLead SET marketing_score=0", bare),
			("full rescore, every score rewritten", full),
			("full rescore, nothing changed", again),
			("grade-only UPDATE, rows growing (no scoring)", grade_only),
			("full rescore, every grade rewritten, rows growing", regrade),
			("first scoring of never-scored leads", first),
			(f"(a) per-Lead Python loop (scaled from {len(sample)})", loop),
			("Lead insert without hook (per lead, ms)", without_hook * 1000 / INSERTS),
			("Lead insert with hook (per lead, ms)", with_hook * 1000 / INSERTS),
		]
		print(f"{'measure':52} {'seconds':>10}")
		for label, seconds in rows:
			print(f"{label:52} {seconds:10.2f}")
		print(f"speed-up over (a): {loop / full:.1f}x (goal >= 30x)")
		print(f"full rescore / bare UPDATE: {full / bare:.2f}x (goal <= 5x)")
		print(f"nothing changed / bare UPDATE: {again / bare:.2f}x")
		print(
			f"rows growing: rescore / bare UPDATE {regrade / bare:.2f}x, grade-only UPDATE / bare UPDATE "
			f"{grade_only / bare:.2f}x, rescore / grade-only UPDATE {regrade / grade_only:.2f}x"
		)
		print(f"first scoring / bare UPDATE: {first / bare:.2f}x (once per lead)")
		print(f"{'time inside the hook (per inserted lead, ms)':46} {in_hook * 1000 / INSERTS:10.3f}")
		print(
			f"insert overhead of the hook, A/B: {(with_hook / without_hook - 1) * 100:.1f} % (goal <= 15 %; noisy on a loaded host)"
		)
		print(f"insert overhead of the hook, time inside it: {in_hook / without_hook * 100:.2f} %")
	finally:
		cleanup()
		frappe.destroy()


if __name__ == "__main__":
	sys.exit(main())
