"""Campaign Activity distribution benchmark: set-based Phone Call ToDos against a per-member insert loop.

    cd /opt/bench && CRM_SITE=$SITE env/bin/python apps/crm_marketing_app/benchmarks/distribution.py

Builds CRM_BENCH_MEMBERS Leads (default 20 000) on one Target List by bulk SQL inserts, then measures
  - Phone Call distribution (`distribute_activity`: ToDos and Sent responses, committed per chunk),
  - the baseline: a per-member `frappe.get_doc("ToDo").insert()` loop writing the same ToDos (without
    the Sent responses), on CRM_BENCH_LOOP_SAMPLE members (default 2 000) scaled linearly,
  - a re-run of the distribution (must create nothing),
  - Email distribution to the first CRM_BENCH_EMAILS members (default: all, on a second list) through
    Frappe's Email Queue (emails muted: queued, not sent), the background job that replaces a request
    that would time out.
Prints ratios measured in this run, then deletes everything it created and commits.
"""

import os
import sys
import time
from unittest.mock import patch

import frappe
from common import connect
from frappe.utils import now

N = int(os.environ.get("CRM_BENCH_MEMBERS", 20_000))
LOOP_SAMPLE = int(os.environ.get("CRM_BENCH_LOOP_SAMPLE", 2_000))
EMAILS = int(os.environ.get("CRM_BENCH_EMAILS", N))
TAG = "BENCH-DIST-"


def build() -> dict:
	stamp, user = now(), "Administrator"
	leads = [f"{TAG}{i:06d}" for i in range(N)]
	frappe.db.bulk_insert(
		"Lead",
		[
			"name",
			"creation",
			"modified",
			"owner",
			"modified_by",
			"lead_name",
			"first_name",
			"company_name",
			"email_id",
			"mobile_no",
			"status",
		],
		[
			(
				lead,
				stamp,
				stamp,
				user,
				user,
				f"Person {i}",
				f"Person {i}",
				f"Firm {i % 500}",
				f"{lead.lower()}@example.com",
				f"+38050{i:07d}",
				"Lead",
			)
			for i, lead in enumerate(leads)
		],
	)
	campaign = frappe.get_doc({"doctype": "Campaign", "campaign_name": f"{TAG}campaign"}).insert().name
	# only approved campaigns distribute
	frappe.db.set_value("Campaign", campaign, {"workflow_state": "Approved", "campaign_status": "Approved"})
	target_list = (
		frappe.get_doc(
			{
				"doctype": "Target List",
				"list_name": f"{TAG}list",
				"member_doctype": "Lead",
				"list_type": "Static",
			}
		)
		.insert()
		.name
	)
	frappe.db.bulk_insert(
		"Target List Member",
		[
			"name",
			"creation",
			"modified",
			"owner",
			"modified_by",
			"target_list",
			"member_doctype",
			"member",
			"member_name",
			"email",
			"phone",
			"source",
			"status",
		],
		[
			(
				f"{TAG}m{i}",
				stamp,
				stamp,
				user,
				user,
				target_list,
				"Lead",
				lead,
				f"Person {i}",
				f"{lead.lower()}@example.com",
				f"+38050{i:07d}",
				"Manual",
				"Active",
			)
			for i, lead in enumerate(leads)
		],
	)
	frappe.get_doc(
		{"doctype": "Target List", "list_name": f"{TAG}mail", "member_doctype": "Lead", "list_type": "Static"}
	).insert()
	frappe.db.sql(
		"""INSERT INTO `tabTarget List Member` (name, creation, modified, owner, modified_by, target_list, member_doctype,
			member, member_name, email, phone, source, status)
		SELECT CONCAT(name, '-mail'), creation, modified, owner, modified_by, %(mail)s, member_doctype, member, member_name,
			email, phone, source, status
		FROM `tabTarget List Member` WHERE target_list = %(list)s ORDER BY member LIMIT %(limit)s""",
		{"mail": f"{TAG}mail", "list": target_list, "limit": EMAILS},
	)
	template = frappe.get_doc(
		{"doctype": "Email Template", "name": f"{TAG}template", "subject": "Invitation for {{ company }}",
		 "response": "<p>Dear {{ member_name }}, <a href='{{ tracking_url }}'>see our stand</a>.</p>"}
	).insert().name  # fmt: skip

	def activity(channel, lists, **fields):
		return frappe.get_doc(
			{"doctype": "Campaign Activity", "subject": f"{TAG}{channel}", "campaign": campaign, "channel": channel,
			 "scheduled_date": "2026-03-02", "responsible": user, "target_lists": [{"target_list": name} for name in lists],
			 **fields}
		).insert().name  # fmt: skip

	world = {
		"leads": leads,
		"campaign": campaign,
		"target_list": target_list,
		"template": template,
		"phone": activity("Phone Call", [target_list]),
		"email": activity("Email", [f"{TAG}mail"], email_template=template),
	}
	frappe.db.commit()
	return world


