"""The condition field picker of the Target List form: one server-side list of what a condition may
use (the member DocType's fields and the derived measures), each with its translated label, the
operators that fit it and the Frappe field type of its value widget.

New derived measures in engine/target_lists.py appear here by themselves (labelled from their name,
widget from their kind); MEASURE_WIDGETS gives them a proper label and widget."""

import frappe
from frappe import _

from crm_marketing_app.engine import target_lists as engine
from crm_marketing_app.engine.errors import _ as mark_translatable
from crm_marketing_app.target_lists.query import check_member_doctype, member_fields

# Derived measure → (label, value widget fieldtype, options: a DocType for Link, a tuple for Select).
MEASURE_WIDGETS = {
	"last_order_date": (mark_translatable("Last Order Date"), "Date", None),
	"first_order_date": (mark_translatable("First Order Date"), "Date", None),
	"order_count": (mark_translatable("Number of Orders"), "Int", None),
	"total_ordered": (mark_translatable("Total Ordered"), "Currency", None),
	"ordered_item": (mark_translatable("Ordered Item"), "Link", "Item"),
	"ordered_item_group": (mark_translatable("Ordered Item Group"), "Link", "Item Group"),
	"ordered_before": (mark_translatable("Ordered Before"), "Date", None),
	"ordered_after": (mark_translatable("Ordered On or After"), "Date", None),
	engine.ACTIVITY_STATUS: (mark_translatable("Activity Status"), "Select", engine.ACTIVITY_STATUSES),
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
STANDARD_LABELS = {
	"name": mark_translatable("ID"),
	"owner": mark_translatable("Created By"),
	"modified_by": mark_translatable("Last Updated By"),
	"creation": mark_translatable("Created On"),
	"modified": mark_translatable("Last Updated On"),
}


@frappe.whitelist()
def condition_fields(member_doctype: str) -> list[dict]:
	"""[{fieldname, label, group, fieldtype, options, operators}]: the measures first, then the
	fields by label."""
	frappe.has_permission("Target List", "read", throw=True)
	check_member_doctype(member_doctype)
	frappe.has_permission(member_doctype, "read", throw=True)
	return derived_measures() + doctype_fields(member_doctype)


def derived_measures() -> list[dict]:
	out = []
	for fieldname in engine.DERIVED:
		label, fieldtype, options = MEASURE_WIDGETS.get(fieldname, (None, None, None))
		kind, operators = measure_kind(fieldname)
		out.append(
			entry(
				fieldname,
				_(label) if label else fieldname.replace("_", " ").capitalize(),
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
	kind = engine.MEASURES[fieldname].kind
	return kind, engine.OPERATORS_BY_KIND[kind]


def doctype_fields(member_doctype: str) -> list[dict]:
	meta = frappe.get_meta(member_doctype)
	group = _("{0} Field").format(_(member_doctype))
	out = []
	for fieldname, spec in member_fields(member_doctype).items():
		df = meta.get_field(fieldname)
		if df:
			label = _(df.label or fieldname)
			fieldtype = (
				df.fieldtype if df.fieldtype in ("Link", "Select", "Currency") else KIND_WIDGETS[spec.kind]
			)
			options = (
				spec.options if spec.kind == engine.SELECT else (df.options if fieldtype == "Link" else None)
			)
		else:
			label = _(STANDARD_LABELS.get(fieldname, fieldname))
			fieldtype = "Link" if fieldname in ("owner", "modified_by") else KIND_WIDGETS[spec.kind]
			options = "User" if fieldtype == "Link" else None
		out.append(entry(fieldname, label, group, fieldtype, options, engine.OPERATORS_BY_KIND[spec.kind]))
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
