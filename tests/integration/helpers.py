"""Records the integration tests build on the live site."""

import frappe
from frappe.utils import random_string

from crm_marketing_app.utils import default_company, ensure_fiscal_year


def make_user(roles: list[str], prefix: str = "crm") -> str:
	"""A desk user with exactly `roles`; rolled back with the test."""
	email = f"{prefix}-{random_string(8).lower()}@example.com"
	user = frappe.get_doc(
		{
			"doctype": "User",
			"email": email,
			"first_name": prefix,
			"send_welcome_email": 0,
			"user_type": "System User",
			"roles": [{"role": r} for r in roles],
		}
	).insert(ignore_permissions=True)
	return user.name


def make_campaign(state: str | None = None, **fields) -> "frappe.model.document.Document":
	"""A Campaign; `state` puts it straight into that workflow state (e.g. "Approved"), with the
	campaign status the workflow gives it."""
	doc = frappe.get_doc(
		{
			"doctype": "Campaign",
			"campaign_name": fields.pop("campaign_name", f"Test Campaign {random_string(6)}"),
			"campaign_type": "Exhibition",
			**fields,
		}
	).insert()
	if state:
		set_campaign_state(doc, state)
	return doc


def set_campaign_state(doc, state: str) -> None:
	"""Moves a campaign to a workflow state directly (no transitions), as the workflow would leave it."""
	status = frappe.db.get_value(
		"Workflow Document State", {"parent": "Campaign Approval", "state": state}, "update_value"
	)
	frappe.db.set_value("Campaign", doc.name, {"workflow_state": state, "campaign_status": status})
	doc.workflow_state, doc.campaign_status = state, status


def make_item(item_code: str | None = None, item_group: str = "Products", **fields) -> str:
	item_code = item_code or f"CRM-ITEM-{random_string(6)}"
	if not frappe.db.exists("Item", item_code):
		frappe.get_doc(
			{
				"doctype": "Item",
				"item_code": item_code,
				"item_name": fields.pop("item_name", item_code),
				"item_group": item_group,
				"stock_uom": "Nos",
				"is_stock_item": 0,
				**fields,
			}
		).insert()
	return item_code


def make_customer(customer_name: str | None = None, **fields) -> str:
	customer_name = customer_name or f"CRM Customer {random_string(6)}"
	return (
		frappe.get_doc(
			{
				"doctype": "Customer",
				"customer_name": customer_name,
				"customer_group": fields.pop("customer_group", "Commercial"),
				"territory": fields.pop("territory", "All Territories"),
				**fields,
			}
		)
		.insert()
		.name
	)


def make_contact(customer: str) -> str:
	"""A Contact of the customer."""
	return (
		frappe.get_doc(
			{
				"doctype": "Contact",
				"first_name": f"Olena {random_string(4)}",
				"links": [{"link_doctype": "Customer", "link_name": customer}],
			}
		)
		.insert()
		.name
	)


def business_date(date=None):
	"""`date` (today when None) as a date, with its fiscal year in place."""
	from frappe.utils import getdate, nowdate

	date = getdate(date or nowdate())
	ensure_fiscal_year(date)
	return date


def make_transaction(doctype: str, header: dict, items, submit: bool, fields: dict, **item_fields):
	"""An ERPNext transaction of `items` as (item_code, qty, rate), in the default company unless
	`fields` name one, submitted unless told otherwise."""
	doc = frappe.get_doc(
		{
			"doctype": doctype,
			"company": fields.pop("company", default_company()),
			**header,
			"items": [
				{"item_code": code, "qty": qty, "rate": rate, **item_fields} for code, qty, rate in items
			],
			**fields,
		}
	)
	doc.insert()
	if submit:
		doc.submit()
	return doc


def make_sales_order(
	customer: str, items: list[tuple[str, float, float]], transaction_date=None, submit=True, **fields
):
	"""A Sales Order of `items` as (item_code, qty, rate), delivered a week later."""
	from frappe.utils import add_days

	date = business_date(transaction_date)
	delivery = add_days(date, 7)
	header = {"customer": customer, "transaction_date": date, "delivery_date": delivery}
	return make_transaction("Sales Order", header, items, submit, fields, delivery_date=delivery)


def make_sales_invoice(
	customer: str, items: list[tuple[str, float, float]], posting_date=None, submit=True, **fields
):
	"""A Sales Invoice (not from an order) of `items` as (item_code, qty, rate)."""
	date = business_date(posting_date)
	header = {"customer": customer, "posting_date": date, "set_posting_time": 1, "due_date": date}
	return make_transaction("Sales Invoice", header, items, submit, fields)


def make_supplier(supplier_name: str | None = None, **fields) -> str:
	"""An ERPNext Supplier (for purchase invoices)."""
	supplier_name = supplier_name or f"CRM Supplier {random_string(6)}"
	return frappe.get_doc({"doctype": "Supplier", "supplier_name": supplier_name, **fields}).insert().name


def make_purchase_invoice(
	supplier: str, items: list[tuple[str, float, float]], posting_date=None, submit=True, **fields
):
	"""A Purchase Invoice of non-stock `items` as (item_code, qty, rate)."""
	date = business_date(posting_date)
	header = {
		"supplier": supplier,
		"posting_date": date,
		"set_posting_time": 1,
		"bill_date": date,
		"due_date": date,
		"update_stock": 0,
	}
	return make_transaction("Purchase Invoice", header, items, submit, fields)


def make_campaign_activity(campaign: str, **fields) -> "frappe.model.document.Document":
	"""A Campaign Activity of `campaign` (an Exhibition on 2026-03-02 unless told otherwise)."""
	return frappe.get_doc(
		{
			"doctype": "Campaign Activity",
			"campaign": campaign,
			"subject": fields.pop("subject", f"Activity {random_string(6)}"),
			"channel": fields.pop("channel", "Exhibition"),
			"scheduled_date": fields.pop("scheduled_date", "2026-03-02"),
			**fields,
		}
	).insert()


def make_marketing_supplier(supplier_name: str | None = None, **fields) -> "frappe.model.document.Document":
	"""A Marketing Supplier; `service_types` may be given as plain names."""
	service_types = [
		{"service_type": s} if isinstance(s, str) else s for s in fields.pop("service_types", [])
	]
	return frappe.get_doc(
		{
			"doctype": "Marketing Supplier",
			"supplier_name": supplier_name or f"CRM Marketing Supplier {random_string(6)}",
			"service_types": service_types,
			**fields,
		}
	).insert()
