"""Permission checks that DocType permissions alone cannot express.

- Money: costs, revenue and ROI sit at `MONEY_PERMLEVEL` on Campaign and Campaign Activity. Every
  method and chart source that returns money asks `can_read_money()` first.
- Target List Member: a member row shows a person's contact details, so it is visible only to who
  may read the person (Lead, Contact, Customer, Prospect) itself, User Permissions included.
"""

import frappe
from frappe import _

from crm_marketing_app.install import MONEY_PERMLEVEL
from crm_marketing_app.target_lists.query import MEMBER_DOCTYPES

MEMBER = "Target List Member"


def can_read_money(doctype: str = "Campaign", user: str | None = None) -> bool:
	return MONEY_PERMLEVEL in frappe.get_meta(doctype).get_permlevel_access("read", user=user)


def check_money_access(doctype: str = "Campaign") -> None:
	if not can_read_money(doctype):
		frappe.throw(_("Only marketing and accounts users see costs and revenue"), frappe.PermissionError)


def readable_names(doctype: str, user: str | None = None) -> str:
	"""SQL SELECT of the names of `doctype` the user may read: Frappe's own list query, with
	User Permissions, sharing and permission query conditions (empty when they read none)."""
	if not frappe.has_permission(doctype, "read", user=user):
		return f"select name from `tab{doctype}` where 1=0"
	return frappe.get_list(doctype, fields=["name"], user=user, run=False, order_by=None)


def target_list_member_query(user: str | None = None, doctype: str | None = None) -> str:
	"""permission_query_conditions of Target List Member: rows whose person the user may read."""
	user = user or frappe.session.user
	if user == "Administrator":
		return ""
	conditions = [
		f"(`tab{MEMBER}`.member_doctype = {frappe.db.escape(member_doctype)}"
		f" and `tab{MEMBER}`.member in ({readable_names(member_doctype, user)}))"
		for member_doctype in MEMBER_DOCTYPES
		if frappe.has_permission(member_doctype, "read", user=user)
	]
	return "(" + " or ".join(conditions) + ")" if conditions else "1=0"


def target_list_member_has_permission(doc, ptype: str = "read", user: str | None = None) -> bool:
	"""has_permission of Target List Member: only when the user may read the member's person."""
	if not doc.member_doctype or not doc.member:
		return True
	return frappe.has_permission(doc.member_doctype, "read", doc=doc.member, user=user)
