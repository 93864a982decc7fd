"""Activity costs from purchase invoices, and the campaign and supplier rollups built on them."""

import frappe
import pytest
from frappe.utils import getdate, random_string

from crm_marketing_app.campaigns.rollups import update_campaign_costs
from crm_marketing_app.suppliers.rollups import update_supplier_rollups
from tests.integration.helpers import (
	default_company,
	make_campaign,
	make_campaign_activity,
	make_item,
	make_marketing_supplier,
	make_purchase_invoice,
	make_supplier,
)


def costs(campaign: str) -> tuple[float, float]:
	return tuple(frappe.db.get_value("Campaign", campaign, ["planned_cost", "actual_cost"]))


def supplier_rollups(name: str) -> tuple:
	return tuple(
		frappe.db.get_value(
			"Marketing Supplier", name, ["engagement_count", "total_spend", "last_engaged_on"]
		)
	)


@pytest.fixture
def purchase():
	"""An ERPNext supplier and a service item to invoice; `purchase(amount)` makes a Purchase Invoice."""
	supplier, item = make_supplier(), make_item(is_purchase_item=1)

	def make(amount: float, submit: bool = True, **fields):
		return make_purchase_invoice(
			supplier, [(item, 1, amount)], posting_date="2026-03-01", submit=submit, **fields
		)

	make.supplier = supplier
	return make


def test_campaign_costs_follow_activity_create_edit_cancel_delete():
	campaign = make_campaign(company=default_company()).name
	first = make_campaign_activity(campaign, planned_cost=1000, actual_cost=900)
	second = make_campaign_activity(campaign, planned_cost=500, actual_cost=650)
	assert costs(campaign) == (1500, 1550)

	second.planned_cost, second.actual_cost = 700, 800
	second.save()
	assert costs(campaign) == (1700, 1700)

	first.status = "Cancelled"
	first.save()
	assert costs(campaign) == (700, 800)

	second.delete()
	assert costs(campaign) == (0, 0)


def test_moving_an_activity_to_another_campaign_updates_both():
	old, new = make_campaign().name, make_campaign().name
	activity = make_campaign_activity(old, planned_cost=300, actual_cost=200)
	activity.campaign = new
	activity.save()
	assert costs(old) == (0, 0)
	assert costs(new) == (300, 200)


def test_update_campaign_costs_repairs_stale_rollups():
	campaign = make_campaign().name
	make_campaign_activity(campaign, planned_cost=400, actual_cost=100)
	frappe.db.set_value("Campaign", campaign, {"planned_cost": 1, "actual_cost": 2})
	update_campaign_costs([campaign])
	assert costs(campaign) == (400, 100)

	idle = make_campaign().name
	for name in (campaign, idle):
		frappe.db.set_value("Campaign", name, {"planned_cost": 1, "actual_cost": 2})
	update_campaign_costs([])  # an empty list touches nothing
	assert costs(idle) == (1, 2)
	update_campaign_costs()
	assert costs(campaign) == (400, 100)
	assert costs(idle) == (0, 0)  # no activities: nothing planned or spent


def test_campaign_form_saved_with_stale_costs_keeps_true_ones():
	campaign = make_campaign()
	make_campaign_activity(campaign.name, planned_cost=250, actual_cost=50)
	campaign.reload()
	campaign.planned_cost, campaign.actual_cost = 9, 9  # what an old open form would send
	campaign.save()
	assert costs(campaign.name) == (250, 50)
	assert (campaign.planned_cost, campaign.actual_cost) == (250, 50)


def test_actual_cost_is_the_sum_of_linked_submitted_invoices(purchase):
	campaign = make_campaign(company=default_company()).name
	activity = make_campaign_activity(campaign, planned_cost=1000, actual_cost=999)
	submitted, draft = purchase(300), purchase(120, submit=False)

	activity.append("purchase_invoices", {"purchase_invoice": submitted.name})
	activity.append("purchase_invoices", {"purchase_invoice": draft.name})
	activity.save()
	assert activity.actual_cost == 300
	assert [row.amount for row in activity.purchase_invoices] == [300, 0]
	assert costs(campaign) == (1000, 300)

	draft.submit()
	assert frappe.db.get_value("Campaign Activity", activity.name, "actual_cost") == 420
	assert costs(campaign) == (1000, 420)


def test_supplier_rollups_after_invoice_submit_and_cancel(purchase):
	campaign = make_campaign(company=default_company()).name
	supplier = make_marketing_supplier(supplier=purchase.supplier).name
	hand = make_campaign_activity(
		campaign, marketing_supplier=supplier, actual_cost=200, scheduled_date="2026-02-10"
	)
	invoiced = make_campaign_activity(campaign, marketing_supplier=supplier, scheduled_date="2026-03-02")
	assert supplier_rollups(supplier) == (2, 200, frappe.utils.getdate("2026-03-02"))

	invoice = purchase(750, submit=False)
	invoiced.append("purchase_invoices", {"purchase_invoice": invoice.name})
	invoiced.save()
	assert supplier_rollups(supplier)[:2] == (2, 200)

	invoice.submit()
	assert supplier_rollups(supplier)[:2] == (2, 950)
	assert costs(campaign) == (0, 950)

	invoice.reload()
	invoice.cancel()
	assert frappe.db.get_value("Campaign Activity", invoiced.name, "actual_cost") == 0
	assert supplier_rollups(supplier)[:2] == (2, 200)
	assert costs(campaign) == (0, 200)

	hand.status = "Cancelled"
	hand.save()
	assert supplier_rollups(supplier) == (1, 0, frappe.utils.getdate("2026-03-02"))


