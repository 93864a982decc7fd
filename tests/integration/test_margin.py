"""Gross profit of attributed documents from ERPNext's own valuation, and margin lifetime value."""

import frappe
import pytest
from frappe.utils import add_days

from tests.integration.helpers import (
	business_date,
	default_company,
	make_customer,
	make_item,
	make_transaction,
)
from tests.integration.test_revenue_reports import run_report

DAY = "2026-03-16"


@pytest.fixture
def stock():
	"""A stock item received at 60 a unit, and a service item (no valuation)."""
	company = default_company()
	warehouse = frappe.db.get_value(
		"Warehouse", {"company": company, "is_group": 0}, "name", order_by="name desc"
	)
	item = make_item(is_stock_item=1, valuation_rate=60)
	receipt = frappe.get_doc(
		{
			"doctype": "Stock Entry",
			"stock_entry_type": "Material Receipt",
			"company": company,
			"posting_date": business_date("2026-03-01"),
			"set_posting_time": 1,
			"items": [{"item_code": item, "qty": 50, "t_warehouse": warehouse, "basic_rate": 60}],
		}
	).insert()
	receipt.submit()
	return frappe._dict(company=company, warehouse=warehouse, item=item, service=make_item())


def sell(doctype, stock, customer, lines, **fields):
	date = business_date(DAY)
	header = (
		{"customer": customer, "transaction_date": date, "delivery_date": add_days(date, 7)}
		if doctype == "Sales Order"
		else {"customer": customer, "posting_date": date, "set_posting_time": 1, "due_date": date}
	)
	extra = {"delivery_date": add_days(date, 7)} if doctype == "Sales Order" else {}
	return make_transaction(
		doctype, header, lines, True, {"company": stock.company, **fields}, warehouse=stock.warehouse, **extra
	)


def test_line_valuation_is_erpnexts(stock):
	customer = make_customer()
	order = sell("Sales Order", stock, customer, [(stock.item, 2, 100)])
	invoice = sell("Sales Invoice", stock, customer, [(stock.item, 3, 100), (stock.service, 1, 50)])
	assert order.items[0].valuation_rate == 60
	assert [row.incoming_rate for row in invoice.items] == [60, 0]


def test_margin_lifetime_value_in_customer_segments(stock):
	customer = make_customer()
	sell("Sales Order", stock, customer, [(stock.item, 2, 100)])  # 200 - 2 x 60 = 80
	sell("Sales Invoice", stock, customer, [(stock.item, 3, 100), (stock.service, 1, 50)])  # 120 + 50
	rows = run_report(
		"Customer Segments", {"company": stock.company, "as_of_date": DAY, "lifetime_years": 3}
	)["result"]
	row = next(r for r in rows if r["customer"] == customer)
	# two documents worth 550 and 250 of gross profit within a year, over a 3-year lifetime
	assert (row["lifetime_value"], row["margin_lifetime_value"]) == (1650.0, 750.0)
