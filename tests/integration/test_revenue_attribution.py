"""Campaign Attribution on Sales Order / Sales Invoice submit and cancel, and the Campaign rollups."""

import random
from contextlib import contextmanager
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

import frappe
import pytest
from frappe.utils import add_days, getdate, random_string

from crm_marketing_app.tasks import recompute_campaign_rollups
from tests.integration.helpers import (
	make_campaign,
	make_contact,
	make_customer,
	make_item,
	make_sales_invoice,
	make_sales_order,
)

ORDER_DATE = getdate("2025-06-30")
ROLLUPS = ("attributed_revenue", "roi", "leads_generated", "orders_count", "planned_cost", "actual_cost")


@contextmanager
def attribution_settings(model: str, window_days: int = 30):
	"""The settings for one test; the cached settings doc must not outlive the rollback."""
	name = "CRM Marketing Settings"
	before = frappe.db.get_value(name, name, ("attribution_model", "attribution_window_days"))
	frappe.db.set_single_value(name, {"attribution_model": model, "attribution_window_days": window_days})
	frappe.clear_document_cache(name, name)
	try:
		yield
	finally:
		frappe.db.set_single_value(
			name, {"attribution_model": before[0], "attribution_window_days": before[1]}
		)
		frappe.clear_document_cache(name, name)


def with_costs(*actual_costs: float) -> str:
	"""A campaign whose activities cost `actual_costs`, rolled up."""
	campaign = make_campaign().name
	for cost in actual_costs:
		frappe.get_doc(
			{
				"doctype": "Campaign Activity",
				"subject": f"Stand {random_string(4)}",
				"campaign": campaign,
				"channel": "Exhibition",
				"scheduled_date": "2025-06-01",
				"planned_cost": cost,
				"actual_cost": cost,
			}
		).insert()
	recompute_campaign_rollups([campaign])
	return campaign


def rollups(campaign: str) -> dict:
	return frappe.db.get_value("Campaign", campaign, ROLLUPS, as_dict=True)


def rows_of(doc) -> list:
	return frappe.get_all(
		"Campaign Attribution",
		filters={"reference_doctype": doc.doctype, "reference_name": doc.name},
		fields=["campaign", "model", "weight", "amount", "customer", "posting_date"],
		order_by="campaign",
	)


def order(customer, item, amount, **fields):
	return make_sales_order(customer, [(item, 1, amount)], transaction_date=ORDER_DATE, **fields)


def amend(cancelled):
	"""What the desk's Amend does: a draft copy pointing at the cancelled document."""
	amended = frappe.copy_doc(cancelled)
	amended.docstatus = 0
	amended.amended_from = cancelled.name
	return amended


def respond(campaign, respondent_doctype, respondent, when, response_type="Clicked"):
	frappe.get_doc(
		{
			"doctype": "Campaign Response",
			"campaign": campaign,
			"respondent_doctype": respondent_doctype,
			"respondent": respondent,
			"response_type": response_type,
			"response_date": when,
		}
	).insert()


def test_roi_after_submit_cancel_and_amend():
	campaign = with_costs(1000, 500)
	customer, item = make_customer(), make_item()
	assert rollups(campaign).actual_cost == 1500

	order(customer, item, 3000, campaign=campaign)
	second = order(customer, item, 2000, campaign=campaign)
	r = rollups(campaign)
	assert (r.attributed_revenue, round(r.roi, 2), r.orders_count) == (5000, 233.33, 2)
	assert rows_of(second)[0].model == "Campaign Field" and rows_of(second)[0].weight == 1

	second.reload()
	second.cancel()
	r = rollups(campaign)
	assert (r.attributed_revenue, r.roi, r.orders_count) == (3000, 100, 1)
	assert rows_of(second) == []

	amended = amend(second)
	amended.items[0].rate = 2500
	amended.insert()
	amended.submit()
	assert [(row.campaign, row.amount) for row in rows_of(amended)] == [(campaign, 2500)]
	r = rollups(campaign)
	assert (r.attributed_revenue, round(r.roi, 2), r.orders_count) == (5500, 266.67, 2)


