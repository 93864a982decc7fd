"""Sales Order / Sales Invoice `on_submit` and `on_cancel`: write and remove Campaign Attribution rows;
and the hooks keeping the Campaign rollups true when costs or leads change.

Order of precedence: the document's own `campaign`, then the campaign whose
Coupon Code (shared or personal) the order carries, then a campaign whose
`promo_code` the document carries, then the settings' model over the
customer's (its lead's, its contacts') Campaign Responses inside the window.
An invoice made from a Sales Order is never attributed: its order already is
(DESIGN.md "Sales history"). Amending cancels the original and submits the
amendment, which is attributed afresh.
"""

from datetime import datetime, time, timedelta
from decimal import Decimal

import frappe
from frappe import _
from frappe.model.document import Document
from frappe.model.meta import get_field_precision
from frappe.query_builder.functions import IfNull
from frappe.utils import getdate, now
from pypika.terms import Tuple, ValueWrapper

from crm_marketing_app.attribution.rollups import (
	shift_revenue_rollups,
	update_lead_rollups,
	update_revenue_rollups,
	update_rollups,
)
from crm_marketing_app.engine import attribution as engine
from crm_marketing_app.engine.errors import EngineError
from crm_marketing_app.utils import get_settings

ROLLUPS = ("attributed_revenue", "roi", "leads_generated", "orders_count")
# Responses that show no interest are no touch.
NOT_TOUCHES = ("Declined", "Unsubscribed")
FIELDS = (
	"name",
	"creation",
	"modified",
	"owner",
	"modified_by",
	"docstatus",
	"campaign",
	"reference_doctype",
	"reference_name",
	"customer",
	"company",
	"posting_date",
	"model",
	"weight",
	"amount",
)


def on_submit(doc: Document, method=None):
	shares, model = attribute(doc)
	if not shares:
		return
	amounts = dict(engine.exact_split(doc.base_net_total, shares, amount_precision(doc)))
	stamp, user = now(), frappe.session.user
	frappe.db.bulk_insert(
		"Campaign Attribution",
		FIELDS,
		[
			(
				frappe.generate_hash(length=10),
				stamp,
				stamp,
				user,
				user,
				0,
				campaign,
				doc.doctype,
				doc.name,
				doc.customer,
				doc.company,
				document_date(doc),
				model,
				weight,
				amounts[campaign],
			)
			for campaign, weight in shares
		],
	)
	shift_revenue_rollups(amounts.items(), 1)


def on_cancel(doc: Document, method=None):
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
	coupon_campaign = doc.get("coupon_code") and frappe.db.get_value(
		"Coupon Code", doc.coupon_code, "campaign"
	)
	if coupon_campaign:
		return [(coupon_campaign, Decimal(1))], "Coupon Code"
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
		engine.check_window(settings.attribution_window_days)
		touches = customer_touches(doc.customer, converted_on, settings.attribution_window_days)
		return engine.campaign_weights(
			settings.attribution_model, touches, converted_on
		), settings.attribution_model
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


def on_cost_change(doc: Document, method=None):
	"""Campaign / Campaign Activity saved: ROI follows the actual cost just rolled up, and a Campaign
	form saved with stale read-only rollups gets the true ones back."""
	if doc.doctype == "Campaign":
		update_rollups([doc.name])
		doc.update(frappe.db.get_value("Campaign", doc.name, ROLLUPS, as_dict=True))  # the form shows them
		return
	update_revenue_rollups(_campaigns_of(doc, "campaign", method))


def on_lead_source_change(doc: Document, method=None):
	"""Lead (its campaign_name) or Campaign Response (its lead) saved or deleted: leads_generated."""
	field = "campaign_name" if doc.doctype == "Lead" else "campaign"
	update_lead_rollups(_campaigns_of(doc, field, method))


def _campaigns_of(doc: Document, field: str, method: str | None) -> set:
	"""The campaign the document names now, and the one it named before this save."""
	before = doc.get_doc_before_save() if method == "on_update" else None
	return {doc.get(field), before and before.get(field)}
