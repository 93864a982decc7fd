"""Connections from a Lead, Contact or Customer to the Target Lists it is on and the journeys it
goes through (Target List Member and Journey Enrolment, whose `member` is a Dynamic Link)."""

from frappe import _

from crm_marketing_app.engine.errors import _ as mark_translatable

# (group label, DocType naming the person in `member` / `member_doctype`)
MEMBER_CONNECTIONS = (
	(mark_translatable("Target Lists"), "Target List Member"),
	(mark_translatable("Journeys"), "Journey Enrolment"),
)


def _with_member_connections(data, member_doctype: str) -> dict:
	data = dict(data or {})
	data.setdefault("fieldname", "member")
	data["non_standard_fieldnames"] = {
		**data.get("non_standard_fieldnames", {}),
		**{doctype: "member" for _label, doctype in MEMBER_CONNECTIONS},
	}
	data["dynamic_links"] = {**data.get("dynamic_links", {}), "member": [member_doctype, "member_doctype"]}
	data["transactions"] = [
		*data.get("transactions", []),
		*({"label": _(label), "items": [doctype]} for label, doctype in MEMBER_CONNECTIONS),
	]
	return data


def lead(data):
	return _with_member_connections(data, "Lead")


def contact(data):
	return _with_member_connections(data, "Contact")


def customer(data):
	return _with_member_connections(data, "Customer")