def test_amend_re_attributes_to_a_new_campaign():
	first, second = make_campaign().name, make_campaign().name
	customer, item = make_customer(), make_item()
	original = order(customer, item, 800, campaign=first)
	original.cancel()
	amended = amend(original)
	amended.campaign = second
	amended.insert()
	amended.submit()
	assert rollups(first).attributed_revenue == 0
	assert (rollups(second).attributed_revenue, rollups(second).orders_count) == (800, 1)


def test_promo_code_wins_over_responses_and_an_unknown_code_is_ignored_with_a_comment():
	code = f"SPRING-{random_string(6)}"
	by_code, by_response = make_campaign(promo_code=code).name, make_campaign().name
	customer, item = make_customer(), make_item()
	respond(by_response, "Customer", customer, datetime(2025, 6, 20, 10))
	with attribution_settings("Last Touch"):
		coded = order(customer, item, 1200, promo_code=code)
		assert [(r.campaign, r.model, r.amount) for r in rows_of(coded)] == [(by_code, "Promo Code", 1200)]

		unknown = order(customer, item, 700, promo_code="NO-SUCH-CODE")
		assert unknown.docstatus == 1
		assert [(r.campaign, r.model) for r in rows_of(unknown)] == [(by_response, "Last Touch")]
		comments = frappe.get_all(
			"Comment",
			filters={
				"reference_doctype": "Sales Order",
				"reference_name": unknown.name,
				"comment_type": "Comment",
			},
			pluck="content",
		)
		assert any("NO-SUCH-CODE" in c for c in comments)


def test_invoice_from_an_attributed_order_is_not_counted_twice():
	from erpnext.selling.doctype.sales_order.sales_order import make_sales_invoice as invoice_from_order

	campaign = make_campaign().name
	customer, item = make_customer(), make_item()
	so = order(customer, item, 3000, campaign=campaign)
	invoice = invoice_from_order(so.name)
	invoice.posting_date = ORDER_DATE
	invoice.set_posting_time = 1
	invoice.insert()
	invoice.submit()
	assert invoice.campaign == campaign  # ERPNext carries the campaign over; we still skip it
	assert rows_of(invoice) == []
	assert (rollups(campaign).attributed_revenue, rollups(campaign).orders_count) == (3000, 1)

	standalone = make_sales_invoice(customer, [(item, 2, 100)], posting_date=ORDER_DATE, campaign=campaign)
	assert [(r.campaign, r.amount) for r in rows_of(standalone)] == [(campaign, 200)]
	assert rollups(campaign).attributed_revenue == 3200
	standalone.cancel()
	assert rollups(campaign).attributed_revenue == 3000


EXPECTED_WEIGHTS = {
	"First Touch": {"A": Decimal(1)},
	"Last Touch": {"A": Decimal(1)},
	"Linear": {"A": Decimal("0.5"), "B": Decimal("0.25"), "C": Decimal("0.25")},
	"Position Based": {"A": Decimal("0.8"), "B": Decimal("0.1"), "C": Decimal("0.1")},
	# ages to the end of the order day 20.5, 14.5, 7.5, 0.5 days: 2^(-age/7) normalised, A's two merged,
	# the rounding remainder on C (the campaign touched last first)
	"Time Decay": {"A": Decimal("0.602756592"), "B": Decimal("0.132414469"), "C": Decimal("0.264828939")},
}


