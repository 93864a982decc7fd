"""How an activity's mails are doing, and sending to the members whose mail failed."""

import frappe
from frappe import _
from frappe.query_builder.functions import Concat, Count, Function
from frappe.query_builder.terms import ValueWrapper
from frappe.utils import now_datetime

from crm_marketing_app import jobs
from crm_marketing_app.bulk import insert_select
from crm_marketing_app.messaging.bounces import BOUNCE, scan_send_errors

# Email Queue statuses as the activity form counts them
QUEUE_STATES = {
	"Not Sent": "queued",
	"Sending": "queued",
	"Partially Sent": "queued",
	"Sent": "sent",
	"Error": "failed",
}


def delivery_counts(activity: str) -> dict[str, int]:
	"""Queued / sent / failed (Frappe gave up, or the template did not render) / bounced."""
	q = frappe.qb.DocType("Email Queue")
	counts = {"queued": 0, "sent": 0, "failed": 0, "bounced": 0}
	for status, count in (
		frappe.qb.from_(q)
		.select(q.status, Count("*"))
		.where((q.reference_doctype == "Campaign Activity") & (q.reference_name == activity))
		.groupby(q.status)
	).run():
		counts[QUEUE_STATES.get(status, "queued")] += count
	r = frappe.qb.DocType("Campaign Response")
	for response_type, count in (
		frappe.qb.from_(r)
		.select(r.response_type, Count("*"))
		.where((r.campaign_activity == activity) & r.response_type.isin(["Failed", "Bounced"]))
		.groupby(r.response_type)
	).run():
		counts["failed" if response_type == "Failed" else "bounced"] += count
	return counts


def record_accepted() -> int:
	"""An Accepted response (the receiving server took the mail) per campaign mail Frappe has sent,
	once: one INSERT … SELECT, named by a digest of the Sent response so a re-run inserts nothing."""
	q = frappe.qb.DocType("Email Queue")
	sent = frappe.qb.DocType("Campaign Response")
	mails = (
		frappe.qb.from_(q)
		.join(sent)
		.on((sent.message_id == q.message_id) & (sent.response_type == "Sent"))
		.select(
			sent.name.as_("response"),
			sent.campaign,
			sent.campaign_activity,
			sent.respondent_doctype,
			sent.respondent,
			sent.channel,
			sent.full_name,
			sent.email,
			sent.message_id,
			q.modified.as_("sent_on"),
		)
		.where((q.reference_doctype == "Campaign Activity") & (q.status == "Sent"))
	).as_("mails")
	copied = ("campaign", "campaign_activity", "respondent_doctype", "respondent", "channel", "full_name", "email",
	          "message_id")  # fmt: skip
	return insert_select(
		"Campaign Response",
		mails,
		{
			**{field: mails[field] for field in copied},
			"response_type": ValueWrapper("Accepted"),
			"response_date": mails.sent_on,
		},
		name=Function("MD5", Concat(mails.response, "\nAccepted")),
		ignore_duplicates=True,
	)


def sync() -> None:
	"""Scheduler, after Frappe's flush: bounces from SMTP refusals, then Accepted responses."""
	scan_send_errors()
	record_accepted()
	jobs.commit_chunk()


def requeue_failed(activity: str) -> int:
	"""Puts the activity's mails Frappe gave up on (status Error) back in the queue, except those
	the address refused (bounces); returns how many. Their Sent responses stay: the same mail goes."""
	q = frappe.qb.DocType("Email Queue")
	b = frappe.qb.DocType(BOUNCE)
	failed = (
		(q.reference_doctype == "Campaign Activity")
		& (q.reference_name == activity)
		& (q.status == "Error")
		& q.message_id.notin(frappe.qb.from_(b).select(b.message_id).where(b.campaign_activity == activity))
	)
	count = frappe.qb.from_(q).select(Count("*")).where(failed).run()[0][0]
	(
		frappe.qb.update(q)
		.set(q.status, "Not Sent")
		.set(q.retry, 0)
		.set(q.modified, now_datetime())
		.set(q.modified_by, frappe.session.user)
		.where(failed)
	).run()
	return count


@frappe.whitelist()
def get_delivery_counts(activity: str) -> dict[str, int]:
	frappe.get_doc("Campaign Activity", activity).check_permission("read")
	return delivery_counts(activity)


@frappe.whitelist(methods=["POST"])
def send_to_the_rest(activity: str) -> dict:
	"""The form's "Send to the Rest": failed mails go again, and a distribution run reaches the
	members who got none (their mail did not render, the weekly cap held them back)."""
	doc = frappe.get_doc("Campaign Activity", activity)
	doc.check_permission("write")
	if doc.channel != "Email":
		frappe.throw(_("Send to the Rest is for Email activities"), title=_("Cannot distribute"))
	requeued = requeue_failed(activity)
	doc.distribute()
	return {"requeued": requeued}
