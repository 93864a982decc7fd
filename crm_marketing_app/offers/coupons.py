"""Personal one-time Coupon Codes: one per reached member of a Campaign Activity, on its campaign's rule.

Codes are written with one bulk insert per chunk, under the activity's row lock, and a member who
already has a code of the activity keeps it: re-running (or distributing after generating) gives
nobody a second one. Each code has `maximum_use` 1 and the member's Customer where one is known.
"""

import frappe
from frappe import _
from frappe.query_builder.functions import IfNull
from frappe.utils import getdate, today

from crm_marketing_app.bulk import insert_rows
from crm_marketing_app.engine import offers as rules
from crm_marketing_app.engine.errors import _ as mark_translatable

CHUNK_SIZE = 1000
TITLE = mark_translatable("Cannot issue personal coupons")


def check_issuable(doc) -> frappe._dict:
	"""The campaign's offer the activity's codes go on; a clear error when there is none to give."""
	if doc.status == "Cancelled":
		frappe.throw(_("A cancelled activity issues no coupons"), frappe.ValidationError, title=_(TITLE))
	if not doc.personal_coupons:
		frappe.throw(
			_("Tick Personal Coupons on activity {0} first").format(doc.name),
			frappe.ValidationError,
			title=_(TITLE),
		)
	offer = frappe.db.get_value(
		"Campaign",
		doc.campaign,
		("name", "offer_type", "pricing_rule", "promo_code", "campaign_status", "start_date", "end_date"),
		as_dict=True,
	)
	if not (offer and offer.offer_type and offer.pricing_rule):
		frappe.throw(
			_("Campaign {0} has no offer: set its Offer Type first").format(doc.campaign),
			frappe.ValidationError,
			title=_(TITLE),
		)
	if offer.campaign_status in rules.ENDED_STATUSES:
		frappe.throw(
			_("Campaign {0} is {1}: its offer has ended").format(doc.campaign, _(offer.campaign_status)),
			frappe.ValidationError,
			title=_(TITLE),
		)
	return offer


def personal_coupons(doc, members: list[dict]) -> dict[tuple[str, str], str]:
	"""{(member_doctype, member): code} of `members`, issuing codes to those without one.

	For distribution: {} unless the activity gives personal coupons.
	"""
	if not doc.get("personal_coupons"):
		return {}
	return issue(doc, check_issuable(doc), members)[0]


def issue(doc, offer, members: list[dict]) -> tuple[dict[tuple[str, str], str], list[str]]:
	"""({(member_doctype, member): code} of all `members`, [the codes new now]), one bulk insert."""
	frappe.db.get_value("Campaign Activity", doc.name, "name", for_update=True)  # one issuer at a time
	codes = codes_of(doc.name, members, lock=True)
	missing = [m for m in members if (m["member_doctype"], m["member"]) not in codes]
	if not missing:
		return codes, []
	new = unused_codes(offer.promo_code, len(missing))
	customers = customers_of(missing)
	valid_from, valid_upto = rules.validity(
		offer.start_date and getdate(offer.start_date),
		offer.end_date and getdate(offer.end_date),
		False,
		getdate(today()),
	)
	description = _("Personal code of {0} for Campaign {1}").format(doc.subject, doc.campaign)
	insert_rows(
		"Coupon Code",
		[
			{
				"coupon_name": code,
				"coupon_code": code,
				"coupon_type": "Promotional",
				"customer": customers.get((m["member_doctype"], m["member"])),
				"pricing_rule": offer.pricing_rule,
				"valid_from": valid_from,
				"valid_upto": valid_upto,
				"maximum_use": 1,
				"used": 0,
				"description": description,
				"campaign": doc.campaign,
				"campaign_activity": doc.name,
				"issued_to_doctype": m["member_doctype"],
				"issued_to": m["member"],
			}
			for code, m in zip(new, missing, strict=True)
		],
		name=lambda row: row["coupon_name"],  # Coupon Code is named by its code (`field:coupon_name`)
	)
	codes.update({(m["member_doctype"], m["member"]): code for code, m in zip(new, missing, strict=True)})
	return codes, new


def codes_of(activity: str, members: list[dict], lock: bool = False) -> dict[tuple[str, str], str]:
	"""The activity's codes already issued to `members`; `lock`: a locking read that sees other runs' commits."""
	if not members:
		return {}
	cc = frappe.qb.DocType("Coupon Code")
	query = (
		frappe.qb.from_(cc)
		.select(cc.issued_to_doctype, cc.issued_to, cc.name)
		.where((cc.campaign_activity == activity) & cc.issued_to.isin([m["member"] for m in members]))
	)
	rows = (query.for_update() if lock else query).run()
	return {(doctype, member): code for doctype, member, code in rows}


def unused_codes(prefix: str | None, count: int) -> list[str]:
	"""`count` new random codes that no Coupon Code is named yet."""
	codes = rules.new_codes(prefix, count)
	cc = frappe.qb.DocType("Coupon Code")
	while taken := set(frappe.qb.from_(cc).select(cc.name).where(cc.name.isin(codes)).run(pluck=True)):
		kept = [code for code in codes if code not in taken]
		codes = kept + rules.new_codes(prefix, count - len(kept), taken=set(codes))
	return codes


def customers_of(members: list[dict]) -> dict[tuple[str, str], str]:
	"""The Customer of each member where one is known: itself, its Contact's link, its Lead's customer."""
	by_doctype: dict[str, list[str]] = {}
	for m in members:
		by_doctype.setdefault(m["member_doctype"], []).append(m["member"])
	out = {("Customer", name): name for name in by_doctype.get("Customer", [])}
	if by_doctype.get("Contact"):
		link = frappe.qb.DocType("Dynamic Link")
		rows = (
			frappe.qb.from_(link)
			.select(link.parent, link.link_name)
			.where(
				(link.parenttype == "Contact")
				& (link.link_doctype == "Customer")
				& link.parent.isin(by_doctype["Contact"])
			)
			.orderby(link.idx)
		).run()
		for contact, customer in rows:
			out.setdefault(("Contact", contact), customer)
	if by_doctype.get("Lead"):
		cust = frappe.qb.DocType("Customer")
		rows = (
			frappe.qb.from_(cust)
			.select(cust.lead_name, cust.name)
			.where(cust.lead_name.isin(by_doctype["Lead"]) & (IfNull(cust.disabled, 0) == 0))
		).run()
		for lead, customer in rows:
			out.setdefault(("Lead", lead), customer)
	return out