@pytest.mark.parametrize("model", list(EXPECTED_WEIGHTS))
def test_each_model_shares_a_fixed_response_history(model):
	campaigns = {key: make_campaign().name for key in "ABCX"}
	lead = (
		frappe.get_doc({"doctype": "Lead", "first_name": f"Ada {random_string(5)}", "lead_name": "Ada"})
		.insert()
		.name
	)
	customer, item = make_customer(lead_name=lead), make_item()
	noon = datetime.combine(ORDER_DATE, datetime.min.time()) + timedelta(hours=12)
	# The customer's own and its lead's responses count; a decline and one outside the window do not.
	respond(campaigns["A"], "Lead", lead, noon - timedelta(days=20))
	respond(campaigns["B"], "Customer", customer, noon - timedelta(days=14))
	respond(campaigns["C"], "Customer", customer, noon - timedelta(days=7))
	respond(campaigns["A"], "Customer", customer, noon)
	respond(campaigns["X"], "Customer", customer, noon - timedelta(days=3), response_type="Declined")
	respond(campaigns["X"], "Customer", customer, noon - timedelta(days=45))
	with attribution_settings(model, window_days=30):
		doc = order(customer, item, 1000)
	got = {row.campaign: row for row in rows_of(doc)}
	expected = {campaigns[key]: weight for key, weight in EXPECTED_WEIGHTS[model].items()}
	assert {c: Decimal(str(row.weight)).quantize(Decimal("1e-9")) for c, row in got.items()} == expected
	assert sum(Decimal(str(row.weight)) for row in got.values()) == 1
	assert sum(Decimal(str(row.amount)) for row in got.values()) == Decimal("1000")
	assert {row.model for row in got.values()} == {model}


def test_a_zero_window_never_breaks_a_submit():
	campaign = make_campaign().name
	customer, item = make_customer(), make_item()
	respond(campaign, "Customer", customer, datetime(2025, 6, 29, 9))
	with attribution_settings("Linear", window_days=0):
		doc = order(customer, item, 500)
	assert doc.docstatus == 1 and rows_of(doc) == []
	assert frappe.db.exists("Comment", {"reference_name": doc.name, "content": ("like", "%at least 1%")})


def test_rollups_equal_a_recompute_after_random_submits_and_cancels():
	rng = random.Random(20250630)
	code = f"RND-{random_string(6)}"
	campaigns = [make_campaign().name, make_campaign(promo_code=code).name, make_campaign().name]
	customers = [make_customer() for _ in range(3)]
	item = make_item()
	respond(campaigns[2], "Customer", customers[0], datetime(2025, 6, 10, 9))
	respond(campaigns[0], "Customer", customers[0], datetime(2025, 6, 25, 9))
	lead = frappe.get_doc(
		{"doctype": "Lead", "first_name": "Rnd", "lead_name": "Rnd", "campaign_name": campaigns[0]}
	).insert()
	submitted = []
	with attribution_settings("Position Based"):
		for step in range(14):
			if submitted and rng.random() < 0.35:
				submitted.pop(rng.randrange(len(submitted)))[2].cancel()
				continue
			how = rng.choice(["campaign", "code", "model"])
			fields = (
				{"campaign": rng.choice(campaigns)}
				if how == "campaign"
				else {"promo_code": code}
				if how == "code"
				else {}
			)
			maker = (
				order
				if step % 3
				else lambda c, i, a, **f: make_sales_invoice(c, [(i, 1, a)], posting_date=ORDER_DATE, **f)
			)
			customer = rng.choice(customers)
			submitted.append(
				(
					how,
					fields,
					maker(customer, item, rng.randint(1, 500) * 10 + rng.choice([0, 0.33]), **fields),
				)
			)
	stored = {c: rollups(c) for c in campaigns}
	frappe.db.set_value("Campaign", campaigns[0], "attributed_revenue", 0, update_modified=False)  # break one
	recompute_campaign_rollups(campaigns)
	assert {c: rollups(c) for c in campaigns} == stored

	# Independently of the rollup SQL: what the live documents should have brought each campaign.
	expected = {c: Decimal(0) for c in campaigns}
	for how, fields, doc in submitted:
		total = Decimal(str(doc.base_net_total))
		if how == "campaign":
			expected[fields["campaign"]] += total
		elif how == "code":
			expected[campaigns[1]] += total
		elif doc.customer == customers[0]:  # two touches: Position Based gives 50/50, remainder to the later
			half = (total / 2).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
			expected[campaigns[2]] += half
			expected[campaigns[0]] += total - half
	assert {c: Decimal(str(stored[c].attributed_revenue)) for c in campaigns} == expected
	assert stored[campaigns[0]].leads_generated == 1 and lead.campaign_name == campaigns[0]


