"""The one definition of sales history (docs/architecture.md, "Sales history").

Submitted Sales Orders, plus submitted Sales Invoices not made from a Sales
Order, so nothing counts twice. Dates are the transaction/posting dates,
amounts the net totals in company currency. A line's gross profit is its net amount less
ERPNext's valuation of what it sold: the invoice line's `incoming_rate`, the order line's
`valuation_rate` (both per stock unit). Both functions return frappe.qb queries to be used as
subqueries, so callers stay set-based.
"""

import frappe
from frappe.query_builder import Criterion
from frappe.query_builder.functions import IfNull, Min
from pypika.terms import ExistsCriterion, ValueWrapper


def _invoice_not_from_order(invoice):
	item = frappe.qb.DocType("Sales Invoice Item")
	from_order = (
		frappe.qb.from_(item)
		.select(item.name)
		.where((item.parent == invoice.name) & (IfNull(item.sales_order, "") != ""))
	)
	return Criterion.all([invoice.docstatus == 1, ExistsCriterion(from_order).negate()])


# The two kinds of sales document: (DocType, its date field, which of them count).
SOURCES = (
	("Sales Order", "transaction_date", lambda doc: doc.docstatus == 1),
	("Sales Invoice", "posting_date", _invoice_not_from_order),
)


# The valuation ERPNext stores on each kind of sales line, per stock unit.
VALUATION_FIELDS = {"Sales Order": "valuation_rate", "Sales Invoice": "incoming_rate"}


def line_gross_profit(doctype: str, line):
	"""A sales line's net amount less the valuation of its stock quantity (company currency)."""
	return line.base_net_amount - IfNull(line[VALUATION_FIELDS[doctype]], 0) * line.stock_qty


def _document_columns(doctype: str, doc, date_field: str) -> list:
	return [
		ValueWrapper(doctype).as_("reference_doctype"),
		doc.name.as_("reference_name"),
		doc.customer,
		doc[date_field].as_("posting_date"),
	]


def sales_documents():
	"""Rows: reference_doctype, reference_name, customer, posting_date, company, amount."""
	orders, invoices = (
		frappe.qb.from_(doc)
		.select(*_document_columns(doctype, doc, date_field), doc.company, doc.base_net_total.as_("amount"))
		.where(counts(doc))
		for doctype, date_field, counts in SOURCES
		for doc in [frappe.qb.DocType(doctype)]
	)
	return orders.union_all(invoices)


def sales_lines():
	"""Rows: reference_doctype, reference_name, customer, posting_date, item_code, item_group, amount,
	gross_profit, company."""
	orders, invoices = (
		frappe.qb.from_(line)
		.join(doc)
		.on(doc.name == line.parent)
		.select(
			*_document_columns(doctype, doc, date_field),
			line.item_code,
			line.item_group,
			line.base_net_amount.as_("amount"),
			line_gross_profit(doctype, line).as_("gross_profit"),
			doc.company,
		)
		.where(counts(doc))
		for doctype, date_field, counts in SOURCES
		for doc, line in [(frappe.qb.DocType(doctype), frappe.qb.DocType(f"{doctype} Item"))]
	)
	return orders.union_all(invoices)


def first_order_dates():
	"""Each customer's first date in the sales history, as a derived table `first` (customer, first_date)."""
	docs = sales_documents().as_("docs")
	return (
		frappe.qb.from_(docs)
		.select(docs.customer, Min(docs.posting_date).as_("first_date"))
		.groupby(docs.customer)
		.as_("first")
	)


def first_order_inside(first, campaign):
	"""A campaign's new customer: their first order in the sales history falls inside the campaign's
	dates (an open end runs on). One definition for Campaign ROI and the New Customers goal."""
	return (first.first_date >= campaign.start_date) & (
		campaign.end_date.isnull() | (first.first_date <= campaign.end_date)
	)
