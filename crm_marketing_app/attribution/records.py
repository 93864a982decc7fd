"""Campaign Attribution rows of a Sales Order / Sales Invoice: written on submit, removed on cancel
(crm_marketing_app.overrides.sales_transaction), with the Campaign revenue rollups shifted to match.

Order of precedence: the document's own `campaign`, then a campaign whose
`promo_code` the document carries, then the settings' model over the
customer's (its lead's, its contacts') Campaign Responses inside the window.
An invoice made from a Sales Order is never attributed: its order already is
(docs/architecture.md, "Sales history"). Amending cancels the original and submits the
amendment, which is attributed afresh.
"""

from datetime import datetime, time, timedelta
from decimal import Decimal

import frappe
from frappe import _
from frappe.model.document import Document
from frappe.model.meta import get_field_precision
from frappe.query_builder.functions import IfNull
from frappe.utils import getdate
from pypika.terms import Tuple, ValueWrapper

from crm_marketing_app.bulk import insert_rows
from crm_marketing_app.campaigns.rollups import shift_revenue_rollups
from crm_marketing_app.engine.attribution import campaign_weights, check_window, exact_split
from crm_marketing_app.engine.errors import EngineError
from crm_marketing_app.utils import get_settings

# Responses that show no interest are no touch.
NOT_TOUCHES = ("Declined", "Unsubscribed")


def attribute_revenue(doc: Document) -> None:
	"""Writes the document's Campaign Attribution rows (its submit)."""
	shares, model = attribute(doc)
	if not shares:
		return
	amounts = dict(exact_split(doc.base_net_total, shares, amount_precision(doc)))
	date = document_date(doc)
	insert_rows(
		"Campaign Attribution",
		[
			{
				"campaign": campaign,
				"reference_doctype": doc.doctype,
				"reference_name": doc.name,
				"customer": doc.customer,
				"company": doc.company,
				"posting_date": date,
				"model": model,
				"weight": weight,
				"amount": amounts[campaign],
			}
			for campaign, weight in shares
		],
	)
	shift_revenue_rollups(amounts.items(), 1)


def remove_attribution(doc: Document) -> None:
	"""Deletes the document's Campaign Attribution rows (its cancel)."""
	ca = frappe.qb.DocType("Campaign Attribution")
	of_doc = (ca.reference_doctype == doc.doctype) & (ca.reference_name == doc.name)
	shares = frappe.qb.from_(ca).select(ca.campaign, ca.amount).where(of_doc).run()
	if shares:
		frappe.qb.from_(ca).delete().where(of_doc).run()
		shift_revenue_rollups(shares, -1)


def attribute(doc: Document) -> tuple[list, str | None]:
	"""([(campaign, weight)], how) for the document; ([], None) when nothing is attributed."""
	if doc.doctype == "Sales Invoice" and any(item.sales_order for item in doc.items):
		return [], None
	if doc.get("campaign"):
		return [(doc.campaign, Decimal(1))], "Campaign Field"
	code = (doc.get("promo_code") or "").strip()
	if code:
		campaign = frappe.db.get_value("Campaign", {"promo_code": code}, "name")
		if campaign:
			return [(campaign, Decimal(1))], "Promo Code"
		doc.add_comment(
			"Comment", _("Promo Code {0} matches no campaign and was ignored").format(frappe.bold(code))
		)
	settings = get_settings()
	converted_on = datetime.combine(getdate(document_date(doc)), time.max)
	try:
		check_window(settings.attribution_window_days)
		touches = customer_touches(doc.customer, converted_on, settings.attribution_window_days)
		return campaign_weights(settings.attribution_model, touches, converted_on), settings.attribution_model
	except EngineError as e:
		# A broken setting must not block the sale: say why nothing was attributed.
		doc.add_comment("Comment", _("Revenue not attributed: {0}").format(_(e.template).format(*e.params)))
		return [], None


def customer_touches(customer: str, converted_on: datetime, window_days: int) -> list[tuple[str, datetime]]:
	"""(campaign, response_date) of the customer's, its lead's and its contacts' responses in the window."""
	cr = frappe.qb.DocType("Campaign Response")
	rows = (
		frappe.qb.from_(cr)
		.select(cr.campaign, cr.response_date)
		.where(
			# a semi-join on the indexed respondent: one round trip, no scan of all responses
			Tuple(cr.respondent_doctype, cr.respondent).isin(respondents(customer))
			& (IfNull(cr.campaign, "") != "")
			& cr.response_type.notin(NOT_TOUCHES)
			& (cr.response_date >= converted_on - timedelta(days=window_days))
			& (cr.response_date <= converted_on)
		)
		.orderby(cr.response_date)
		.orderby(cr.name)
		.run()
	)
	return [(campaign, when) for campaign, when in rows]


def respondents(customer: str):
	"""SELECT (doctype, name) of the customer, the Lead it was made from and its Contacts."""
	link, cust = frappe.qb.DocType("Dynamic Link"), frappe.qb.DocType("Customer")
	itself = frappe.qb.from_(cust).select(ValueWrapper("Customer"), cust.name).where(cust.name == customer)
	lead = (
		frappe.qb.from_(cust)
		.select(ValueWrapper("Lead"), cust.lead_name)
		.where((cust.name == customer) & (IfNull(cust.lead_name, "") != ""))
	)
	contacts = (
		frappe.qb.from_(link)
		.select(ValueWrapper("Contact"), link.parent)
		.where(
			(link.parenttype == "Contact") & (link.link_doctype == "Customer") & (link.link_name == customer)
		)
	)
	return itself.union_all(lead).union_all(contacts)


def document_date(doc: Document):
	return doc.transaction_date if doc.doctype == "Sales Order" else doc.posting_date


def amount_precision(doc: Document) -> int:
	currency = frappe.get_cached_value("Company", doc.company, "default_currency")
	return get_field_precision(frappe.get_meta("Campaign Attribution").get_field("amount"), currency=currency)
