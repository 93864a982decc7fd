"""Campaigns with an offer, priced items and coupon orders for the offers tests."""

import frappe
from frappe.utils import add_days, nowdate, random_string

from crm_marketing_app.utils import default_company
from tests.integration.helpers import make_campaign, make_item

LIST_PRICE = 100.0


def priced_item(item_group: str = "Products", rate: float = LIST_PRICE) -> str:
	"""An item with a selling price in the default selling price list (pricing rules discount that)."""
	item = make_item(item_group=item_group)
	price_list = frappe.db.get_single_value("Selling Settings", "selling_price_list") or "Standard Selling"
	frappe.get_doc(
		{"doctype": "Item Price", "item_code": item, "price_list": price_list, "price_list_rate": rate}
	).insert()
	return item


def offer_campaign(items=(), item_groups=(), **fields):
	"""A running campaign of the default company with an offer on `items` (or `item_groups`)."""
	campaign = make_campaign(
		company=fields.pop("company", default_company()),
		state=fields.pop("state", "Running"),
		start_date=fields.pop("start_date", add_days(nowdate(), -1)),
		end_date=fields.pop("end_date", add_days(nowdate(), 30)),
		promo_code=fields.pop("promo_code", f"OFFER{random_string(6).upper()}"),
		offer_type=fields.pop("offer_type", "Discount Percentage"),
		offer_discount_percentage=fields.pop("offer_discount_percentage", 10),
		target_products=[{"item": i} for i in items] + [{"item_group": g} for g in item_groups],
		**fields,
	)
	campaign.reload()  # the workflow state was set in the database
	return campaign
