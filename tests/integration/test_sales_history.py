import frappe

from crm_marketing_app.sales_history import sales_documents, sales_lines
from tests.integration.helpers import make_customer, make_item, make_sales_invoice, make_sales_order


def _history(query, customer):
	sub = query.as_("history")
	return frappe.qb.from_(sub).select("*").where(sub.customer == customer).run(as_dict=True)


def test_orders_and_direct_invoices_count_once():
	from erpnext.selling.doctype.sales_order.sales_order import make_sales_invoice as invoice_from_order

	customer, item = make_customer(), make_item()
	order = make_sales_order(customer, [(item, 2, 100)], "2026-03-10")
	billed = invoice_from_order(order.name)
	billed.posting_date, billed.set_posting_time = "2026-03-12", 1
	billed.insert().submit()
	direct = make_sales_invoice(customer, [(item, 1, 50)], "2026-04-01")
	make_sales_order(customer, [(item, 1, 999)], "2026-04-02", submit=False)

	docs = sorted(_history(sales_documents(), customer), key=lambda r: r.reference_name)
	assert {(d.reference_doctype, d.reference_name, float(d.amount)) for d in docs} == {
		("Sales Order", order.name, 200.0),
		("Sales Invoice", direct.name, 50.0),
	}
	lines = _history(sales_lines(), customer)
	assert sorted((line.item_code, str(line.posting_date), float(line.amount)) for line in lines) == [
		(item, "2026-03-10", 200.0),
		(item, "2026-04-01", 50.0),
	]
