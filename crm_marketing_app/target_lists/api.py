"""Whitelisted methods of the desk: preview of unsaved conditions, bulk add from list views."""

import json

import frappe
from frappe.query_builder.functions import Count
from pypika.terms import LiteralValue

from crm_marketing_app.permissions import readable_names
from crm_marketing_app.target_lists import members
from crm_marketing_app.target_lists.query import check_member_doctype, compile_for, member_rows

PREVIEW_ROWS = 20


@frappe.whitelist()
def preview(
	member_doctype: str, conditions: str | list, exclude_unsubscribed: int = 1, target_list: str | None = None
) -> dict:
	"""Count and first rows of the members the conditions (as on the unsaved form) would give."""
	frappe.has_permission("Target List", "read", throw=True)
	check_member_doctype(member_doctype)
	frappe.has_permission(member_doctype, "read", throw=True)
	tree = compile_for(member_doctype, conditions)
	draft = frappe._dict(name=target_list or "", member_doctype=member_doctype)
	rows, table = member_rows(draft, tree, exclude_unsubscribed=bool(int(exclude_unsubscribed)))
	# only the records the user may read, as their own list would show them (User Permissions…)
	rows = rows.where(table.name.isin(LiteralValue(f"({readable_names(member_doctype)})")))
	counted = rows.as_("r")
	count = frappe.qb.from_(counted).select(Count("*")).run()[0][0]
	return {"count": count, "rows": rows.limit(PREVIEW_ROWS).run(as_dict=True)}


@frappe.whitelist()
def add_members(target_list: str, member_doctype: str, names: str | list) -> int:
	"""Adds the selected records of a list view to a Target List; returns how many were new."""
	doc = frappe.get_doc("Target List", target_list)
	doc.check_permission("write")
	check_member_doctype(member_doctype)
	# the member rows copy the records' names, emails and phones
	frappe.has_permission(member_doctype, "read", throw=True)
	selected = json.loads(names) if isinstance(names, str) else names
	return members.add_members(doc, member_doctype, selected)
