"""Sales Order hooks for coupons: a campaign's code is of its company, gives its discount whatever
code of the rule it is, is used at most `maximum_use` times even when orders race, and records a
`Purchased` response for the person it was issued to. Cancel takes the response back; ERPNext
returns the use itself (`update_coupon_code_count`). Attribution is in crm_marketing_app.attribution.
"""

import frappe
from erpnext.accounts.doctype.pricing_rule.utils import get_applied_pricing_rules
from frappe import _
from frappe.utils import now

from crm_marketing_app.engine.errors import _ as mark_translatable

TITLE = mark_translatable("Invalid Coupon Code")
COUPON_FIELDS = ("name", "campaign", "campaign_activity", "issued_to_doctype", "issued_to", "pricing_rule")


def campaign_coupon(code: str | None) -> frappe._dict | None:
	"""The coupon when it is a campaign's (shared or personal), else None."""
	coupon = code and frappe.db.get_value("Coupon Code", code, COUPON_FIELDS, as_dict=True)
	return coupon if coupon and coupon.campaign else None


def validate(doc) -> None:
	coupon = campaign_coupon(doc.get("coupon_code"))
	if not coupon:
		return
	company = frappe.db.get_value("Campaign", coupon.campaign, "company")
	if company and company != doc.company:
		frappe.throw(
			_("Coupon Code {0} is an offer of Campaign {1} of company {2}, not of {3}").format(
				frappe.bold(coupon.name), coupon.campaign, company, doc.company
			),
			frappe.ValidationError,
			title=_(TITLE),
		)
	price_with_any_code_of_the_rule(doc, coupon)


def price_with_any_code_of_the_rule(doc, coupon) -> None:
	"""ERPNext matches an item-level coupon rule against the first Coupon Code of the rule only
	(`get_pricing_rule_for_item`), so every other code of a campaign would give nothing: the lines are
	priced again as if the code ERPNext recognises had been given, and the order keeps its own code."""
	recognised = frappe.db.get_value("Coupon Code", {"pricing_rule": coupon.pricing_rule}, "name")
	if recognised == coupon.name or doc.get("ignore_pricing_rule"):
		return
	for row in doc.items:
		if not get_applied_pricing_rules(row.pricing_rules):
			row.pricing_rules = None  # else ERPNext re-reads the empty list of rules instead of looking again
	doc.coupon_code = recognised
	try:
		doc.set_missing_item_details(for_validate=True)
	finally:
		doc.coupon_code = coupon.name
	doc.calculate_taxes_and_totals()


def lock_coupon_on_submit(doc) -> None:
	"""On submit, takes the coupon's row lock before anything else of the order is written or locked: a
	second order racing for the last use waits here, then reads the committed count and is refused."""
	code = doc.get("coupon_code")
	if not code or doc._action != "submit":
		return
	maximum, used = frappe.db.get_value("Coupon Code", code, ("maximum_use", "used"), for_update=True)
	if maximum and used >= maximum:
		frappe.throw(
			_("Coupon Code {0} has been used already ({1} of {2} uses)").format(
				frappe.bold(code), used, maximum
			),
			frappe.ValidationError,
			title=_(TITLE),
		)


def record_purchase(doc) -> None:
	coupon = campaign_coupon(doc.get("coupon_code"))
	if not coupon:
		return
	issued = bool(coupon.issued_to_doctype and coupon.issued_to)
	frappe.get_doc(
		{
			"doctype": "Campaign Response",
			"campaign": coupon.campaign,
			"campaign_activity": coupon.campaign_activity,
			"respondent_doctype": coupon.issued_to_doctype if issued else "Customer",
			"respondent": coupon.issued_to if issued else doc.customer,
			"response_type": "Purchased",
			"response_date": now(),
			"promo_code": coupon.name,
			"sales_order": doc.name,
		}
	).insert(ignore_permissions=True)


def remove_purchase(doc) -> None:
	for name in frappe.get_all("Campaign Response", filters={"sales_order": doc.name}, pluck="name"):
		frappe.delete_doc("Campaign Response", name, ignore_permissions=True)