def test_amended_invoice_takes_the_place_of_the_cancelled_one(purchase):
	campaign = make_campaign(company=default_company()).name
	activity = make_campaign_activity(campaign)
	invoice = purchase(500)
	activity.append("purchase_invoices", {"purchase_invoice": invoice.name})
	activity.save()
	invoice.reload()
	invoice.cancel()
	assert costs(campaign) == (0, 0)
	assert frappe.db.get_value("Campaign", campaign, "roi") == 0

	amended = frappe.copy_doc(invoice)
	amended.amended_from, amended.docstatus = invoice.name, 0
	amended.items[0].rate = 550
	amended.insert()
	amended.submit()
	activity.reload()
	assert [row.purchase_invoice for row in activity.purchase_invoices] == [amended.name]
	assert activity.actual_cost == 550
	assert costs(campaign) == (0, 550)
	assert frappe.db.get_value("Campaign", campaign, "roi") == -100  # ROI follows: no revenue yet


def test_moving_an_activity_to_another_supplier_updates_both():
	campaign = make_campaign().name
	old, new = make_marketing_supplier().name, make_marketing_supplier().name
	activity = make_campaign_activity(campaign, marketing_supplier=old, actual_cost=80)
	activity.marketing_supplier = new
	activity.save()
	assert supplier_rollups(old) == (0, 0, None)
	assert supplier_rollups(new)[:2] == (1, 80)


def test_supplier_form_saved_with_stale_rollups_keeps_true_ones():
	supplier = make_marketing_supplier()
	make_campaign_activity(make_campaign().name, marketing_supplier=supplier.name, actual_cost=90)
	supplier.engagement_count, supplier.total_spend = 0, 0  # what an old open form would send
	supplier.save()
	assert (supplier.engagement_count, supplier.total_spend) == (1, 90)
	assert supplier_rollups(supplier.name)[:2] == (1, 90)


def test_update_supplier_rollups_repairs_stale_values():
	supplier, idle = make_marketing_supplier().name, make_marketing_supplier().name
	make_campaign_activity(
		make_campaign().name, marketing_supplier=supplier, actual_cost=40, scheduled_date="2026-04-07"
	)
	stale = {"engagement_count": 7, "total_spend": 7, "last_engaged_on": "2025-01-01"}
	for name in (supplier, idle):
		frappe.db.set_value("Marketing Supplier", name, stale)
	update_supplier_rollups([])  # an empty list touches nobody
	assert supplier_rollups(idle)[:2] == (7, 7)
	update_supplier_rollups([idle])  # no activities: back to nothing, the other left alone
	assert supplier_rollups(idle) == (0, 0, None)
	assert supplier_rollups(supplier)[:2] == (7, 7)
	update_supplier_rollups()
	assert supplier_rollups(supplier) == (1, 40, getdate("2026-04-07"))


def test_invoice_from_another_company_is_refused(purchase):
	other = frappe.get_doc(
		{
			"doctype": "Company",
			"company_name": f"CRM Other Company {random_string(5)}",
			"abbr": f"CO{random_string(4)}",
			"default_currency": frappe.db.get_value("Company", default_company(), "default_currency"),
			"country": frappe.db.get_value("Company", default_company(), "country"),
			"create_chart_of_accounts_based_on": "Standard Template",
			"chart_of_accounts": "Standard",
		}
	).insert()
	foreign = purchase(400, company=other.name)
	campaign = make_campaign(company=default_company()).name
	activity = make_campaign_activity(campaign, actual_cost=100)

	activity.append("purchase_invoices", {"purchase_invoice": foreign.name})
	with pytest.raises(frappe.ValidationError) as err:
		activity.save()
	assert foreign.name in str(err.value) and other.name in str(err.value)
	assert frappe.db.get_value("Campaign Activity", activity.name, "actual_cost") == 100
	assert not frappe.db.exists("Campaign Activity Purchase Invoice", {"purchase_invoice": foreign.name})
	assert costs(campaign) == (0, 100)


def test_invoice_needs_a_campaign_with_a_company(purchase):
	campaign = make_campaign().name
	frappe.db.set_value("Campaign", campaign, "company", None)  # new campaigns get the default company
	activity = make_campaign_activity(campaign)
	activity.append("purchase_invoices", {"purchase_invoice": purchase(10).name})
	with pytest.raises(frappe.ValidationError, match="Set the Company of Campaign"):
		activity.save()
	assert not frappe.get_all(
		"Campaign Activity Purchase Invoice", filters={"parent": activity.name}, pluck="name"
	)
	assert costs(campaign) == (0, 0)


def test_invoice_linked_twice_or_to_two_activities_is_refused(purchase):
	campaign = make_campaign(company=default_company()).name
	invoice = purchase(60)
	first = make_campaign_activity(campaign)
	first.append("purchase_invoices", {"purchase_invoice": invoice.name})
	first.append("purchase_invoices", {"purchase_invoice": invoice.name})
	with pytest.raises(frappe.ValidationError, match="is linked twice"):
		first.save()

	first.reload()
	first.append("purchase_invoices", {"purchase_invoice": invoice.name})
	first.save()
	second = make_campaign_activity(campaign)
	second.append("purchase_invoices", {"purchase_invoice": invoice.name})
	with pytest.raises(frappe.ValidationError) as err:
		second.save()
	assert first.name in str(err.value)
	assert costs(campaign) == (0, 60)
