"""Marketing Supplier: weighted score, score range, contacts and addresses, permissions."""

import frappe
import pytest
from frappe.desk.query_report import run as run_report
from frappe.utils import random_string

from tests.integration.helpers import (
	make_campaign,
	make_campaign_activity,
	make_marketing_supplier,
	make_user,
)


def make_criterion(weight: float) -> str:
	return (
		frappe.get_doc(
			{
				"doctype": "Marketing Evaluation Criterion",
				"criterion_name": f"Crit {random_string(6)}",
				"weight": weight,
			}
		)
		.insert()
		.name
	)


def evaluations(*pairs):
	return [{"criterion": criterion, "score": score} for criterion, score in pairs]


def test_weighted_score_on_save():
	quality, reliability, cost = make_criterion(3), make_criterion(2), make_criterion(1)
	supplier = make_marketing_supplier(evaluations=evaluations((quality, 9), (reliability, 6), (cost, 4)))
	assert supplier.weighted_score == pytest.approx(7.17)
	assert frappe.db.get_value("Marketing Supplier", supplier.name, "weighted_score") == pytest.approx(7.17)

	supplier.append("evaluations", {"criterion": quality, "score": 3})
	supplier.save()
	assert supplier.weighted_score == pytest.approx((27 + 12 + 4 + 9) / 9, abs=0.005)


def test_changing_a_criterion_weight_rescores_its_suppliers():
	quality, price = make_criterion(1), make_criterion(1)
	rated = make_marketing_supplier(evaluations=evaluations((quality, 10), (price, 4))).name
	other = make_marketing_supplier(evaluations=evaluations((price, 2))).name
	assert frappe.db.get_value("Marketing Supplier", rated, "weighted_score") == 7

	criterion = frappe.get_doc("Marketing Evaluation Criterion", quality)
	criterion.weight = 3
	criterion.save()
	assert frappe.db.get_value("Marketing Supplier", rated, "weighted_score") == pytest.approx(8.5)
	assert frappe.db.get_value("Marketing Supplier", other, "weighted_score") == 2


@pytest.mark.parametrize("score", [-1, 10.5, 11])
def test_score_outside_0_to_10_is_refused_and_nothing_saved(score):
	criterion = make_criterion(1)
	name = f"CRM Marketing Supplier {random_string(6)}"
	with pytest.raises(frappe.ValidationError) as err:
		make_marketing_supplier(name, evaluations=evaluations((criterion, score)))
	assert criterion in str(err.value)
	assert not frappe.db.exists("Marketing Supplier", name)


def test_bad_score_on_edit_keeps_the_stored_evaluations():
	criterion = make_criterion(1)
	supplier = make_marketing_supplier(evaluations=evaluations((criterion, 8)))
	supplier.evaluations[0].score = 12
	with pytest.raises(frappe.ValidationError):
		supplier.save()
	assert frappe.db.get_value("Marketing Supplier Evaluation", {"parent": supplier.name}, "score") == 8
	assert frappe.db.get_value("Marketing Supplier", supplier.name, "weighted_score") == 8


def test_negative_criterion_weight_is_refused():
	with pytest.raises(frappe.ValidationError, match=r"weight cannot be negative \(-1"):
		make_criterion(-1)
	criterion = frappe.get_doc("Marketing Evaluation Criterion", make_criterion(2))
	criterion.weight = -0.5
	with pytest.raises(frappe.ValidationError, match="weight cannot be negative"):
		criterion.save()
	assert frappe.db.get_value("Marketing Evaluation Criterion", criterion.name, "weight") == 2


def test_contacts_and_addresses_attach_by_dynamic_link_and_go_with_the_supplier():
	supplier = make_marketing_supplier()
	address = frappe.get_doc(
		{
			"doctype": "Address",
			"address_title": supplier.name,
			"address_line1": "вул. Хрещатик, 1",
			"city": "Kyiv",
			"country": "Ukraine",
			"links": [{"link_doctype": "Marketing Supplier", "link_name": supplier.name}],
		}
	).insert()
	contact = frappe.get_doc(
		{
			"doctype": "Contact",
			"first_name": f"Olena {random_string(4)}",
			"email_ids": [{"email_id": f"olena-{random_string(6).lower()}@example.com", "is_primary": 1}],
			"links": [{"link_doctype": "Marketing Supplier", "link_name": supplier.name}],
		}
	).insert()

	loaded = frappe.get_doc("Marketing Supplier", supplier.name)
	loaded.run_method("onload")
	onload = loaded.get_onload()
	assert [a.name for a in onload.addr_list] == [address.name]
	assert [c.name for c in onload.contact_list] == [contact.name]

	loaded.delete()
	assert not frappe.db.exists("Address", address.name)
	assert not frappe.db.exists("Contact", contact.name)


def test_sales_user_cannot_see_or_edit_suppliers():
	supplier = make_marketing_supplier()
	frappe.set_user(make_user(["Sales User"]))
	assert not frappe.has_permission("Marketing Supplier", "read", supplier.name)
	assert not frappe.has_permission("Marketing Supplier", "write", supplier.name)
	assert not frappe.has_permission("Marketing Supplier", "create")
	with pytest.raises(frappe.PermissionError):
		run_report("Marketing Supplier Comparison", filters={})


def test_marketing_user_works_suppliers_but_only_reads_criteria():
	frappe.set_user(make_user(["Marketing User"]))
	supplier = make_marketing_supplier()
	supplier.website = "https://stands.example.com"
	supplier.save()
	assert not frappe.has_permission("Marketing Evaluation Criterion", "write")
	assert frappe.has_permission("Marketing Evaluation Criterion", "read")


def test_accounts_user_reads_costs_but_cannot_edit():
	supplier = make_marketing_supplier()
	activity = make_campaign_activity(make_campaign().name, marketing_supplier=supplier.name, actual_cost=500)
	frappe.set_user(make_user(["Accounts User"]))
	assert frappe.has_permission("Marketing Supplier", "read", supplier.name)
	assert frappe.has_permission("Campaign Activity", "read", activity.name)
	assert not frappe.has_permission("Marketing Supplier", "write", supplier.name)
	assert not frappe.has_permission("Campaign Activity", "write", activity.name)
	result = run_report("Marketing Supplier Comparison", filters={})
	row = next(r for r in result["result"] if r["marketing_supplier"] == supplier.name)
	assert row["typical_cost"] == 500
