"""Marketing Supplier Comparison and Marketing Load on fixtures of their own."""

import frappe
import pytest
from frappe.utils import getdate, random_string

from crm_marketing_app.crm_marketing_app.report.marketing_load.marketing_load import execute as marketing_load
from crm_marketing_app.crm_marketing_app.report.marketing_supplier_comparison.marketing_supplier_comparison import (
	execute as supplier_comparison,
)
from tests.integration.helpers import (
	make_campaign,
	make_campaign_activity,
	make_marketing_supplier,
	make_user,
)


@pytest.fixture
def stand_builders():
	"""Four stand builders (one blocked) and a printer, rated on two criteria, with costed exhibitions."""
	stands, printing = (
		frappe.get_doc({"doctype": "Marketing Service Type", "service_type": f"{kind} {random_string(6)}"})
		.insert()
		.name
		for kind in ("Stand Building", "Printing")
	)
	quality, reliability = (
		frappe.get_doc(
			{
				"doctype": "Marketing Evaluation Criterion",
				"criterion_name": f"{name} {random_string(6)}",
				"weight": weight,
			}
		)
		.insert()
		.name
		for name, weight in (("Quality", 2), ("Reliability", 1))
	)
	campaign = make_campaign().name

	def supplier(label, service_type, scores, costs, status="Active"):
		doc = make_marketing_supplier(
			f"{label} {random_string(6)}",
			status=status,
			service_types=[service_type],
			evaluations=[
				{"criterion": quality, "score": scores[0]},
				{"criterion": reliability, "score": scores[1]},
			],
		)
		for cost in costs:
			make_campaign_activity(campaign, marketing_supplier=doc.name, actual_cost=cost)
		return doc.name

	return frappe._dict(
		stands=stands,
		quality=quality,
		reliability=reliability,
		premium=supplier("Premium", stands, (10, 7), [1200, 1400]),  # score 9, typical 1300
		solid=supplier(
			"Solid", stands, (8, 8), [700, 900, 0]
		),  # score 8, typical 800 (uncosted one left out)
		cheap=supplier("Cheap", stands, (5, 8), [300]),  # score 6, typical 300
		newcomer=supplier("Newcomer", stands, (9, 9), []),  # score 9, no cost yet
		blocked=supplier("Blocked", stands, (10, 10), [100], status="Blocked"),
		printer=supplier("Printer", printing, (10, 10), [50]),
	)


def by_supplier(data):
	return {row["marketing_supplier"]: row for row in data}


def test_comparison_ranks_fitting_suppliers_by_score_for_a_budget(stand_builders):
	columns, data, _message, chart = supplier_comparison(
		{"service_type": stand_builders.stands, "budget": 1000}
	)
	s = stand_builders
	assert [row["marketing_supplier"] for row in data] == [s.solid, s.cheap, s.newcomer, s.premium]
	rows = by_supplier(data)
	assert rows[s.solid]["weighted_score"] == 8
	assert rows[s.solid]["typical_cost"] == 800
	assert rows[s.solid]["costed_activities"] == 2
	assert rows[s.premium]["typical_cost"] == 1300
	assert rows[s.newcomer]["typical_cost"] is None
	assert [rows[n]["within_budget"] for n in (s.solid, s.cheap, s.newcomer, s.premium)] == [1, 1, 0, 0]
	assert [row["rank"] for row in data] == [1, 2, 3, 4]

	fieldnames = {c["fieldname"]: c["label"] for c in columns}
	assert "within_budget" in fieldnames
	criterion_fields = [f for f, label in fieldnames.items() if label == s.quality]
	assert [rows[s.premium][f] for f in criterion_fields] == [10]
	assert chart["data"]["labels"] == [row["marketing_supplier"] for row in data]
	assert chart["data"]["datasets"][0]["values"] == [8, 6, 9, 9]


def test_comparison_without_budget_ranks_by_score_then_cost(stand_builders):
	_columns, data, *_ = supplier_comparison({"service_type": stand_builders.stands})
	s = stand_builders
	assert [row["marketing_supplier"] for row in data] == [s.premium, s.newcomer, s.solid, s.cheap]

	_columns, data, *_ = supplier_comparison({"service_type": stand_builders.stands, "include_blocked": 1})
	assert data[0]["marketing_supplier"] == s.blocked


def test_comparison_refuses_negative_budget():
	with pytest.raises(frappe.ValidationError):
		supplier_comparison({"budget": -5})


def test_marketing_load_per_responsible_per_week():
	anna, ivan = make_user(["Marketing User"], prefix="anna"), make_user(["Marketing User"], prefix="ivan")
	campaign = make_campaign().name
	make_campaign_activity(
		campaign,
		responsible=anna,
		scheduled_date="2026-03-04",
		end_date="2026-03-10",
		milestones=[
			{"milestone": "Stand mounted", "due_date": "2026-03-03", "responsible": ivan},
			{"milestone": "Invitations sent", "due_date": "2026-03-02"},
			{
				"milestone": "Materials ready",
				"due_date": "2026-03-02",
				"completed": 1,
				"completed_on": "2026-03-01",
			},
		],
	)
	make_campaign_activity(campaign, responsible=anna, scheduled_date="2026-03-05")
	make_campaign_activity(campaign, responsible=ivan, scheduled_date="2026-03-12", status="Cancelled")
	make_campaign_activity(campaign, responsible=ivan, scheduled_date="2026-04-20")

	_columns, data, _message, chart = marketing_load({"from_date": "2026-03-01", "to_date": "2026-03-31"})
	mine = {(row["responsible"], row["week"]): row for row in data if row["responsible"] in (anna, ivan)}
	assert {key: (row["activities"], row["open_milestones"], row["load"]) for key, row in mine.items()} == {
		(anna, "2026-W10"): (2, 1, 3),
		(anna, "2026-W11"): (1, 0, 1),
		(ivan, "2026-W10"): (0, 1, 1),
	}
	assert mine[(anna, "2026-W10")]["week_start"] == getdate("2026-03-02")
	assert chart["data"]["labels"] == ["2026-W09", "2026-W10", "2026-W11", "2026-W12", "2026-W13", "2026-W14"]

	_columns, only_ivan, *_ = marketing_load(
		{"from_date": "2026-03-01", "to_date": "2026-03-31", "responsible": ivan}
	)
	assert [(row["responsible"], row["week"], row["load"]) for row in only_ivan] == [(ivan, "2026-W10", 1)]


def test_marketing_load_refuses_reversed_range():
	with pytest.raises(frappe.ValidationError):
		marketing_load({"from_date": "2026-03-10", "to_date": "2026-03-01"})
