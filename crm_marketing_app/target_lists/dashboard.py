"""Connections from a Lead, Contact or Customer to the Target Lists it is on
(through Target List Member, whose `member` is a Dynamic Link)."""

from frappe import _


def _with_target_lists(data, member_doctype: str) -> dict:
	data = dict(data or {})
	data.setdefault("fieldname", "member")
	data["non_standard_fieldnames"] = {
		**data.get("non_standard_fieldnames", {}),
		"Target List Member": "member",
	}
	data["dynamic_links"] = {**data.get("dynamic_links", {}), "member": [member_doctype, "member_doctype"]}
	data["transactions"] = [
		*data.get("transactions", []),
		{"label": _("Target Lists"), "items": ["Target List Member"]},
	]
	return data


def lead(data):
	return _with_target_lists(data, "Lead")


def contact(data):
	return _with_target_lists(data, "Contact")


def customer(data):
	return _with_target_lists(data, "Customer")
