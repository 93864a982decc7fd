"""Bounces of marketing mail, from the two places they show up.

- At send time: Frappe's flush stores the SMTP error of a refused recipient on the Email
  Queue row; `scan_send_errors` reads 5xx (hard) and 4xx (soft) replies from there.
- Later: a delivery-status notification (RFC 3464) arriving in an incoming Email Account;
  `take_dsn` reads it, matched to the bounced mail by its Message-ID.

Each bounced mail is one Email Bounce row (unique on Message-ID and address, so a source
read twice counts once). A hard bounce, or the third soft one, marks the address Bounced on
every Target List, records a `Bounced` Campaign Response of the mail's activity, and keeps
every campaign from mailing the address again (`eligibility.hard_bounced`).
"""

import frappe
from frappe.utils import now_datetime

from crm_marketing_app import jobs
from crm_marketing_app.bulk import insert_rows
from crm_marketing_app.engine.messaging import parse_dsn, smtp_bounce
from crm_marketing_app.target_lists import members

BOUNCE = "Email Bounce"
SOURCES = {"smtp": "SMTP", "dsn": "Delivery Status Notification"}


def record(bounces: list[dict], source: str) -> int:
	"""Records bounces ({"recipient", "kind", "reason", "message_id"}) of our mails; returns how
	many were new. Bounces of mails this site did not queue are ignored."""
	ids = sorted({b["message_id"] for b in bounces if b.get("message_id")})
	if not ids:
		return 0
	q = frappe.qb.DocType("Email Queue")
	queued = (
		frappe.qb.from_(q)
		.select(q.message_id, q.reference_doctype, q.reference_name)
		.where(q.message_id.isin(ids))
	)
	ours, activity_of = set(), {}
	for message_id, reference_doctype, reference_name in queued.run():
		ours.add(message_id)
		if reference_doctype == "Campaign Activity":
			activity_of[message_id] = reference_name
	now = now_datetime()
	rows = [
		{
			"email": b["recipient"].lower(),
			"bounce_type": b["kind"],
			"source": SOURCES[source],
			"bounced_on": now,
			"campaign_activity": activity_of.get(b["message_id"]),
			"message_id": b["message_id"],
			"reason": (b.get("reason") or "")[:1000],
		}
		for b in bounces
		if b.get("message_id") in ours and b.get("recipient")
	]
	if not rows:
		return 0
	ids = [row["message_id"] for row in rows]
	before = frappe.db.count(BOUNCE, {"message_id": ("in", ids)})
	insert_rows(BOUNCE, rows, ignore_duplicates=True)  # unique on (message_id, email): a bounce counts once
	stop_mailing(sorted({row["email"] for row in rows}))
	return frappe.db.count(BOUNCE, {"message_id": ("in", ids)}) - before


def stop_mailing(emails: list[str]) -> None:
	"""For the addresses that now count as hard bounced: Bounced on every list, and a Bounced
	response for each of their bounced campaign mails that has none yet."""
	from crm_marketing_app.messaging.eligibility import hard_bounced

	hard = sorted(hard_bounced(emails))
	if not hard:
		return
	tlm = members.member_table()
	where = tlm.email.isin(hard) & (tlm.status != "Bounced")
	lists = members.lists_of(where)
	frappe.qb.update(tlm).set(tlm.status, "Bounced").where(where).run()
	members.recount(lists)
	insert_bounced_responses(hard)


def insert_bounced_responses(emails: list[str]) -> None:
	"""One Bounced response per (activity, person) whose Sent mail bounced, set-based."""
	b = frappe.qb.DocType(BOUNCE)
	sent = frappe.qb.DocType("Campaign Response").as_("sent")
	done = frappe.qb.DocType("Campaign Response").as_("done")
	already = (
		frappe.qb.from_(done)
		.select(done.name)
		.where(
			(done.campaign_activity == sent.campaign_activity)
			& (done.respondent == sent.respondent)
			& (done.response_type == "Bounced")
		)
	)
	now = now_datetime()
	rows = (
		frappe.qb.from_(b)
		.join(sent)
		.on((sent.message_id == b.message_id) & (sent.response_type == "Sent"))
		.select(
			sent.campaign,
			sent.campaign_activity,
			sent.respondent_doctype,
			sent.respondent,
			sent.full_name,
			sent.email,
			sent.channel,
			b.reason,
		)
		.where(b.email.isin(emails) & ~frappe.qb.terms.ExistsCriterion(already))
		.groupby(sent.campaign_activity, sent.respondent)
	).run(as_dict=True)
	insert_rows(
		"Campaign Response",
		[
			{
				"campaign": r.campaign,
				"campaign_activity": r.campaign_activity,
				"respondent_doctype": r.respondent_doctype,
				"respondent": r.respondent,
				"response_type": "Bounced",
				"response_date": now,
				"channel": r.channel,
				"full_name": r.full_name,
				"email": r.email,
				"notes": r.reason,
			}
			for r in rows
		],
	)


def scan_send_errors() -> int:
	"""Scheduler: the SMTP refusals Frappe's flush stored on Email Queue rows of our mails.

	A hard refusal also ends Frappe's retries of that mail (status Error): the address will
	not take it. Safe to run any time: each bounced mail is recorded once."""
	q = frappe.qb.DocType("Email Queue")
	r = frappe.qb.DocType("Email Queue Recipient")
	bounce = frappe.qb.DocType(BOUNCE)
	recorded = frappe.qb.from_(bounce).select(bounce.message_id).where(bounce.message_id == q.message_id)
	rows = (
		frappe.qb.from_(q)
		.join(r)
		.on(r.parent == q.name)
		.select(q.name, q.message_id, q.error, r.recipient)
		.where(
			(q.reference_doctype == "Campaign Activity")
			& q.error.isnotnull()
			& (q.status != "Sent")
			& ~frappe.qb.terms.ExistsCriterion(recorded)
		)
		.limit(5000)
	).run(as_dict=True)
	bounces, hard_queues = [], []
	for row in rows:
		found = smtp_bounce(row.error)
		if not found:
			continue
		kind, reason = found
		bounces.append(
			{"recipient": row.recipient, "kind": kind, "reason": reason, "message_id": row.message_id}
		)
		if kind == "Hard":
			hard_queues.append(row.name)
	new = record(bounces, "smtp")
	if hard_queues:
		frappe.qb.update(q).set(q.status, "Error").where(q.name.isin(hard_queues)).run()
	jobs.commit_chunk()
	return new


def take_dsn(raw: str | bytes) -> bool:
	"""Records the bounces a delivery-status notification reports about our mails; True when it
	was one (the caller then need not keep it as a Communication)."""
	bounces = parse_dsn(raw)
	if not bounces:
		return False
	ids = [b["message_id"] for b in bounces if b["message_id"]]
	if not ids or not frappe.db.exists("Email Queue", {"message_id": ("in", ids)}):
		return False
	record(bounces, "dsn")
	return True
