"""Campaign cost and supplier rollups: set-based recompute against per-record loops.

    cd /opt/bench && CRM_SITE=<site> env/bin/python apps/crm_marketing_app/benchmarks/supplier_costs.py

Builds CRM_BENCH_CAMPAIGNS campaigns (default 2 000), CRM_BENCH_ACTIVITIES
Campaign Activities over them (default 100 000, a tenth cancelled) and
CRM_BENCH_SUPPLIERS Marketing Suppliers (default 500) by bulk SQL inserts, then
measures
  - `update_campaign_costs()` over every campaign (one UPDATE … JOIN) against a
    per-campaign loop (one SUM query and one `frappe.db.set_value` per campaign),
  - `update_supplier_rollups()` over every supplier against a per-supplier loop,
  - one activity save's rollup hook (`on_activity_change`), the cost of keeping
    the rollups true on every change.
Both ways must give the same figures (asserted). Prints ratios measured in this
run, then deletes everything it created and commits.
"""

import os
import random
import time

import frappe
from common import connect
from frappe.utils import add_days, getdate, now

N_CAMPAIGNS = int(os.environ.get("CRM_BENCH_CAMPAIGNS", 2_000))
N_ACTIVITIES = int(os.environ.get("CRM_BENCH_ACTIVITIES", 100_000))
N_SUPPLIERS = int(os.environ.get("CRM_BENCH_SUPPLIERS", 500))
PREFIX = "BENCH-COST-"


def build():
	stamp, rng = now(), random.Random(5)
	campaigns = [f"{PREFIX}C{i:05d}" for i in range(N_CAMPAIGNS)]
	suppliers = [f"{PREFIX}S{i:05d}" for i in range(N_SUPPLIERS)]
	base = dict(
		creation=stamp, modified=stamp, owner="Administrator", modified_by="Administrator", docstatus=0
	)
	frappe.db.bulk_insert(
		"Campaign",
		["name", "campaign_name", "creation", "modified", "owner", "modified_by", "docstatus"],
		[(c, c, *base.values()) for c in campaigns],
	)
	frappe.db.bulk_insert(
		"Marketing Supplier",
		["name", "supplier_name", "status", "creation", "modified", "owner", "modified_by", "docstatus"],
		[(s, s, "Active", *base.values()) for s in suppliers],
	)
	start = getdate("2026-01-01")
	rows = [
		(
			f"{PREFIX}A{i:07d}",
			f"Activity {i}",
			rng.choice(campaigns),
			"Exhibition",
			"Cancelled" if i % 10 == 0 else "Planned",
			add_days(start, rng.randrange(365)),
			rng.choice(suppliers) if i % 3 else None,
			rng.randrange(100, 5000),
			rng.randrange(0, 5000),
			*base.values(),
		)
		for i in range(N_ACTIVITIES)
	]
	frappe.db.bulk_insert(
		"Campaign Activity",
		[
			"name",
			"subject",
			"campaign",
			"channel",
			"status",
			"scheduled_date",
			"marketing_supplier",
			"planned_cost",
			"actual_cost",
			"creation",
			"modified",
			"owner",
			"modified_by",
			"docstatus",
		],
		rows,
		chunk_size=10_000,
	)
	frappe.db.commit()
	return campaigns, suppliers


def timed(fn):
	start = time.perf_counter()
	fn()
	return time.perf_counter() - start


def campaign_loop(campaigns):
	for campaign in campaigns:
		planned, actual = frappe.db.sql(
			"""select coalesce(sum(planned_cost), 0), coalesce(sum(actual_cost), 0)
			from `tabCampaign Activity` where campaign = %s and status != 'Cancelled'""",
			campaign,
		)[0]
		frappe.db.set_value(
			"Campaign", campaign, {"planned_cost": planned, "actual_cost": actual}, update_modified=False
		)


def supplier_loop(suppliers):
	for supplier in suppliers:
		count, spend, last = frappe.db.sql(
			"""select count(*), coalesce(sum(actual_cost), 0), max(scheduled_date)
			from `tabCampaign Activity` where marketing_supplier = %s and status != 'Cancelled'""",
			supplier,
		)[0]
		frappe.db.set_value(
			"Marketing Supplier",
			supplier,
			{"engagement_count": count, "total_spend": spend, "last_engaged_on": last},
			update_modified=False,
		)


def figures(doctype, fields, names):
	return frappe.get_all(doctype, filters={"name": ("in", names)}, fields=["name", *fields], order_by="name")


def cleanup():
	for doctype in ("Campaign Activity", "Marketing Supplier", "Campaign"):
		frappe.db.sql(f"delete from `tab{doctype}` where name like %s", f"{PREFIX}%")
	frappe.db.commit()


def main():
	from crm_marketing_app.campaigns.rollups import update_campaign_costs
	from crm_marketing_app.suppliers.costs import on_activity_change
	from crm_marketing_app.suppliers.rollups import update_supplier_rollups

	connect()
	cleanup()
	try:
		t = time.perf_counter()
		campaigns, suppliers = build()
		print(
			f"built {N_CAMPAIGNS} campaigns, {N_ACTIVITIES} activities, {N_SUPPLIERS} suppliers in {time.perf_counter() - t:.1f}s"
		)

		loop = timed(lambda: campaign_loop(campaigns))
		expected = figures("Campaign", ["planned_cost", "actual_cost"], campaigns)
		frappe.db.sql(
			"update `tabCampaign` set planned_cost = 0, actual_cost = 0 where name like %s", f"{PREFIX}%"
		)
		set_based = timed(update_campaign_costs)
		assert figures("Campaign", ["planned_cost", "actual_cost"], campaigns) == expected
		print(
			f"campaign costs, all {N_CAMPAIGNS}: set-based {set_based:.2f}s (every campaign of the site), "
			f"per-campaign loop {loop:.2f}s -> {loop / set_based:.1f}x"
		)

		loop = timed(lambda: supplier_loop(suppliers))
		fields = ["engagement_count", "total_spend", "last_engaged_on"]
		expected = figures("Marketing Supplier", fields, suppliers)
		frappe.db.sql(
			"update `tabMarketing Supplier` set engagement_count = 0, total_spend = 0 where name like %s",
			f"{PREFIX}%",
		)
		set_based = timed(update_supplier_rollups)
		assert figures("Marketing Supplier", fields, suppliers) == expected
		print(
			f"supplier rollups, all {N_SUPPLIERS}: set-based {set_based:.2f}s, per-supplier loop {loop:.2f}s "
			f"-> {loop / set_based:.1f}x"
		)

		activity = frappe.get_doc("Campaign Activity", f"{PREFIX}A0000001")
		runs = 50
		hook = timed(lambda: [on_activity_change(activity) for _ in range(runs)]) / runs
		whole = timed(update_campaign_costs)
		print(
			f"one activity change: rollup hook {hook * 1000:.1f} ms; recomputing every campaign instead "
			f"{whole * 1000:.0f} ms ({whole / hook:.0f}x)"
		)
		frappe.db.commit()
	finally:
		cleanup()


if __name__ == "__main__":
	main()
