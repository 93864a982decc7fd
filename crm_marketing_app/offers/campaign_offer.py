"""A campaign's offer as an ERPNext Pricing Rule and a Promotional Coupon Code, kept in step on save.

The rule is coupon based, so only orders carrying one of the campaign's codes get the discount; the
shared code is the campaign's `promo_code`, the personal ones come from crm_marketing_app.offers.coupons.
A completed or cancelled campaign (or one whose offer was removed) disables the rule and lets all its
codes expire; Coupon Code has no switch of its own.
"""

import frappe
from frappe import _
from frappe.utils import getdate, today

from crm_marketing_app.engine import offers as rules
from crm_marketing_app.engine.errors import _ as mark_translatable
from crm_marketing_app.utils import engine_errors

TITLE = mark_translatable("Invalid Campaign Offer")


def validate(doc) -> None:
	"""Campaign `validate`: an offer that cannot become a Pricing Rule stops the save."""
	if not doc.offer_type:
		return
	with engine_errors(_(TITLE)):
		rules.check_offer(
			doc.offer_type,
			doc.offer_discount_percentage,
			doc.offer_discount_amount,
			doc.offer_free_item,
			products(doc),
		)
	if not doc.company:
		frappe.throw(_("An offer needs the campaign's Company"), frappe.ValidationError, title=_(TITLE))
	if (doc.offer_maximum_use or 0) < 0:
		frappe.throw(_("Offer Maximum Use cannot be negative"), frappe.ValidationError, title=_(TITLE))
	owner = doc.promo_code and frappe.db.get_value("Coupon Code", doc.promo_code, "campaign")
	if doc.promo_code and frappe.db.exists("Coupon Code", doc.promo_code) and owner != doc.name:
		frappe.throw(
			_("Coupon Code {0} already exists and is not this campaign's; choose another Promo Code").format(
				frappe.bold(doc.promo_code)
			),
			frappe.ValidationError,
			title=_(TITLE),
		)


def products(doc) -> list[tuple[str | None, str | None]]:
	return [(row.item, row.item_group) for row in doc.get("target_products") or []]


def sync(doc) -> None:
	"""Campaign `on_update`: the Pricing Rule, the shared coupon and every code's validity follow the campaign."""
	if not doc.offer_type and not doc.pricing_rule:
		return
	ended = not doc.offer_type or doc.campaign_status in rules.ENDED_STATUSES
	rule = sync_pricing_rule(doc, ended)
	coupon = sync_shared_coupon(doc, rule) if doc.offer_type else doc.coupon_code
	valid_from, valid_upto = rules.validity(
		doc.start_date and getdate(doc.start_date),
		doc.end_date and getdate(doc.end_date),
		ended,
		getdate(today()),
	)
	cc = frappe.qb.DocType("Coupon Code")
	(
		frappe.qb.update(cc)
		.set(cc.valid_from, valid_from)
		.set(cc.valid_upto, valid_upto)
		.where(cc.campaign == doc.name)
		.run()
	)
	if (rule, coupon) != (doc.pricing_rule, doc.coupon_code):
		frappe.db.set_value(
			"Campaign", doc.name, {"pricing_rule": rule, "coupon_code": coupon}, update_modified=False
		)
		doc.pricing_rule, doc.coupon_code = rule, coupon


def sync_pricing_rule(doc, ended: bool) -> str:
	if doc.pricing_rule and frappe.db.exists("Pricing Rule", doc.pricing_rule):
		rule = frappe.get_doc("Pricing Rule", doc.pricing_rule)
	else:
		rule = frappe.new_doc("Pricing Rule")
	rule.disable = int(ended)
	if doc.offer_type:
		fill_pricing_rule(rule, doc)
	rule.flags.ignore_permissions = True  # the campaign's write permission was checked by its save
	rule.save()
	return rule.name


def fill_pricing_rule(rule, doc) -> None:
	apply_on, names = rules.apply_on(products(doc))
	field = "item_code" if apply_on == "Item Code" else "item_group"
	rule.update(
		{
			"title": _("Campaign {0}").format(doc.campaign_name or doc.name)[:140],
			"apply_on": apply_on,
			"selling": 1,
			"buying": 0,
			"coupon_code_based": 1,
			"applicable_for": "",
			"company": doc.company,
			"currency": frappe.get_cached_value("Company", doc.company, "default_currency"),
			"valid_from": doc.start_date or today(),
			"valid_upto": doc.end_date,
			"rule_description": _("Offer of Campaign {0}").format(doc.name),
		}
	)
	rule.set("items" if apply_on == "Item Code" else "item_groups", [{field: name} for name in names])
	if doc.offer_type == rules.FREE_ITEM:
		rule.update(
			{
				"price_or_product_discount": "Product",
				"free_item": doc.offer_free_item,
				"free_qty": 1,
				"same_item": 0,
			}
		)
		return
	percentage = doc.offer_type == rules.DISCOUNT_PERCENTAGE
	rule.update(
		{
			"price_or_product_discount": "Price",
			"rate_or_discount": doc.offer_type,
			"discount_percentage": doc.offer_discount_percentage if percentage else 0,
			"discount_amount": 0 if percentage else doc.offer_discount_amount,
		}
	)


def sync_shared_coupon(doc, rule: str) -> str | None:
	"""The Promotional Coupon Code named by the campaign's promo code; a replaced one is retired."""
	if doc.coupon_code and doc.coupon_code != doc.promo_code:
		retire_coupon(doc.coupon_code)
	if not doc.promo_code:
		return None
	if frappe.db.exists("Coupon Code", doc.promo_code):
		coupon = frappe.get_doc("Coupon Code", doc.promo_code)
	else:
		coupon = frappe.new_doc("Coupon Code")
		coupon.update(
			{"coupon_name": doc.promo_code, "coupon_code": doc.promo_code, "coupon_type": "Promotional"}
		)
	coupon.update(
		{
			"pricing_rule": rule,
			"campaign": doc.name,
			"maximum_use": doc.offer_maximum_use or rules.UNLIMITED_USES,
			"description": _("Shared code of Campaign {0}").format(doc.name),
		}
	)
	coupon.flags.ignore_permissions = True
	coupon.save()
	return coupon.name


def retire_coupon(name: str) -> None:
	"""A shared code the campaign no longer uses: deleted if never used, else exhausted (kept for the report)."""
	used = frappe.db.get_value("Coupon Code", name, "used")
	if used is None:
		return
	if used:
		frappe.db.set_value("Coupon Code", name, "maximum_use", used)
	else:
		frappe.delete_doc("Coupon Code", name, ignore_permissions=True)
