"""The Target List condition picker: fields and derived measures, translated, with fitting widgets."""

import frappe
import pytest

from crm_marketing_app.engine import target_lists as engine
from crm_marketing_app.target_lists.picker import condition_fields
from crm_marketing_app.target_lists.query import compile_for
from tests.integration.helpers import make_user


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
		if f["operators"][0] == "=" and f["fieldtype"] in ("Data", "Link"):
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
