"""Personal one-time Coupon Codes of a Campaign Activity: bulk issue, re-run, redemption, the report."""

import frappe
import pytest
from frappe.utils import nowdate, random_string

from crm_marketing_app.campaign_execution.distribution import Letter
from crm_marketing_app.crm_marketing_app.report.coupon_redemption import coupon_redemption
from crm_marketing_app.offers import coupons
from tests.integration.helpers import make_campaign_activity, make_customer, make_sales_order
from tests.integration.offers_helpers import LIST_PRICE, offer_campaign, priced_item

MEMBERS = 200


def customer_list(customers: list[str], leads: list[str]) -> str:
	"""A static Target List of the customers and leads, its rows written as a refresh would."""
	name = f"Coupon List {random_string(6)}"
	frappe.get_doc({"doctype": "Target List", "list_name": name, "member_doctype": "Lead"}).insert()
	rows = [
		(frappe.generate_hash(length=12), name, doctype, member, member, "Manual", "Active")
		for doctype, people in (("Customer", customers), ("Lead", leads))
		for member in people
	]
	frappe.db.bulk_insert(
		"Target List Member",
		["name", "target_list", "member_doctype", "member", "member_name", "source", "status"],
		rows,
	)
	return name


def make_leads(count: int) -> list[str]:
	tag = random_string(5)
	return [
		frappe.get_doc({"doctype": "Lead", "first_name": f"Coupon {tag} {n}"}).insert().name
		for n in range(count)
	]


def report_row(campaign: str, activity: str | None) -> dict:
	_columns, rows, *_rest = coupon_redemption.execute({"campaign": campaign})
	return next(r for r in rows if r["campaign_activity"] == activity)


@pytest.fixture
def offer():
	item = priced_item()
	campaign = offer_campaign(items=[item], offer_discount_percentage=20)
	customers = [make_customer() for _n in range(3)]
	target = customer_list(customers, make_leads(MEMBERS - len(customers)))
	activity = make_campaign_activity(
		campaign.name, channel="Letter", personal_coupons=1, target_lists=[{"target_list": target}]
	)
	return frappe._dict(item=item, campaign=campaign, customers=customers, activity=activity)


def issued_codes(activity: str) -> list[dict]:
	return frappe.get_all(
		"Coupon Code",
		filters={"campaign_activity": activity},
		fields=[
			"name",
			"coupon_code",
			"maximum_use",
			"used",
			"pricing_rule",
			"customer",
			"issued_to_doctype",
			"issued_to",
		],
	)


def test_200_personal_codes_in_bulk_unique_once_redeemed_reported_and_cancelled(offer):
	queries = []
	frappe.db.sql = _counting(frappe.db.sql, queries)
	try:
		result = offer.activity.generate_personal_coupons()
	finally:
		del frappe.db.sql
	assert result == {"members": MEMBERS, "issued": MEMBERS}
	assert sum("insert into `tabcoupon code`" in q.lower() for q in queries) == 1  # one bulk insert
	codes = issued_codes(offer.activity.name)
	assert len(codes) == MEMBERS
	assert len({c.name for c in codes}) == MEMBERS and all(c.name == c.coupon_code for c in codes)
	assert {(c.maximum_use, c.used, c.pricing_rule) for c in codes} == {(1, 0, offer.campaign.pricing_rule)}
	assert len({(c.issued_to_doctype, c.issued_to) for c in codes}) == MEMBERS
	by_customer = {c.issued_to: c for c in codes if c.issued_to_doctype == "Customer"}
	assert {name: c.customer for name, c in by_customer.items()} == {name: name for name in offer.customers}

	assert offer.activity.generate_personal_coupons() == {"members": MEMBERS, "issued": 0}
	assert sorted(c.name for c in issued_codes(offer.activity.name)) == sorted(c.name for c in codes)

	buyer = offer.customers[0]
	code = by_customer[buyer].name
	order = make_sales_order(buyer, [(offer.item, 1, LIST_PRICE)], nowdate(), coupon_code=code)
	assert order.items[0].discount_percentage == 20 and order.net_total == 80
	response = frappe.get_all(
		"Campaign Response",
		filters={"sales_order": order.name},
		fields=["response_type", "respondent_doctype", "respondent", "campaign_activity"],
	)
	assert [tuple(r.values()) for r in response] == [("Purchased", "Customer", buyer, offer.activity.name)]
	row = report_row(offer.campaign.name, offer.activity.name)
	assert (row["codes_issued"], row["codes_redeemed"], row["orders"]) == (MEMBERS, 1, 1)
	assert (row["redemption_rate"], row["revenue"], row["discount"]) == (0.5, 80, 20)

	with pytest.raises(frappe.ValidationError, match=r"no longer valid|used already"):
		make_sales_order(buyer, [(offer.item, 1, LIST_PRICE)], nowdate(), coupon_code=code)

	order.cancel()
	assert frappe.db.get_value("Coupon Code", code, "used") == 0
	assert not frappe.db.exists("Campaign Response", {"sales_order": order.name})
	row = report_row(offer.campaign.name, offer.activity.name)
	assert (row["codes_redeemed"], row["orders"], row["revenue"]) == (0, 0, 0)


def test_templates_and_letters_see_the_members_code(offer):
	offer.activity.generate_personal_coupons()
	template = frappe.get_doc(
		{"doctype": "Email Template", "name": f"Coupon {random_string(6)}", "subject": "Offer",
		 "response": "Your code: {{ coupon_code }}"}
	).insert()  # fmt: skip
	offer.activity.email_template = template.name
	member = {"member_doctype": "Customer", "member": offer.customers[1]}
	code = frappe.db.get_value("Coupon Code", {"issued_to": offer.customers[1]}, "name")
	letter = Letter(offer.activity)
	letter.coupons = coupons.codes_of(offer.activity.name, [member])
	assert letter.render_body(letter.context(member, {})) == f"Your code: {code}"


def test_cancelled_activity_or_campaign_without_offer_issues_nothing(offer):
	offer.activity.db_set("status", "Cancelled")
	with pytest.raises(frappe.ValidationError, match="cancelled activity"):
		offer.activity.generate_personal_coupons()
	plain = offer_campaign(offer_type="")
	activity = make_campaign_activity(plain.name, personal_coupons=1)
	with pytest.raises(frappe.ValidationError, match="has no offer"):
		activity.generate_personal_coupons()
	assert not frappe.db.exists(
		"Coupon Code", {"campaign_activity": ("in", [offer.activity.name, activity.name])}
	)


def _counting(sql, queries):
	def run(query, *args, **kwargs):
		queries.append(str(query))
		return sql(query, *args, **kwargs)

	return run
