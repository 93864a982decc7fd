"""Redemption race: two orders with one personal code submitted at once end with exactly one redemption."""

import frappe
import pytest
from frappe.utils import nowdate

from tests.integration.helpers import make_campaign_activity, make_customer, make_sales_order
from tests.integration.offers_helpers import LIST_PRICE, offer_campaign, priced_item
from tests.integration.test_personal_coupons import customer_list
from tests.integration.test_triggers import in_workers


@pytest.fixture
def two_drafts_with_one_code():
	"""Committed, so the workers' own connections see them; removed afterwards."""
	item = priced_item()
	campaign = offer_campaign(items=[item])
	customer = make_customer()
	target = customer_list([customer], [])
	activity = make_campaign_activity(
		campaign.name, personal_coupons=1, target_lists=[{"target_list": target}]
	)
	activity.generate_personal_coupons()
	code = frappe.db.get_value("Coupon Code", {"campaign_activity": activity.name}, "name")
	orders = [
		make_sales_order(customer, [(item, 1, LIST_PRICE)], nowdate(), submit=False, coupon_code=code).name
		for _n in range(2)
	]
	frappe.db.commit()
	try:
		yield code, orders
	finally:
		frappe.db.rollback()
		for name in orders:
			if frappe.db.get_value("Sales Order", name, "docstatus") == 1:
				frappe.get_doc("Sales Order", name).cancel()
			frappe.delete_doc("Sales Order", name, force=True)
		frappe.db.delete("Coupon Code", {"campaign": campaign.name})
		frappe.db.delete("Target List Member", {"target_list": target})
		for doctype, name in (
			("Campaign Activity", activity.name),
			("Target List", target),
			("Campaign", campaign.name),
			("Pricing Rule", campaign.pricing_rule),
			("Customer", customer),
		):
			frappe.delete_doc(doctype, name, force=True)
		frappe.db.delete("Item Price", {"item_code": item})
		frappe.delete_doc("Item", item, force=True)
		frappe.db.commit()


def test_two_orders_racing_for_one_personal_code_redeem_it_once(two_drafts_with_one_code):
	code, orders = two_drafts_with_one_code
	pending = list(orders)

	def submit():
		doc = frappe.get_doc("Sales Order", pending.pop())
		doc.submit()
		frappe.db.commit()
		return doc.name

	results, errors = in_workers(2, submit)
	assert len(results) == 1 and len(errors) == 1
	# The loser waited on the coupon's lock and was refused, or InnoDB rolled it back on a deadlock
	# with the winner's Pricing Rule Detail rows; either way it wrote nothing.
	assert isinstance(errors[0], frappe.ValidationError | frappe.QueryDeadlockError), errors[0]
	if isinstance(errors[0], frappe.ValidationError):
		assert "has been used already (1 of 1 uses)" in str(errors[0])
	assert frappe.db.get_value("Coupon Code", code, "used") == 1
	assert [frappe.db.get_value("Sales Order", name, "docstatus") for name in orders].count(1) == 1
	assert frappe.db.count("Campaign Attribution", {"reference_name": ("in", orders)}) == 1
	assert frappe.db.count("Campaign Response", {"sales_order": ("in", orders)}) == 1

	loser = next(name for name in orders if frappe.db.get_value("Sales Order", name, "docstatus") == 0)
	with pytest.raises(frappe.ValidationError, match=r"has been used already \(1 of 1 uses\)"):
		frappe.get_doc("Sales Order", loser).submit()
