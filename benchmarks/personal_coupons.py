"""Personal coupons benchmark: bulk issue of one-time Coupon Codes against a per-member insert loop.

    cd /opt/bench && CRM_SITE=$SITE env/bin/python apps/crm_marketing_app/benchmarks/personal_coupons.py

Builds CRM_BENCH_MEMBERS Leads (default 20 000) on one Target List by bulk SQL inserts and a campaign
with an offer, then measures
  - `crm_marketing_app.tasks.generate_personal_coupons` (one bulk insert per 1 000 members,
    committed per chunk),
  - the baseline: a per-member `frappe.get_doc("Coupon Code").insert()` loop on CRM_BENCH_LOOP_SAMPLE
    members (default 500) of a second activity, scaled linearly,
  - a re-run (must issue nothing).
Prints ratios measured in this run, then deletes everything it created and commits.
"""

import os
import time

import frappe
from common import connect
from frappe.utils import add_days, now, nowdate

N = int(os.environ.get("CRM_BENCH_MEMBERS", 20_000))
LOOP_SAMPLE = int(os.environ.get("CRM_BENCH_LOOP_SAMPLE", 500))
TAG = "BENCH-CPN-"


def build() -> frappe._dict:
	from crm_marketing_app.utils import default_company

	stamp, user = now(), "Administrator"
	leads = [f"{TAG}{i:06d}" for i in range(N)]
	frappe.db.bulk_insert(
		"Lead",
		["name", "creation", "modified", "owner", "modified_by", "lead_name", "first_name", "status"],
		[
			(lead, stamp, stamp, user, user, f"Person {i}", f"Person {i}", "Lead")
			for i, lead in enumerate(leads)
		],
	)
	item = frappe.get_doc(
		{
			"doctype": "Item",
			"item_code": f"{TAG}item",
			"item_group": "Products",
			"stock_uom": "Nos",
			"is_stock_item": 0,
		}
	).insert()
	campaign = frappe.get_doc(
		{
			"doctype": "Campaign",
			"campaign_name": f"{TAG}campaign",
			"company": default_company(),
			"start_date": nowdate(),
			"end_date": add_days(nowdate(), 30),
			"promo_code": f"{TAG}SHARED",
			"offer_type": "Discount Percentage",
			"offer_discount_percentage": 10,
			"target_products": [{"item": item.name}],
		}
	).insert()
	target = frappe.get_doc(
		{"doctype": "Target List", "list_name": f"{TAG}list", "member_doctype": "Lead", "list_type": "Static"}
	).insert()
	frappe.db.bulk_insert(
		"Target List Member",
		["name", "target_list", "member_doctype", "member", "member_name", "source", "status"],
		[(f"{TAG}{lead}", target.name, "Lead", lead, lead, "Manual", "Active") for lead in leads],
	)
	activities = [
		frappe.get_doc(
			{
				"doctype": "Campaign Activity",
				"campaign": campaign.name,
				"subject": f"{TAG}{kind}",
				"channel": "Exhibition",
				"scheduled_date": nowdate(),
				"personal_coupons": 1,
				"target_lists": [{"target_list": target.name}],
			}
		).insert()
		for kind in ("bulk", "loop")
	]
	frappe.db.commit()
	return frappe._dict(
		leads=leads, item=item.name, campaign=campaign, target=target.name, activities=activities
	)


def loop_baseline(setup) -> float:
	"""Seconds per code for get_doc().insert() of personal codes, on a sample."""
	activity = setup.activities[1]
	start = time.perf_counter()
	for n, lead in enumerate(setup.leads[:LOOP_SAMPLE]):
		frappe.get_doc(
			{
				"doctype": "Coupon Code",
				"coupon_name": f"{TAG}LOOP-{n:06d}",
				"coupon_code": f"{TAG}LOOP-{n:06d}",
				"coupon_type": "Promotional",
				"pricing_rule": setup.campaign.pricing_rule,
				"maximum_use": 1,
				"campaign": setup.campaign.name,
				"campaign_activity": activity.name,
				"issued_to_doctype": "Lead",
				"issued_to": lead,
			}
		).insert()
	frappe.db.commit()
	return (time.perf_counter() - start) / LOOP_SAMPLE


def cleanup(setup) -> None:
	frappe.db.rollback()
	frappe.db.delete("Coupon Code", {"campaign": setup.campaign.name})
	frappe.db.delete("Target List Member", {"target_list": setup.target})
	for activity in setup.activities:
		frappe.delete_doc("Campaign Activity", activity.name, force=True)
	frappe.delete_doc("Target List", setup.target, force=True)
	rule = frappe.db.get_value("Campaign", setup.campaign.name, "pricing_rule")
	frappe.delete_doc("Campaign", setup.campaign.name, force=True)
	frappe.delete_doc("Pricing Rule", rule, force=True)
	frappe.delete_doc("Item", setup.item, force=True)
	lead = frappe.qb.DocType("Lead")
	frappe.qb.from_(lead).delete().where(lead.name.like(f"{TAG}%")).run()
	frappe.db.commit()


def main() -> None:
	from crm_marketing_app.tasks import generate_personal_coupons

	connect()
	setup = build()
	try:
		start = time.perf_counter()
		result = generate_personal_coupons(setup.activities[0].name)
		bulk = time.perf_counter() - start
		assert result == {"members": N, "issued": N}, result
		distinct = frappe.db.sql(
			"select count(distinct name) from `tabCoupon Code` where campaign_activity = %s",
			setup.activities[0].name,
		)[0][0]
		start = time.perf_counter()
		again = generate_personal_coupons(setup.activities[0].name)
		rerun = time.perf_counter() - start
		per_code = loop_baseline(setup)
		print(f"members: {N}, distinct codes: {distinct}")
		print(f"bulk issue: {bulk:.2f} s ({bulk / N * 1000:.3f} ms per code)")
		print(
			f"get_doc().insert() loop: {per_code * 1000:.2f} ms per code ({LOOP_SAMPLE} sampled), {per_code * N:.1f} s for {N}"
		)
		print(f"ratio loop / bulk: {per_code * N / bulk:.1f}x")
		print(f"re-run: {rerun:.2f} s, issued {again['issued']}")
	finally:
		cleanup(setup)


if __name__ == "__main__":
	main()
