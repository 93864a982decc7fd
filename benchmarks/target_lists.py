"""Target List refresh benchmark: the set-based refresh against an insert loop and a bare INSERT … SELECT.

    cd /opt/bench && CRM_SITE=$SITE env/bin/python apps/crm_marketing_app/benchmarks/target_lists.py
    # optional, the 1 000 000-Lead run (scratch rows of a few GB; about half an hour on 2 cores):
    cd /opt/bench && CRM_BENCH_LEADS=1000000 CRM_SITE=$SITE env/bin/python apps/crm_marketing_app/benchmarks/target_lists.py

Builds CRM_BENCH_LEADS Leads (default 100 000) by bulk SQL inserts, half of them in one city, a
`Registered` Campaign Response for every tenth Lead (half of them in the small city), and a dynamic Lead list "city = that city and
activity_status in (Prospect, Enquired, never bought)", then measures
  - `refresh()` of that list (compile, delete rule rows, INSERT … SELECT, re-read details and
    unsubscribe status, recount), run twice: first fill and a re-run replacing every rule row,
  - (a) a per-member `frappe.get_doc("Target List Member").insert()` loop of the same rows, timed on
    CRM_BENCH_LOOP_SAMPLE members (default 2 000) and scaled linearly to all of them,
  - (b) one handwritten INSERT … SELECT of the same rows (city filter only, no status),
  - the new condition kinds: a list of two OR groups, "(city = that city, created since today-1y,
    not on list EXCL) or (has a Registered response within 30 days, not on list EXCL)", where EXCL
    is another dynamic list (every twentieth Lead), against (c) a handwritten INSERT … SELECT of
    the same rows; `refresh_dynamic_lists` of it refreshes EXCL first,
  - Python memory peak (tracemalloc) of a refresh matching half the Leads against one matching a
    twentieth: flat means members are never loaded into Python.
Prints ratios measured in this run and whether each goal is met (exit status 1 when one is not),
then deletes everything it created and commits.
"""

import os
import sys
import time
import tracemalloc

import frappe
from common import connect
from frappe.utils import add_days, add_to_date, now, nowdate

N = int(os.environ.get("CRM_BENCH_LEADS", 100_000))
LOOP_SAMPLE = int(os.environ.get("CRM_BENCH_LOOP_SAMPLE", 2_000))
TAG = "BENCH-TL-"
CITY, SMALL_CITY, OTHER_CITY = f"{TAG}Kyiv", f"{TAG}Lviv", f"{TAG}Odesa"


def city_of(i: int) -> str:
	if i % 2 == 0:
		return CITY
	return SMALL_CITY if i % 20 == 1 else OTHER_CITY


def build():
	stamp, user = now(), "Administrator"
	fields = [
		"name",
		"creation",
		"modified",
		"owner",
		"modified_by",
		"lead_name",
		"first_name",
		"email_id",
		"mobile_no",
		"status",
		"city",
	]
	for start in range(0, N, 10_000):
		frappe.db.bulk_insert(
			"Lead",
			fields,
			[
				(
					f"{TAG}{i:06d}",
					stamp,
					stamp,
					user,
					user,
					f"Person {i}",
					f"Person {i}",
					f"{TAG.lower()}{i}@example.com",
					f"+38050{i:07d}",
					"Lead",
					city_of(i),
				)
				for i in range(start, min(start + 10_000, N))
			],
		)
		frappe.db.bulk_insert(
			"Campaign Response",
			["name", "creation", "modified", "owner", "modified_by", "respondent_doctype", "respondent",
			 "response_type", "response_date"],
			[
				(f"{TAG}R{i:07d}", stamp, stamp, user, user, "Lead", f"{TAG}{i:06d}", "Registered", stamp)
				for i in range(start + 1, min(start + 10_000, N), 10)
			],
		)  # fmt: skip
	frappe.db.commit()


def make_list(name: str, city: str | None = None, conditions: list[dict] | None = None) -> str:
	conditions = conditions or [
		{"field": "city", "operator": "=", "value": city},
		{"field": "activity_status", "operator": "in", "value": "Prospect, Enquired, never bought"},
	]
	return (
		frappe.get_doc(
			{
				"doctype": "Target List",
				"list_name": f"{TAG}{name}",
				"member_doctype": "Lead",
				"list_type": "Dynamic",
				"conditions": conditions,
			}
		)
		.insert()
		.name
	)


