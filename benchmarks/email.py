"""Email benchmark: set-based queueing of a campaign's mails against the per-member `frappe.sendmail`
loop it replaced, then Frappe's own flush of them into a real SMTP server on 127.0.0.1.

    cd /opt/bench && CRM_SITE=$SITE env/bin/python apps/crm_marketing_app/benchmarks/email.py

Builds CRM_BENCH_MEMBERS Leads (default 20 000) on one Target List by bulk SQL inserts, an Email
Template using the member's name, company and tracked link, and an outgoing Email Account pointed at
an aiosmtpd server started here. Then measures, in this run:
  - the baseline: the old Email channel's loop (render the template, `frappe.sendmail(..., delayed=True)`
    per member) on CRM_BENCH_LOOP_SAMPLE members (default 500), scaled linearly;
  - `distribute_activity` of the Email activity: every mail rendered, written into Email Queue and
    recorded as a Sent response, committed per chunk (goals: >= 20x the baseline, >= 300 mails/s);
  - a re-run (must queue nothing);
  - `frappe.email.queue.flush()` until the activity's mails are sent: every one must arrive once
    (skipped with CRM_BENCH_FLUSH=0, to measure the queueing alone).
Prints the figures, then deletes everything it created and commits.
"""

import os
import sys

# This file is named email.py: keep its folder from shadowing the standard library's `email`
# while that loads, then put it back for `common`.
_HERE = sys.path.pop(0)
import email  # noqa: E402, F401

sys.path.insert(0, _HERE)

import time  # noqa: E402

import frappe  # noqa: E402
import frappe.email.queue  # noqa: E402
from common import connect  # noqa: E402
from frappe.utils import now  # noqa: E402

N = int(os.environ.get("CRM_BENCH_MEMBERS", 20_000))
LOOP_SAMPLE = int(os.environ.get("CRM_BENCH_LOOP_SAMPLE", 500))
FLUSH = os.environ.get("CRM_BENCH_FLUSH", "1") != "0"  # 0: measure the queueing only
TAG = "BENCH-MAIL-"
ACCOUNT = f"{TAG}sink"


def build() -> dict:
	stamp, user = now(), "Administrator"
	leads = [f"{TAG}{i:06d}" for i in range(N)]
	frappe.db.bulk_insert(
		"Lead",
		["name", "creation", "modified", "owner", "modified_by", "lead_name", "first_name", "company_name",
		 "email_id", "status"],
		[
			(lead, stamp, stamp, user, user, f"Person {i}", f"Person {i}", f"Firm {i % 500}",
			 f"{lead.lower()}@example.com", "Lead")
			for i, lead in enumerate(leads)
		],
	)  # fmt: skip
	campaign = frappe.get_doc({"doctype": "Campaign", "campaign_name": f"{TAG}campaign"}).insert().name
	# only approved campaigns distribute
	frappe.db.set_value("Campaign", campaign, {"workflow_state": "Approved", "campaign_status": "Approved"})
	target_list = frappe.get_doc(
		{"doctype": "Target List", "list_name": f"{TAG}list", "member_doctype": "Lead", "list_type": "Static"}
	).insert().name  # fmt: skip
	frappe.db.bulk_insert(
		"Target List Member",
		["name", "creation", "modified", "owner", "modified_by", "target_list", "member_doctype", "member",
		 "member_name", "email", "source", "status"],
		[
			(f"{TAG}m{i}", stamp, stamp, user, user, target_list, "Lead", lead, f"Person {i}",
			 f"{lead.lower()}@example.com", "Manual", "Active")
			for i, lead in enumerate(leads)
		],
	)  # fmt: skip
	template = frappe.get_doc(
		{"doctype": "Email Template", "name": f"{TAG}template", "subject": "Invitation for {{ company }}",
		 "response": "<p>Dear {{ member_name }} of {{ company }},</p><p><a href='{{ tracking_url }}'>see our stand"
		 "</a> at the expo.</p>"}
	).insert().name  # fmt: skip
	activity = frappe.get_doc(
		{"doctype": "Campaign Activity", "subject": f"{TAG}mail", "campaign": campaign, "channel": "Email",
		 "scheduled_date": "2026-03-02", "target_lists": [{"target_list": target_list}], "email_template": template}
	).insert().name  # fmt: skip
	frappe.db.commit()
	return {"leads": leads, "activity": activity}