def test_leads_generated_counts_named_leads_and_leads_from_responses():
	campaign = make_campaign().name
	frappe.get_doc(
		{"doctype": "Lead", "first_name": "Named", "lead_name": "Named", "campaign_name": campaign}
	).insert()
	assert rollups(campaign).leads_generated == 1  # kept by the Lead hook
	other = frappe.get_doc({"doctype": "Lead", "first_name": "Responded", "lead_name": "Responded"}).insert()
	response = frappe.get_doc(
		{
			"doctype": "Campaign Response",
			"campaign": campaign,
			"respondent_doctype": "Lead",
			"respondent": other.name,
			"lead": other.name,
			"response_type": "Registered",
			"response_date": add_days(ORDER_DATE, -1),
		}
	).insert()
	assert response.lead == other.name
	assert rollups(campaign).leads_generated == 2  # kept by the Campaign Response hook
	frappe.db.set_value("Campaign", campaign, "leads_generated", 0, update_modified=False)
	recompute_campaign_rollups([campaign])
	assert rollups(campaign).leads_generated == 2


def test_roi_follows_activity_costs_and_purchase_invoices():
	from tests.integration.helpers import (
		default_company,
		make_campaign_activity,
		make_purchase_invoice,
		make_supplier,
	)

	campaign = make_campaign(company=default_company()).name
	customer, item = make_customer(), make_item()
	order(customer, item, 3000, campaign=campaign)
	assert rollups(campaign).roi == 0  # no cost yet: no ROI

	by_hand = make_campaign_activity(campaign, actual_cost=1000)
	assert rollups(campaign).roi == 200  # the activity hook keeps ROI on the new cost
	supplier, service = make_supplier(), make_item(is_purchase_item=1)
	invoice = make_purchase_invoice(supplier, [(service, 1, 500)], posting_date="2026-03-01")
	make_campaign_activity(campaign, purchase_invoices=[{"purchase_invoice": invoice.name}])
	assert (rollups(campaign).actual_cost, rollups(campaign).roi) == (1500, 100)

	invoice.cancel()  # the Purchase Invoice hook: the linked activity now costs 0
	assert (rollups(campaign).actual_cost, rollups(campaign).roi) == (1000, 200)
	by_hand.delete()
	assert (rollups(campaign).actual_cost, rollups(campaign).roi) == (0, 0)


def test_responses_of_the_customers_contacts_are_touches_too():
	campaign = make_campaign().name
	customer, item = make_customer(), make_item()
	contact = make_contact(customer)
	respond(campaign, "Contact", contact, datetime(2025, 6, 28, 15))
	with attribution_settings("Last Touch"):
		doc = order(customer, item, 640)
	assert [(r.campaign, r.model, r.amount) for r in rows_of(doc)] == [(campaign, "Last Touch", 640)]


def test_saving_a_campaign_form_with_stale_rollups_keeps_the_true_ones():
	campaign = with_costs(1000)
	stale = frappe.get_doc("Campaign", campaign)  # opened before the order came in
	order(make_customer(), make_item(), 1500, campaign=campaign)
	stale.description = "edited"
	stale.save()
	assert (stale.attributed_revenue, stale.roi, stale.orders_count) == (1500, 50, 1)
	assert (rollups(campaign).attributed_revenue, rollups(campaign).roi) == (1500, 50)
