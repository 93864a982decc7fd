"""Who may be contacted now: the one place every channel of a distribution asks, at send time.

A member row's status is a copy made when the list was built or last touched; the person's own
record decides. Unreachable is anyone whose own `unsubscribed` is set, or whose address (current
or as listed) or record has a Frappe Email Unsubscribe: global, from this activity's mails, or from
the list. Further reasons not to contact someone (consent, double opt-in) belong here too.
"""

import frappe
from frappe.query_builder.functions import Coalesce

from crm_marketing_app.engine.distribution import chunks
from crm_marketing_app.target_lists.query import MEMBER_DOCTYPES, contact_columns, unsubscribed_criterion

BATCH = 1000


def unsubscribed(
	members: list[dict], activity: str | None = None, target_list: str | None = None
) -> set[tuple[str, str]]:
	"""(member_doctype, member) of `members` (dicts with member_doctype, member, email) who may not be
	contacted, whatever their member rows say."""
	u = frappe.qb.DocType("Email Unsubscribe")
	scope = u.global_unsubscribe == 1
	for doctype, name in (("Campaign Activity", activity), ("Target List", target_list)):
		if name:
			scope |= (u.reference_doctype == doctype) & (u.reference_name == name)
	by_email = frappe.qb.from_(u).select(u.email).where(scope)

	found = set()
	by_doctype: dict[str, list[str]] = {}
	for m in members:
		if m.get("member_doctype") in MEMBER_DOCTYPES and m.get("member"):
			by_doctype.setdefault(m["member_doctype"], []).append(m["member"])
	for doctype, names in by_doctype.items():
		table = frappe.qb.DocType(doctype)
		_name, email, _phone, own_flag = contact_columns(doctype, table)
		person = unsubscribed_criterion(doctype, target_list, table.name, email, own_flag) | Coalesce(
			email, ""
		).isin(by_email)
		for batch in chunks(names, BATCH):
			found.update(
				(doctype, name)
				for name in frappe.qb.from_(table)
				.select(table.name)
				.where(table.name.isin(list(batch)) & person)
				.run(pluck=True)
			)
	listed = {m["email"] for m in members if m.get("email")}
	for batch in chunks(sorted(listed), BATCH):
		gone = set(by_email.where(u.email.isin(list(batch))).run(pluck=True))
		found.update((m["member_doctype"], m["member"]) for m in members if m.get("email") in gone)
	return found


def mark_unsubscribed(activity: str, members: list[dict]) -> None:
	"""Sets `unsubscribed` on the audience rows of `members` who may not be contacted now."""
	gone = unsubscribed(members, activity=activity)
	for m in members:
		if (m["member_doctype"], m["member"]) in gone:
			m["unsubscribed"] = 1