def baseline(activity: str) -> float:
	"""The replaced Email channel: per member, render the template and call frappe.sendmail."""
	from crm_marketing_app.campaign_execution.distribution import Channel, load_audience, member_details
	from crm_marketing_app.campaign_execution.tracking import tracking_url

	doc = frappe.get_doc("Campaign Activity", activity)
	members = load_audience(doc)[:LOOP_SAMPLE]
	channel = Channel(doc)
	template = frappe.get_doc("Email Template", doc.email_template)
	started = time.perf_counter()
	details = member_details(members)
	for member in members:
		context = channel.context(member, details)
		pixel = tracking_url(doc.name, "Lead", member["member"], "open")
		frappe.sendmail(
			recipients=[member["email"]],
			subject=frappe.render_template(template.subject, context),
			message=frappe.render_template(template.response, context) + f'<img src="{pixel}">',
			reference_doctype="Campaign Activity",
			reference_name=f"{TAG}baseline",
			unsubscribe_message="Unsubscribe",
			delayed=True,
		)
	frappe.db.commit()
	return (time.perf_counter() - started) * N / len(members)


def pending(activity: str) -> int:
	return frappe.db.count(
		"Email Queue", {"reference_name": activity, "status": ("in", ["Not Sent", "Sending"])}
	)


def drop_queue(reference_name: str) -> None:
	queues = frappe.get_all("Email Queue", {"reference_name": reference_name}, pluck="name")
	for batch in range(0, len(queues), 5000):
		frappe.db.delete("Email Queue Recipient", {"parent": ("in", queues[batch : batch + 5000])})
		frappe.db.delete("Email Queue", {"name": ("in", queues[batch : batch + 5000])})


def cleanup() -> None:
	frappe.db.rollback()
	activities = frappe.get_all("Campaign Activity", {"subject": f"{TAG}mail"}, pluck="name")
	for reference in [*activities, f"{TAG}baseline"]:
		drop_queue(reference)
	frappe.db.delete("Campaign Response", {"campaign_activity": ("in", activities or [""])})
	frappe.db.delete("Campaign Activity Target List", {"parent": ("in", activities or [""])})
	frappe.db.delete("Campaign Activity", {"name": ("in", activities or [""])})
	frappe.db.delete("Lead", {"name": ("like", f"{TAG}%")})
	frappe.db.delete("Target List Member", {"target_list": f"{TAG}list"})
	frappe.db.delete("Target List", {"name": f"{TAG}list"})
	frappe.db.delete("Email Template", {"name": f"{TAG}template"})
	frappe.db.delete("Campaign", {"name": f"{TAG}campaign"})
	if frappe.db.exists("Email Account", ACCOUNT):
		frappe.delete_doc("Email Account", ACCOUNT, force=True, ignore_permissions=True)
	frappe.db.commit()


def main():
	connect()
	from crm_marketing_app.tasks import distribute_activity
	from tests.integration.smtp_sink import SmtpSink, make_sink_account

	cleanup()  # a previous run that died half-way
	with SmtpSink() as sink:
		try:
			make_sink_account(sink.port, name=ACCOUNT)
			world = build()
			loop = baseline(world["activity"])
			drop_queue(f"{TAG}baseline")
			frappe.db.commit()

			started = time.perf_counter()
			log = distribute_activity(world["activity"])
			queue_time = time.perf_counter() - started
			queued = frappe.db.count("Email Queue", {"reference_name": world["activity"]})
			assert log["sent"] == N and queued == N, (log, queued)
			rerun = distribute_activity(world["activity"])
			assert (
				rerun["sent"] == 0
				and frappe.db.count("Email Queue", {"reference_name": world["activity"]}) == N
			)

			print(f"members: {N}  (sendmail loop measured on {min(LOOP_SAMPLE, N)}, scaled)")
			print(f"per-member frappe.sendmail loop : {loop:8.2f} s  ({N / loop:7.1f} mails/s)")
			print(
				f"set-based queueing (distribute) : {queue_time:8.2f} s  ({N / queue_time:7.1f} mails/s; "
				f"{loop / queue_time:5.1f}x faster; goals >= 20x and >= 300 mails/s)"
			)
			print(f"re-run queues                   : {rerun['sent']:8d}")
			if not FLUSH:
				return
			started = time.perf_counter()
			while pending(world["activity"]):
				frappe.email.queue.flush()
			flush_time = time.perf_counter() - started
			time.sleep(1)  # the last mails' DATA replies
			arrived = [m["To"] for m in sink.messages if m["To"].startswith(TAG.lower())]
			assert len(arrived) == N and len(set(arrived)) == N, (len(arrived), len(set(arrived)))

			print(
				f"Frappe flush into the SMTP sink : {flush_time:8.2f} s  ({N / flush_time:7.1f} mails/s; "
				f"{len(arrived)} arrived, {len(set(arrived))} distinct)"
			)
		finally:
			cleanup()


if __name__ == "__main__":
	sys.exit(main())