def baseline(leads) -> float:
	"""What distribution would cost done the ORM way: one ToDo document per member."""
	started = time.perf_counter()
	for lead in leads[:LOOP_SAMPLE]:
		frappe.get_doc(
			{"doctype": "ToDo", "allocated_to": "Administrator", "description": f"Call {lead}", "reference_type": "Lead",
			 "reference_name": lead, "date": "2026-03-02"}
		).insert(ignore_permissions=True)  # fmt: skip
	frappe.db.commit()
	return (time.perf_counter() - started) * len(leads) / LOOP_SAMPLE


def timed(fn, *args):
	started = time.perf_counter()
	result = fn(*args)
	return time.perf_counter() - started, result


def cleanup(world) -> None:
	frappe.db.rollback()
	leads = world.get("leads") or []
	acts = [world[k] for k in ("phone", "email") if world.get(k)]
	for batch in range(0, len(leads), 5000):
		chunk = leads[batch : batch + 5000]
		frappe.db.delete("ToDo", {"reference_name": ("in", chunk)})
		frappe.db.delete("Lead", {"name": ("in", chunk)})
	if acts:
		frappe.db.delete("Campaign Response", {"campaign_activity": ("in", acts)})
		queues = frappe.get_all("Email Queue", {"reference_name": ("in", acts)}, pluck="name")
		for batch in range(0, len(queues), 5000):
			frappe.db.delete("Email Queue Recipient", {"parent": ("in", queues[batch : batch + 5000])})
			frappe.db.delete("Email Queue", {"name": ("in", queues[batch : batch + 5000])})
		frappe.db.delete("Campaign Activity Target List", {"parent": ("in", acts)})
		frappe.db.delete("Campaign Activity", {"name": ("in", acts)})
	frappe.db.delete("Target List Member", {"target_list": ("in", [f"{TAG}list", f"{TAG}mail"])})
	frappe.db.delete("Target List", {"name": ("in", [f"{TAG}list", f"{TAG}mail"])})
	frappe.db.delete("Email Template", {"name": f"{TAG}template"})
	frappe.db.delete("Campaign", {"name": f"{TAG}campaign"})
	frappe.db.commit()


def main():
	connect()
	from crm_marketing_app.campaign_execution import distribution
	from crm_marketing_app.tasks import distribute_activity

	world = {"leads": [f"{TAG}{i:06d}" for i in range(N)], "phone": None, "email": None}
	cleanup(world)  # a previous run that died half-way
	try:
		world = build()
		frappe.db.commit()
		loop = baseline(world["leads"])
		frappe.db.delete("ToDo", {"reference_type": "Lead", "reference_name": ("like", f"{TAG}%")})
		frappe.db.commit()

		phone_time, log = timed(distribute_activity, world["phone"])
		todos = frappe.db.count("ToDo", {"reference_type": "Lead", "reference_name": ("like", f"{TAG}%")})
		assert log["sent"] == N and todos == N, (log, todos)
		rerun_time, rerun = timed(distribute_activity, world["phone"])
		assert rerun["sent"] == 0 and frappe.db.count("ToDo", {"reference_name": ("like", f"{TAG}%")}) == N

		# Queued, never sent; the muted site's stand-in Email Account has no address, so name a sender.
		frappe.flags.mute_emails = True
		with patch.object(
			distribution, "get_settings", return_value=frappe._dict(default_sender="expo@example.com")
		):
			email_time, email_log = timed(distribute_activity, world["email"])
		queued = frappe.db.count("Email Queue", {"reference_name": world["email"]})
		assert email_log["sent"] == EMAILS and queued == EMAILS, (email_log, queued)

		print(f"members: {N}  (baseline loop measured on {min(LOOP_SAMPLE, N)}, scaled)")
		print(f"get_doc('ToDo').insert() loop : {loop:8.2f} s")
		print(
			f"Phone Call distribute_activity: {phone_time:8.2f} s  ({loop / phone_time:5.1f}x faster; goal >= 20x)"
		)
		print(
			f"re-run (creates {rerun['sent']})         : {rerun_time:8.2f} s  (skipped already done: {rerun['skipped'].get('already_done', 0)})"
		)
		print(
			f"Email to {EMAILS} queued      : {email_time:8.2f} s  ({EMAILS / email_time:6.1f} mails/s in the background job; {queued} in Email Queue)"
		)
	finally:
		cleanup(world)


if __name__ == "__main__":
	sys.exit(main())
