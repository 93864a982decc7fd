"""The one definition of sales history (DESIGN.md "Sales history").

Submitted Sales Orders, plus submitted Sales Invoices not made from a Sales
Order, so nothing counts twice. Dates are the transaction/posting dates,
amounts the net totals in company currency. Both functions return frappe.qb
queries to be used as subqueries, so callers stay set-based.
"""

import frappe
from frappe.query_builder import Criterion
from frappe.query_builder.functions import IfNull
from pypika.terms import ExistsCriterion


def _invoice_not_from_order(invoice):
	item = frappe.qb.DocType("Sales Invoice Item")
	from_order = (
		frappe.qb.from_(item)
		.select(item.name)
		.where((item.parent == invoice.name) & (IfNull(item.sales_order, "") != ""))
	)
	return Criterion.all([invoice.docstatus == 1, ExistsCriterion(from_order).negate()])


def sales_documents():
	"""Rows: reference_doctype, reference_name, customer, company, posting_date, amount."""
	so = frappe.qb.DocType("Sales Order")
	si = frappe.qb.DocType("Sales Invoice")
	orders = frappe.qb.from_(so).select(
		frappe.qb.terms.ValueWrapper("Sales Order").as_("reference_doctype"),
		so.name.as_("reference_name"),
		so.customer,
		so.company,
		so.transaction_date.as_("posting_date"),
		so.base_net_total.as_("amount"),
	).where(so.docstatus == 1)
	invoices = (
		frappe.qb.from_(si)
		.select(
			frappe.qb.terms.ValueWrapper("Sales Invoice").as_("reference_doctype"),
			si.name.as_("reference_name"),
			si.customer,
			si.company,
			si.posting_date,
			si.base_net_total.as_("amount"),
		)
		.where(_invoice_not_from_order(si))
	)
	return orders.union_all(invoices)


def sales_lines():
	"""Rows: reference_doctype, reference_name, customer, posting_date, item_code, item_group, amount."""
	so, soi = frappe.qb.DocType("Sales Order"), frappe.qb.DocType("Sales Order Item")
	si, sii = frappe.qb.DocType("Sales Invoice"), frappe.qb.DocType("Sales Invoice Item")
	orders = (
		frappe.qb.from_(soi)
		.join(so)
		.on(so.name == soi.parent)
		.select(
			frappe.qb.terms.ValueWrapper("Sales Order").as_("reference_doctype"),
			so.name.as_("reference_name"),
			so.customer,
			so.transaction_date.as_("posting_date"),
			soi.item_code,
			soi.item_group,
			soi.base_net_amount.as_("amount"),
		)
		.where(so.docstatus == 1)
	)
	invoices = (
		frappe.qb.from_(sii)
		.join(si)
		.on(si.name == sii.parent)
		.select(
			frappe.qb.terms.ValueWrapper("Sales Invoice").as_("reference_doctype"),
			si.name.as_("reference_name"),
			si.customer,
			si.posting_date,
			sii.item_code,
			sii.item_group,
			sii.base_net_amount.as_("amount"),
		)
		.where(_invoice_not_from_order(si))
	)
	return orders.union_all(invoices)
