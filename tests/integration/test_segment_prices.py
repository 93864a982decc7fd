"""Segment prices: a Pricing Rule on the Customer Group a Target List of Customers keeps in step."""

import frappe
import pytest
from frappe.utils import nowdate, random_string

from crm_marketing_app.target_lists import members
from crm_marketing_app.utils import default_company
from tests.integration.helpers import make_customer, make_sales_order
from tests.integration.offers_helpers import LIST_PRICE, priced_item
from tests.integration.test_triggers import make_customer_group


def segment_rule(group: str, item: str, percentage: float) -> str:
	return (
		frappe.get_doc(
			{
				"doctype": "Pricing Rule",
				"title": f"Sleeping segment {random_string(4)}",
				"apply_on": "Item Code",
				"items": [{"item_code": item}],
				"selling": 1,
				"applicable_for": "Customer Group",
				"customer_group": group,
				"rate_or_discount": "Discount Percentage",
				"discount_percentage": percentage,
				"company": default_company(),
				"currency": frappe.get_cached_value("Company", default_company(), "default_currency"),
			}
		)
		.insert()
		.name
	)


def order_of(customer: str, item: str):
	"""A draft order with the customer's group on it, as the desk's customer field fills it in."""
	group = frappe.db.get_value("Customer", customer, "customer_group")
	return make_sales_order(customer, [(item, 1, LIST_PRICE)], nowdate(), submit=False, customer_group=group)


def test_pricing_rule_on_a_lists_customer_group_follows_the_refresh():
	group, item = make_customer_group(), priced_item()
	segment_rule(group, item, 25)
	stays, leaves = make_customer(customer_group="Commercial"), make_customer(customer_group="Individual")
	target = frappe.get_doc(
		{"doctype": "Target List", "list_name": f"Sleeping {random_string(6)}", "member_doctype": "Customer",
		 "list_type": "Static", "segment_customer_group": group}
	).insert()  # fmt: skip
	members.add_members(target, "Customer", [stays, leaves])
	target.refresh_members()
	assert frappe.db.get_value("Customer", stays, "customer_group") == group
	assert frappe.db.get_value("Customer", leaves, "customer_group") == group
	order = order_of(leaves, item)
	assert (order.items[0].discount_percentage, order.net_total) == (25, 75)

	tlm = frappe.qb.DocType("Target List Member")
	frappe.qb.from_(tlm).delete().where((tlm.target_list == target.name) & (tlm.member == leaves)).run()
	target.refresh_members()
	assert frappe.db.get_value("Customer", stays, ("customer_group", "customer_group_before_list")) == (
		group,
		"Commercial",
	)
	assert frappe.db.get_value("Customer", leaves, ("customer_group", "customer_group_before_list")) == (
		"Individual",
		None,
	)
	order = order_of(leaves, item)
	assert (order.items[0].discount_percentage or 0, order.net_total) == (0, LIST_PRICE)


def test_a_list_of_leads_keeps_no_customer_group():
	"""The desk fills a new list's Customer Group from ERPNext's default: a Lead list still saves, without it."""
	target = frappe.get_doc(
		{
			"doctype": "Target List",
			"list_name": f"Leads {random_string(6)}",
			"member_doctype": "Lead",
			"segment_customer_group": make_customer_group(),
		}
	).insert()
	assert target.segment_customer_group is None
	assert frappe.db.get_value("Target List", target.name, "segment_customer_group") is None


@pytest.mark.parametrize("bad", ["group of groups", "group of another list"])
def test_bad_segment_group_is_refused(bad):
	group = make_customer_group()
	fields = {"member_doctype": "Customer", "segment_customer_group": group}
	if bad == "group of groups":
		fields["segment_customer_group"] = "All Customer Groups"
	else:
		frappe.get_doc(
			{"doctype": "Target List", "list_name": f"Owner {random_string(6)}", **fields}
		).insert()
	with pytest.raises(frappe.ValidationError):
		frappe.get_doc({"doctype": "Target List", "list_name": f"Bad {random_string(6)}", **fields}).insert()