def new_kinds_conditions(excluded: str) -> list[dict]:
	not_excluded = {"field": "not_in_list", "operator": "=", "value": excluded}
	return [
		{"group": 1, "field": "city", "operator": "=", "value": CITY},
		{"group": 1, "field": "creation", "operator": ">=", "value": "today-1y"},
		{"group": 1, **not_excluded},
		{"group": 2, "field": "has_response", "operator": "=", "value": "Registered", "within_days": 30},
		{"group": 2, **not_excluded},
	]


def raw_new_kinds(target_list: str, excluded: str) -> None:
	"""(c): the same rows as `new_kinds_conditions`, written by hand."""
	frappe.db.sql(
		"""INSERT INTO `tabTarget List Member` (name, creation, modified, owner, modified_by, docstatus, idx,
			target_list, member_doctype, member, member_name, email, phone, source, status)
		SELECT MD5(CONCAT(%(list)s, '\n', l.name)), NOW(), NOW(), 'Administrator', 'Administrator', 0, 0,
			%(list)s, 'Lead', l.name, l.lead_name, l.email_id, l.mobile_no, 'Rule', 'Active'
		FROM `tabLead` l
		WHERE ((l.city = %(city)s AND l.creation >= %(year_ago)s)
			OR l.name IN (SELECT r.respondent FROM `tabCampaign Response` r WHERE r.respondent_doctype = 'Lead'
				AND r.response_type = 'Registered' AND r.response_date >= %(month_ago)s))
			AND l.name NOT IN (SELECT m.member FROM `tabTarget List Member` m
				WHERE m.target_list = %(excluded)s AND m.status != 'Excluded')""",
		{
			"list": target_list,
			"city": CITY,
			"excluded": excluded,
			"year_ago": add_to_date(nowdate(), years=-1),
			"month_ago": add_days(nowdate(), -30),
		},
	)


def timed(fn):
	start = time.perf_counter()
	result = fn()
	return time.perf_counter() - start, result


def raw_insert_select(target_list: str) -> None:
	frappe.db.sql(
		"""INSERT INTO `tabTarget List Member` (name, creation, modified, owner, modified_by, docstatus, idx,
			target_list, member_doctype, member, member_name, email, phone, source, status)
		SELECT MD5(CONCAT(%(list)s, '\n', l.name)), NOW(), NOW(), 'Administrator', 'Administrator', 0, 0,
			%(list)s, 'Lead', l.name, l.lead_name, l.email_id, l.mobile_no, 'Rule', 'Active'
		FROM `tabLead` l WHERE l.city = %(city)s""",
		{"list": target_list, "city": CITY},
	)


def insert_loop(target_list: str, leads: list[str]) -> None:
	for lead in leads:
		frappe.get_doc(
			{
				"doctype": "Target List Member",
				"target_list": target_list,
				"member_doctype": "Lead",
				"member": lead,
			}
		).insert()


def peak_memory(fn) -> int:
	tracemalloc.start()
	fn()
	peak = tracemalloc.get_traced_memory()[1]
	tracemalloc.stop()
	return peak


def cleanup():
	frappe.db.rollback()
	lists = frappe.get_all("Target List", filters={"name": ("like", f"{TAG}%")}, pluck="name")
	if lists:
		frappe.db.delete("Target List Member", {"target_list": ("in", lists)})
		frappe.db.delete("Target List Condition", {"parent": ("in", lists)})
		frappe.db.delete("Target List", {"name": ("in", lists)})
	frappe.db.delete("Lead", {"name": ("like", f"{TAG}%")})
	frappe.db.delete("Campaign Response", {"name": ("like", f"{TAG}%")})
	frappe.db.commit()


