"""The Target List condition picker: fields and derived measures, translated, with fitting widgets."""

import frappe
import pytest

from crm_marketing_app.engine import target_lists as engine
from crm_marketing_app.target_lists.picker import condition_fields
from crm_marketing_app.target_lists.query import compile_for
from tests.integration.helpers import make_user
from tests.integration.test_target_lists import make_list


def test_lead_fields_and_every_derived_measure_with_their_widgets():
	fields = {f["fieldname"]: f for f in condition_fields("Lead")}
	assert set(engine.DERIVED) <= set(fields)
	assert (fields["last_order_date"]["fieldtype"], fields["last_order_date"]["label"]) == (
		"Date",
		"Last Order Date",
	)
	assert (fields["ordered_item"]["fieldtype"], fields["ordered_item"]["options"]) == ("Link", "Item")
	assert fields["activity_status"]["options"] == list(engine.ACTIVITY_STATUSES)
	assert fields["ordered_before"]["operators"] == ["="]
	assert (fields["territory"]["fieldtype"], fields["territory"]["options"]) == ("Link", "Territory")
	assert fields["status"]["fieldtype"] == "Select" and "Lead" in fields["status"]["options"]
	assert fields["marketing_score"]["fieldtype"] == "Int" and ">=" in fields["marketing_score"]["operators"]
	assert fields["owner"]["fieldtype"] == "Link"
	# Whatever the picker offers, the compiler accepts with the first operator it offers.
	for f in fields.values():
		# (in_list / not_in_list take the name of an existing list: test_target_lists_rules.py)
		if (
			f["operators"][0] == "="
			and f["fieldtype"] in ("Data", "Link")
			and f["fieldname"] not in engine.LIST_CONDITIONS
		):
			compile_for("Lead", [{"field": f["fieldname"], "operator": "=", "value": "x"}])


def test_labels_come_translated():
	frappe.local.lang = "uk"
	try:
		fields = {f["fieldname"]: f for f in condition_fields("Customer")}
	finally:
		frappe.local.lang = "en"
	assert fields["last_order_date"]["label"] == "Остання дата замовлення"
	assert fields["customer_group"]["label"] == "Група клієнтів"
	assert fields["order_count"]["group"] == "Похідний показник"


def test_only_for_who_reads_target_lists_and_the_members():
	frappe.set_user(make_user(["Website Manager"], "nopicker"))
	with pytest.raises(frappe.PermissionError):
		condition_fields("Lead")
	frappe.set_user("Administrator")
	with pytest.raises(frappe.ValidationError, match="Member Type"):
		condition_fields("Supplier")


def test_the_conditions_grid_names_each_field_by_its_label_in_the_readers_language():
	target = make_list(
		"Customer",
		[
			("last_order_date", ">=", "today-1y"),
			("customer_group", "=", "Commercial"),
			("owner", "is set", None),
		],
	)
	# the picker and the grid name a field alike; the stored fieldname stays what it is
	picker_labels = {f["fieldname"]: f["label"] for f in condition_fields("Customer")}
	rows = frappe.get_doc("Target List", target.name).as_dict()["conditions"]
	assert [(r["field"], r["field_label"]) for r in rows] == [
		("last_order_date", "Last Order Date"),
		("customer_group", "Customer Group"),
		("owner", "Created By"),
	]
	assert all(r["field_label"] == picker_labels[r["field"]] for r in rows)
	assert frappe.get_all(
		"Target List Condition", filters={"parent": target.name}, pluck="field", order_by="idx"
	) == ["last_order_date", "customer_group", "owner"]
	frappe.local.lang = "uk"
	try:
		rows = frappe.get_doc("Target List", target.name).as_dict()["conditions"]
	finally:
		frappe.local.lang = "en"
	assert [r["field_label"] for r in rows] == ["Остання дата замовлення", "Група клієнтів", "Створено"]
