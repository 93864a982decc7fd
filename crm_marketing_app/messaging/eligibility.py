"""Who may be messaged on a channel: the one place that reads what forbids a message.

Per chunk of audience rows (`member_doctype`, `member`, `email`, `phone` and the list flags)
it reads, with one query per fact, Frappe's own Email Unsubscribes, hard bounces, the
person's consent for the channel and how many marketing messages they got this week; the
pure `engine.distribution.split` then decides, so every channel and caller decides alike.
"""

from datetime import datetime, timedelta

import frappe
from frappe.query_builder.functions import Count
from frappe.utils import cint, now_datetime

from crm_marketing_app.campaign_execution.eligibility import unsubscribed as person_unsubscribed
from crm_marketing_app.engine.messaging import (
	CONSENT_FIELDS,
	PRESSURE_CHANNELS,
	PRESSURE_DAYS,
	SOFT_BOUNCE_LIMIT,
)
from crm_marketing_app.utils import get_settings

CONSENT_DOCTYPES = ("Lead", "Contact")


def weekly_cap() -> int:
	return cint(get_settings().max_messages_per_week)


def annotate(
	members: list[dict],
	channel: str,
	reference_doctype: str | None = None,
	reference_name: str | None = None,
	requires_consent: bool = False,
	count_pressure: bool = True,
	now: datetime | None = None,
) -> None:
	"""Adds to each row the facts `engine.distribution.skip_reason` weighs.

	`unsubscribed` / `bounced` are raised by Frappe's Email Unsubscribe (global, or for the
	reference document) and by the address's hard bounce; `consent`, `requires_consent`
	(the caller's, or the row's own from its lists) and `messages_this_week` are set.
	"""
	if not members:
		return
	# the person's own record decides, whatever the member rows say (campaign_execution.eligibility)
	activity = reference_name if reference_doctype == "Campaign Activity" else None
	gone = person_unsubscribed(members, activity=activity)
	for row in members:
		if (row["member_doctype"], row["member"]) in gone:
			row["unsubscribed"] = 1
	if channel == "Email":
		emails = sorted({(row.get("email") or "").strip() for row in members} - {""})
		unsubscribed = email_unsubscribed(emails, reference_doctype, reference_name)
		bounced = hard_bounced(emails)
		for row in members:
			email = (row.get("email") or "").strip()
			if email in unsubscribed:
				row["unsubscribed"] = 1
			if email.lower() in bounced:
				row["bounced"] = 1
	consent = consents(members, channel)
	pressure = messages_this_week(members, now) if count_pressure else {}
	for row in members:
		key = (row["member_doctype"], row["member"])
		row["consent"] = consent.get(key)
		row["requires_consent"] = bool(requires_consent or row.get("requires_consent"))
		row["messages_this_week"] = pressure.get(key, 0)


def email_unsubscribed(
	emails: list[str], reference_doctype: str | None, reference_name: str | None
) -> set[str]:
	"""The addresses Frappe's Email Unsubscribe keeps from mail of the reference document."""
	if not emails:
		return set()
	u = frappe.qb.DocType("Email Unsubscribe")
	scope = u.global_unsubscribe == 1
	if reference_doctype and reference_name:
		scope = scope | ((u.reference_doctype == reference_doctype) & (u.reference_name == reference_name))
	return set(
		frappe.qb.from_(u).select(u.email).where(u.email.isin(emails) & scope).distinct().run(pluck=True)
	)


def hard_bounced(emails: list[str]) -> set[str]:
	"""The addresses (lower case) with a hard bounce, or with SOFT_BOUNCE_LIMIT soft ones."""
	if not emails:
		return set()
	b = frappe.qb.DocType("Email Bounce")
	rows = (
		frappe.qb.from_(b)
		.select(b.email)
		.where(b.email.isin([e.lower() for e in emails]))
		.groupby(b.email)
		.having(
			(Count(frappe.qb.terms.Case().when(b.bounce_type == "Hard", 1)) > 0)
			| (Count(frappe.qb.terms.Case().when(b.bounce_type == "Soft", 1)) >= SOFT_BOUNCE_LIMIT)
		)
	).run(pluck=True)
	return set(rows)


def consents(members: list[dict], channel: str) -> dict[tuple[str, str], str]:
	"""The channel's consent value of each Lead / Contact among `members`."""
	field = CONSENT_FIELDS.get(channel)
	if not field:
		return {}
	names: dict[str, list[str]] = {}
	for row in members:
		if row["member_doctype"] in CONSENT_DOCTYPES:
			names.setdefault(row["member_doctype"], []).append(row["member"])
	values = {}
	for doctype, batch in names.items():
		table = frappe.qb.DocType(doctype)
		for name, value in (
			frappe.qb.from_(table).select(table.name, table[field]).where(table.name.isin(batch)).run()
		):
			values[(doctype, name)] = value or ""
	return values


def messages_this_week(members: list[dict], now: datetime | None = None) -> dict[tuple[str, str], int]:
	"""Each member's marketing messages (Sent responses by Email or SMS) in the last 7 days."""
	since = (now or now_datetime()) - timedelta(days=PRESSURE_DAYS)
	r = frappe.qb.DocType("Campaign Response")
	rows = (
		frappe.qb.from_(r)
		.select(r.respondent_doctype, r.respondent, Count("*"))
		.where(
			r.respondent_doctype.isin(sorted({row["member_doctype"] for row in members}))
			& r.respondent.isin([row["member"] for row in members])
			& (r.response_type == "Sent")
			& r.channel.isin(PRESSURE_CHANNELS)
			& (r.response_date > since)
		)
		.groupby(r.respondent_doctype, r.respondent)
	).run()
	return {(doctype, name): count for doctype, name, count in rows}
