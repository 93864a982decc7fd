"""Funnel maths (engine/funnel.py)."""

import pytest

from crm_marketing_app.engine import funnel
from crm_marketing_app.engine.errors import EngineError


def test_conversions_are_percent_of_the_previous_stage():
	assert funnel.conversions([200, 50, 40, 0, 0]) == [None, 25.0, 80.0, 0.0, None]


def test_reference_pools_past_campaigns():
	# 100 → 50 and 300 → 60: pooled 400 → 110 = 27.5 %, not the mean of 50 % and 20 %
	assert funnel.reference_conversions([[100, 50, 10], [300, 60, 30]]) == [None, 27.5, 36.36]
	assert funnel.reference_conversions([]) == []
	# a single past campaign at 0 % is no reference when two are required
	assert funnel.reference_conversions([[10, 0]], minimum=2) == []
	assert funnel.reference_conversions([[10, 0], [10, 5]], minimum=2) == [None, 25.0]


def test_planned_counts_follow_the_plan_from_the_actual_first_stage():
	assert funnel.planned_counts(200, [None, 50, 10]) == [200, 100, 10]
	assert funnel.planned_counts(0, [None, 50]) == [0, 0]
	# whole people, chained unrounded: 5 → 2.5 → 1.5, shown 5, 3, 2
	assert funnel.planned_counts(5, [None, 50, 60]) == [5, 3, 2]
	assert all(isinstance(n, int) for n in funnel.planned_counts(7, [None, 33.3]))


def test_deviation_and_flag():
	assert funnel.deviation(25.0, 40.0) == -15.0
	assert funnel.deviation(None, 40.0) is None
	assert funnel.is_flagged(-15.0, 10) and not funnel.is_flagged(10.0, 10) and not funnel.is_flagged(None, 0)


def test_stage_checks():
	funnel.check_stage(1, "Registered", 50)
	funnel.check_stage(2, "Sales Order", None)
	with pytest.raises(EngineError, match="unknown Entry Event"):
		funnel.check_stage(3, "Lunch", 50)
	with pytest.raises(EngineError, match="between 0 and 100"):
		funnel.check_stage(4, "Lead", 120)
	with pytest.raises(EngineError, match="between 0 and 100"):
		funnel.check_percent(5, -1)
	with pytest.raises(EngineError, match="Tolerance"):
		funnel.check_tolerance(101)
