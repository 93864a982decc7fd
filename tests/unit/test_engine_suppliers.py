from datetime import date

import pytest

from crm_marketing_app.engine.errors import EngineError
from crm_marketing_app.engine.suppliers import (
	SupplierOffer,
	check_score,
	check_weight,
	load_per_week,
	rank_suppliers,
	week_label,
	week_start,
	weeks_between,
	weighted_score,
)


def test_weighted_score_weights_each_evaluation_by_its_criterion():
	# quality 9 (weight 3), reliability 6 (weight 2), cost 4 (weight 1): (27 + 12 + 4) / 6
	assert weighted_score([(9, 3), (6, 2), (4, 1)]) == pytest.approx(7.17)


def test_equal_weights_give_the_plain_average():
	assert weighted_score([(8, 1), (6, 1), (7, 1)]) == 7


def test_criterion_rated_twice_counts_twice():
	assert weighted_score([(10, 2), (4, 2), (1, 1)]) == pytest.approx(5.8)


def test_no_evaluations_or_no_weight_scores_zero():
	assert weighted_score([]) == 0
	assert weighted_score([(9, 0), (3, 0)]) == 0


def test_zero_weight_criterion_does_not_count():
	assert weighted_score([(10, 0), (5, 2)]) == 5


@pytest.mark.parametrize("score", [0, 10, 5.5])
def test_bounds_are_valid_scores(score):
	check_score(score, "Quality")
	assert weighted_score([(score, 1)]) == score


@pytest.mark.parametrize("score", [-0.1, 10.01, 11, None])
def test_score_outside_0_to_10_is_refused_naming_the_criterion(score):
	with pytest.raises(EngineError) as err:
		check_score(score, "Reliability")
	assert "Reliability" in str(err.value) and str(score) in str(err.value)


def test_weighted_score_refuses_bad_input():
	with pytest.raises(EngineError):
		weighted_score([(12, 1)])
	with pytest.raises(EngineError):
		weighted_score([(5, -1)])


def test_negative_weight_is_refused():
	with pytest.raises(EngineError):
		check_weight(-2)
	check_weight(0)


def test_ranking_puts_known_fits_first_then_unknown_then_over_budget():
	offers = [
		SupplierOffer("Over", 9.5, 1500.0),
		SupplierOffer("Unknown", 9.0, None),
		SupplierOffer("Fits good", 8.0, 900.0),
		SupplierOffer("Fits better", 8.5, 950.0),
		SupplierOffer("Fits cheaper tie", 8.0, 700.0),
	]
	ranked = rank_suppliers(offers, budget=1000)
	assert [(o.supplier, fits) for o, fits in ranked] == [
		("Fits better", True),
		("Fits cheaper tie", True),
		("Fits good", True),
		("Unknown", None),
		("Over", False),
	]


def test_ranking_without_budget_is_by_score_then_cost():
	ranked = rank_suppliers(
		[SupplierOffer("A", 7, 100.0), SupplierOffer("B", 9, 800.0), SupplierOffer("C", 7, 50.0)]
	)
	assert [(o.supplier, fits) for o, fits in ranked] == [("B", None), ("C", None), ("A", None)]


def test_iso_weeks():
	assert week_start(date(2026, 1, 4)) == date(2025, 12, 29)
	assert week_label(date(2026, 1, 4)) == "2026-W01"
	assert week_label(date(2026, 12, 31)) == "2026-W53"
	assert weeks_between(date(2026, 3, 4), date(2026, 3, 16)) == [
		date(2026, 3, 2),
		date(2026, 3, 9),
		date(2026, 3, 16),
	]


def test_reversed_range_is_refused():
	with pytest.raises(EngineError):
		weeks_between(date(2026, 3, 5), date(2026, 3, 1))


def test_load_counts_a_running_activity_in_every_week_of_the_range():
	start, end = date(2026, 3, 1), date(2026, 3, 31)
	load = load_per_week(
		activities=[
			(
				"anna",
				date(2026, 2, 25),
				date(2026, 3, 10),
			),  # clipped to Sun 1 to Tue 10 March: three ISO weeks
			("anna", date(2026, 3, 11), None),  # one day
			("ivan", date(2026, 4, 2), None),  # outside
		],
		milestones=[
			("anna", date(2026, 3, 12), 2),
			("ivan", date(2026, 3, 30), 1),
			("ivan", date(2026, 4, 1), 5),
		],
		start=start,
		end=end,
	)
	assert load == {
		("anna", date(2026, 2, 23)): {"activities": 1, "milestones": 0},
		("anna", date(2026, 3, 2)): {"activities": 1, "milestones": 0},
		("anna", date(2026, 3, 9)): {"activities": 2, "milestones": 2},
		("ivan", date(2026, 3, 30)): {"activities": 0, "milestones": 1},
	}
