"""Campaign offers through ERPNext's Pricing Rule and Coupon Code: the discount, attribution, redemption."""

import frappe
import pytest
from frappe.utils import nowdate

from tests.integration.helpers import make_customer, make_sales_order, set_campaign_state
from tests.integration.offers_helpers import LIST_PRICE, offer_campaign, priced_item


def attribution_of(order) -> list[tuple]:
	rows = frappe.get_all(
		"Campaign Attribution",
		filters={"reference_doctype": "Sales Order", "reference_name": order.name},
		fields=["campaign", "model", "weight"],
		as_list=True,
	)
	return [tuple(row) for row in rows]


def test_campaign_offer_is_a_pricing_rule_and_a_coupon_that_discounts_and_attributes_the_order():
	item = priced_item()
	campaign = offer_campaign(items=[item], offer_discount_percentage=15)
	rule = frappe.get_doc("Pricing Rule", campaign.pricing_rule)
	assert (rule.coupon_code_based, rule.disable, rule.selling, rule.apply_on) == (1, 0, 1, "Item Code")
	assert [row.item_code for row in rule.items] == [item]
	assert (rule.discount_percentage, str(rule.valid_from), str(rule.valid_upto)) == (
		15,
		str(campaign.start_date),
		str(campaign.end_date),
	)
	coupon = frappe.get_doc("Coupon Code", campaign.coupon_code)
	assert (coupon.coupon_code, coupon.coupon_type, coupon.pricing_rule, coupon.campaign) == (
		campaign.promo_code,
		"Promotional",
		rule.name,
		campaign.name,
	)

	customer = make_customer()
	plain = make_sales_order(customer, [(item, 2, LIST_PRICE)], nowdate())
	assert plain.items[0].rate == LIST_PRICE
	order = make_sales_order(customer, [(item, 2, LIST_PRICE)], nowdate(), coupon_code=coupon.name)
	assert order.items[0].discount_percentage == 15
	assert order.net_total == 170
	assert attribution_of(order) == [(campaign.name, "Coupon Code", 1)]
	assert frappe.db.get_value("Coupon Code", coupon.name, "used") == 1
	response = frappe.get_all(
		"Campaign Response",
		filters={"sales_order": order.name},
		fields=["campaign", "response_type", "respondent_doctype", "respondent"],
	)
	assert [tuple(r.values()) for r in response] == [(campaign.name, "Purchased", "Customer", customer)]

	order.cancel()
	assert attribution_of(order) == []
	assert not frappe.db.exists("Campaign Response", {"sales_order": order.name})
	assert frappe.db.get_value("Coupon Code", coupon.name, "used") == 0


def test_offer_follows_the_campaign_and_ends_with_it():
	item, other = priced_item(), priced_item()
	campaign = offer_campaign(items=[item])
	campaign.update({"offer_type": "Discount Amount", "offer_discount_amount": 7})
	campaign.append("target_products", {"item": other})
	campaign.save()
	rule = frappe.get_doc("Pricing Rule", campaign.pricing_rule)
	assert (rule.rate_or_discount, rule.discount_amount) == ("Discount Amount", 7)
	assert sorted(row.item_code for row in rule.items) == sorted([item, other])

	set_campaign_state(campaign, "Completed")
	campaign.reload()
	campaign.save()
	assert frappe.db.get_value("Pricing Rule", rule.name, "disable") == 1
	valid_upto = frappe.db.get_value("Coupon Code", campaign.coupon_code, "valid_upto")
	assert str(valid_upto) < nowdate()
	with pytest.raises(frappe.ValidationError):
		make_sales_order(
			make_customer(), [(item, 1, LIST_PRICE)], nowdate(), coupon_code=campaign.coupon_code
		)


def test_free_item_offer_on_an_item_group_adds_the_free_item():
	group = frappe.get_doc(
		{"doctype": "Item Group", "item_group_name": f"Offer Group {frappe.generate_hash(length=6)}",
		 "parent_item_group": "All Item Groups"}
	).insert().name  # fmt: skip
	item, gift = priced_item(item_group=group), priced_item()
	campaign = offer_campaign(item_groups=[group], offer_type="Free Item", offer_free_item=gift)
	order = make_sales_order(
		make_customer(), [(item, 1, LIST_PRICE)], nowdate(), coupon_code=campaign.coupon_code
	)
	free = [row for row in order.items if row.is_free_item]
	assert [(row.item_code, row.qty, row.rate) for row in free] == [(gift, 1, 0)]


@pytest.mark.parametrize(
	"fields, message",
	[
		({"offer_discount_percentage": 101}, "at most 100"),
		({"offer_type": "Discount Amount", "offer_discount_amount": 0}, "above 0"),
		({"offer_type": "Free Item"}, "Free Item"),
	],
)
def test_bad_offer_is_refused_and_nothing_is_made(fields, message):
	item = priced_item()
	rules_before = frappe.db.count("Pricing Rule")
	with pytest.raises(frappe.ValidationError, match=message):
		offer_campaign(items=[item], **fields)
	assert frappe.db.count("Pricing Rule") == rules_before


def test_offer_without_target_products_is_refused():
	campaign = offer_campaign(offer_type="")
	campaign.offer_type = "Discount Percentage"
	campaign.offer_discount_percentage = 5
	with pytest.raises(frappe.ValidationError, match="Target Products"):
		campaign.save()
	assert not frappe.db.get_value("Campaign", campaign.name, "offer_type")
	assert not frappe.db.get_value("Campaign", campaign.name, "pricing_rule")


def test_coupon_of_a_campaign_of_another_company_is_refused():
	item = priced_item()
	campaign = offer_campaign(items=[item])
	other = frappe.get_doc(
		{"doctype": "Company", "company_name": f"Other {frappe.generate_hash(length=5)}",
		 "abbr": frappe.generate_hash(length=4).upper(), "default_currency": "USD", "country": "United States"}
	).insert()  # fmt: skip
	frappe.db.set_value("Campaign", campaign.name, "company", other.name)
	used = frappe.db.get_value("Coupon Code", campaign.coupon_code, "used")
	with pytest.raises(frappe.ValidationError, match="of company"):
		make_sales_order(
			make_customer(), [(item, 1, LIST_PRICE)], nowdate(), coupon_code=campaign.coupon_code
		)
	assert frappe.db.get_value("Coupon Code", campaign.coupon_code, "used") == used


def test_existing_promo_code_without_offer_still_attributes():
	campaign = offer_campaign(offer_type="")
	assert not campaign.pricing_rule and not campaign.coupon_code
	order = make_sales_order(
		make_customer(), [(priced_item(), 1, LIST_PRICE)], nowdate(), promo_code=campaign.promo_code
	)
	assert attribution_of(order) == [(campaign.name, "Promo Code", 1)]
