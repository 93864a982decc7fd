"""The one definition of sales history (docs/architecture.md, "Sales history").

Submitted Sales Orders, plus submitted Sales Invoices not made from a Sales
Order, so nothing counts twice. Dates are the transaction/posting dates,
amounts the net totals in company currency. Both functions return frappe.qb
queries to be used as subqueries, so callers stay set-based.
"""

import frappe
from frappe.query_builder import Criterion
from frappe.query_builder.functions import IfNull
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
	"""Rows: reference_doctype, reference_name, customer, posting_date, item_code, item_group, amount."""
	orders, invoices = (
		frappe.qb.from_(line)
		.join(doc)
		.on(doc.name == line.parent)
		.select(
			*_document_columns(doctype, doc, date_field),
			line.item_code,
			line.item_group,
			line.base_net_amount.as_("amount"),
		)
		.where(counts(doc))
		for doctype, date_field, counts in SOURCES
		for doc, line in [(frappe.qb.DocType(doctype), frappe.qb.DocType(f"{doctype} Item"))]
	)
	return orders.union_all(invoices)
