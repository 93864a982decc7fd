"""Bonus programme: a campaign's list members enrolled into a Loyalty Program; their points on Campaign ROI."""

import frappe
import pytest
from frappe.utils import add_days, nowdate, random_string

from crm_marketing_app.crm_marketing_app.report.campaign_roi import campaign_roi
from crm_marketing_app.offers.loyalty import enrol_campaign_members
from crm_marketing_app.utils import default_company
from tests.integration.helpers import make_campaign, make_campaign_activity, make_customer, make_sales_invoice
from tests.integration.offers_helpers import priced_item
from tests.integration.test_personal_coupons import customer_list

CONVERSION_FACTOR = 0.5  # currency per point
COLLECTION_FACTOR = 10  # currency spent per point


def loyalty_program(company: str | None = None) -> str:
	return (
		frappe.get_doc(
			{
				"doctype": "Loyalty Program",
				"loyalty_program_name": f"Exhibition bonus {random_string(6)}",
				"loyalty_program_type": "Single Tier Program",
				"from_date": add_days(nowdate(), -30),
				"company": company or default_company(),
				"conversion_factor": CONVERSION_FACTOR,
				"collection_rules": [
					{"tier_name": "Visitor", "min_spent": 0, "collection_factor": COLLECTION_FACTOR}
				],
			}
		)
		.insert()
		.name
	)


def test_enrolment_in_one_action_and_points_earned_are_a_cost_on_roi():
	program, other_program = loyalty_program(), loyalty_program()
	visitors = [make_customer() for _n in range(3)]
	elsewhere = make_customer(loyalty_program=other_program)
	outsider = make_customer()
	campaign = make_campaign(
		company=default_company(),
		start_date=add_days(nowdate(), -2),
		end_date=add_days(nowdate(), 10),
		loyalty_program=program,
	)
	make_campaign_activity(
		campaign.name, target_lists=[{"target_list": customer_list([*visitors, elsewhere], [])}]
	)

	assert enrol_campaign_members(campaign.name) == {
		"enrolled": 3,
		"already_enrolled": 0,
		"in_other_programme": 1,
	}
	assert {frappe.db.get_value("Customer", c, "loyalty_program") for c in visitors} == {program}
	assert frappe.db.get_value("Customer", elsewhere, "loyalty_program") == other_program
	assert not frappe.db.get_value("Customer", outsider, "loyalty_program")
	assert enrol_campaign_members(campaign.name)["already_enrolled"] == 3

	item = priced_item()
	for customer in (visitors[0], outsider):  # the desk fills the invoice's programme from the customer
		program_of = frappe.db.get_value("Customer", customer, "loyalty_program")
		make_sales_invoice(customer, [(item, 3, 100)], nowdate(), loyalty_program=program_of)
	points = frappe.db.get_value("Loyalty Point Entry", {"customer": visitors[0]}, "loyalty_points")
	assert points == 300 / COLLECTION_FACTOR

	_columns, rows, *_rest = campaign_roi.execute({"company": default_company()})
	row = next(r for r in rows if r["campaign"] == campaign.name)
	assert row["loyalty_cost"] == points * CONVERSION_FACTOR


def test_enrolment_needs_a_programme_of_the_campaigns_company():
	campaign = make_campaign(company=default_company())
	with pytest.raises(frappe.ValidationError, match="Loyalty Program"):
		enrol_campaign_members(campaign.name)