def main():
	from crm_marketing_app.target_lists.members import refresh, refresh_dynamic_lists

	connect()
	cleanup()
	try:
		build_s, _ = timed(build)
		big, small, raw, loop = (
			make_list("half", CITY),
			make_list("twentieth", SMALL_CITY),
			make_list("raw", CITY),
			make_list("loop", CITY),
		)
		frappe.db.commit()

		first_s, members = timed(lambda: refresh(big))
		frappe.db.commit()
		rerun_s, _ = timed(lambda: refresh(big))
		frappe.db.commit()
		raw_s, _ = timed(lambda: raw_insert_select(raw))
		frappe.db.commit()
		raw_rows = frappe.db.count("Target List Member", {"target_list": raw})
		assert raw_rows == members, (raw_rows, members)

		sample = frappe.get_all(
			"Lead", filters={"city": CITY}, pluck="name", limit=LOOP_SAMPLE, order_by="name"
		)
		loop_sample_s, _ = timed(lambda: insert_loop(loop, sample))
		frappe.db.rollback()
		loop_s = loop_sample_s / len(sample) * members

		excluded = make_list("excluded", SMALL_CITY)
		new_kinds, raw_kinds = (
			make_list(name, conditions=new_kinds_conditions(excluded))
			for name in ("new kinds", "raw new kinds")
		)
		frappe.db.commit()
		order = list(refresh_dynamic_lists(new_kinds))
		frappe.db.commit()
		kinds_s, kinds_members = timed(lambda: refresh(new_kinds))
		frappe.db.commit()
		raw_kinds_s, _ = timed(lambda: raw_new_kinds(raw_kinds, excluded))
		frappe.db.commit()
		raw_kinds_rows = frappe.db.count("Target List Member", {"target_list": raw_kinds})
		assert raw_kinds_rows == kinds_members, (raw_kinds_rows, kinds_members)

		peak_big = peak_memory(lambda: refresh(big))
		frappe.db.commit()
		peak_small = peak_memory(lambda: refresh(small))
		small_members = frappe.db.get_value("Target List", small, "member_count")
		frappe.db.commit()

		print(
			f"Leads: {N} (built in {build_s:.1f} s); members of the list: {members}, of the small list: {small_members}"
		)
		print(f"refresh, first fill:            {first_s:8.2f} s")
		print(f"refresh, re-run (replace all):  {rerun_s:8.2f} s")
		print(
			f"(a) get_doc().insert() loop:    {loop_s:8.2f} s  (scaled from {len(sample)} rows: {loop_sample_s:.2f} s)"
		)
		print(f"(b) bare INSERT … SELECT:       {raw_s:8.2f} s")
		print(f"speed-up vs (a):                {loop_s / first_s:8.1f}x  (goal >= 50x)")
		print(f"refresh / (b):                  {first_s / raw_s:8.2f}   (goal <= 3)")
		print(f"re-run / (b):                   {rerun_s / raw_s:8.2f}")
		print(f"new kinds (OR groups, relative date, has_response, not_in_list): {kinds_members} members")
		print(f"  refresh order: {' -> '.join(n.removeprefix(TAG) for n in order)}")
		print(f"  refresh:                      {kinds_s:8.2f} s")
		print(f"  (c) bare INSERT … SELECT:     {raw_kinds_s:8.2f} s")
		print(f"  refresh / (c):                {kinds_s / raw_kinds_s:8.2f}   (goal <= 3)")
		memory_ratio = peak_big / peak_small
		print(
			f"Python peak memory: {peak_big / 1e6:.2f} MB at {members} members vs {peak_small / 1e6:.2f} MB at {small_members}: ratio {memory_ratio:.2f} (flat ~ 1)"
		)
		goals = {
			"refresh >= 50x the insert loop": loop_s / first_s >= 50,
			"refresh <= 3x bare INSERT … SELECT": first_s / raw_s <= 3,
			"new kinds refresh <= 3x bare INSERT … SELECT": kinds_s / raw_kinds_s <= 3,
			"EXCL refreshed before the list that needs it": order == [excluded, new_kinds],
			"flat Python memory (ratio <= 1.5)": memory_ratio <= 1.5,
		}
		for goal, met in goals.items():
			print(f"{'met' if met else 'MISSED'}: {goal}")
		return all(goals.values())
	finally:
		cleanup()


if __name__ == "__main__":
	sys.exit(0 if main() else 1)
