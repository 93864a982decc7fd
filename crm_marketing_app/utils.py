"""Small helpers shared by the desk layer."""

from contextlib import contextmanager

import frappe
from frappe import _
from frappe.utils import getdate

from crm_marketing_app.engine.errors import EngineError


@contextmanager
def engine_errors(title: str | None = None):
	"""Turns an engine error into a translated frappe.ValidationError."""
	try:
		yield
	except EngineError as e:
		frappe.throw(_(e.template).format(*e.params), frappe.ValidationError, title=title)


def get_settings():
	return frappe.get_cached_doc("CRM Marketing Settings")


def default_company() -> str:
	"""Global Defaults' company, else the first one (a fresh site may have no default yet)."""
	return (
		frappe.db.get_single_value("Global Defaults", "default_company")
		or frappe.get_all("Company", pluck="name", order_by="creation", limit=1)[0]
	)


def ensure_fiscal_year(date) -> None:
	"""A calendar fiscal year around `date` unless one covers it: sales documents need one, and the
	demo's and the tests' histories go back years while a fresh site has only the current year.

	Read from the table, not ERPNext's cached `get_fiscal_years`: a test's rolled-back year stays cached.
	"""
	date = getdate(date)
	covered = frappe.db.exists(
		"Fiscal Year", {"year_start_date": ("<=", date), "year_end_date": (">=", date), "disabled": 0}
	)
	if covered or frappe.db.exists("Fiscal Year", str(date.year)):
		return
	frappe.get_doc(
		{
			"doctype": "Fiscal Year",
			"year": str(date.year),
			"year_start_date": f"{date.year}-01-01",
			"year_end_date": f"{date.year}-12-31",
		}
	).insert(ignore_permissions=True)


def report_column(fieldname: str, label: str, fieldtype: str, width: int = 120, **extra) -> dict:
	"""A Script Report column; `label` comes translated."""
	return {"fieldname": fieldname, "label": label, "fieldtype": fieldtype, "width": width, **extra}


def update_from_groups(table, grouped, group_column, names: list[str] | None, assignments) -> None:
	"""UPDATE `table` LEFT JOIN `grouped` (a query grouped by `group_column`) ON the group = name
	SET `assignments(groups)` (rows without a group get what it makes of NULL columns).
	`names` None updates every row; an empty list, none. The aliases of `grouped` must differ
	from the columns of `table`: pypika writes the columns in UPDATE … SET unqualified."""
	if names is not None:
		if not names:
			return
		grouped = grouped.where(group_column.isin(names))
	groups = grouped.as_("groups")
	query = frappe.qb.update(table).left_join(groups).on(groups[group_column.name] == table.name)
	for column, value in assignments(groups).items():
		query = query.set(table[column], value)
	if names is not None:
		query = query.where(table.name.isin(names))
	query.run()
