"""The condition field picker of the Target List form: one server-side list of what a condition may
use (the member DocType's fields and the derived measures), each with its translated label, the
operators that fit it and the Frappe field type of its value widget.

Labels come from query.field_label (a derived measure's from engine.DERIVED_LABELS, a field's from
its DocType). New derived measures in engine/target_lists.py appear here by themselves (widget from
their kind); MEASURE_WIDGETS gives them a widget of their own."""

import frappe
from frappe import _

from crm_marketing_app.engine import target_lists as engine
from crm_marketing_app.target_lists.query import (
	check_member_doctype,
	field_label,
	member_fields,
	response_types,
)

# Derived measure → (value widget fieldtype, options: a DocType for Link, a tuple for Select).
MEASURE_WIDGETS = {
	"total_ordered": ("Currency", None),
	"ordered_item": ("Link", "Item"),
	"ordered_item_group": ("Link", "Item Group"),
	engine.ACTIVITY_STATUS: ("Select", engine.ACTIVITY_STATUSES),
	# options filled in from Campaign Response's meta by derived_measures
	engine.HAS_RESPONSE: ("Select", None),
	engine.HAS_NO_RESPONSE: ("Select", None),
	engine.IN_LIST: ("Link", "Target List"),
	engine.NOT_IN_LIST: ("Link", "Target List"),
}
# A value widget per kind, for fields and measures without a widget of their own.
KIND_WIDGETS = {
	engine.TEXT: "Data",
	engine.INT: "Int",
	engine.FLOAT: "Float",
	engine.DATE: "Date",
	engine.DATETIME: "Datetime",
	engine.CHECK: "Check",
	engine.SELECT: "Select",
}


@frappe.whitelist()
def condition_fields(member_doctype: str) -> list[dict]:
	"""[{fieldname, label, group, fieldtype, options, operators}]: the measures first, then the
	fields by label."""
	frappe.has_permission("Target List", "read", throw=True)
	check_member_doctype(member_doctype)
	frappe.has_permission(member_doctype, "read", throw=True)
	label = field_label(member_doctype)
	return derived_measures(label) + doctype_fields(member_doctype, label)


def derived_measures(label) -> list[dict]:
	out = []
	for fieldname in engine.DERIVED:
		fieldtype, options = MEASURE_WIDGETS.get(fieldname, (None, None))
		kind, operators = measure_kind(fieldname)
		if fieldname in engine.RESPONSE_CONDITIONS:
			options = response_types()
		out.append(
			entry(
				fieldname,
				label(fieldname),
				_("Derived Measure"),
				fieldtype or KIND_WIDGETS[kind],
				options,
				operators,
			)
		)
	return out


def measure_kind(fieldname: str) -> tuple[str, tuple]:
	"""The kind of a derived measure and the operators the compiler accepts for it."""
	if fieldname in engine.LINE_MEASURES:
		_column, kind, operators = engine.LINE_MEASURES[fieldname]
		return kind, operators
	if fieldname == engine.ACTIVITY_STATUS:
		return engine.SELECT, engine.ACTIVITY_STATUS_OPERATORS
	if fieldname in engine.RESPONSE_CONDITIONS or fieldname in engine.LIST_CONDITIONS:
		return engine.TEXT, ("=",)
	kind = engine.MEASURES[fieldname].kind
	return kind, engine.OPERATORS_BY_KIND[kind]


def doctype_fields(member_doctype: str, label) -> list[dict]:
	meta = frappe.get_meta(member_doctype)
	group = _("{0} Field").format(_(member_doctype))
	out = []
	for fieldname, spec in member_fields(member_doctype).items():
		df = meta.get_field(fieldname)
		if df:
			fieldtype = (
				df.fieldtype if df.fieldtype in ("Link", "Select", "Currency") else KIND_WIDGETS[spec.kind]
			)
			options = (
				spec.options if spec.kind == engine.SELECT else (df.options if fieldtype == "Link" else None)
			)
		else:
			fieldtype = "Link" if fieldname in ("owner", "modified_by") else KIND_WIDGETS[spec.kind]
			options = "User" if fieldtype == "Link" else None
		out.append(
			entry(fieldname, label(fieldname), group, fieldtype, options, engine.OPERATORS_BY_KIND[spec.kind])
		)
	return sorted(out, key=lambda f: f["label"].lower())


def entry(fieldname, label, group, fieldtype, options, operators) -> dict:
	return {
		"fieldname": fieldname,
		"label": label,
		"group": group,
		"fieldtype": fieldtype,
		"options": list(options) if isinstance(options, tuple) else options,
		"operators": list(operators),
	}
