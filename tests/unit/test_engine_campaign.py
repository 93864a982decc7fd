from datetime import date

import pytest

from crm_marketing_app.engine.campaign import check_budget, check_dates, check_parent, find_parent_cycle
from crm_marketing_app.engine.errors import EngineError


def test_dates_in_order_pass_and_reversed_fail_naming_both():
	check_dates(date(2026, 1, 1), date(2026, 1, 1))
	check_dates(None, date(2026, 1, 1))
	with pytest.raises(EngineError) as err:
		check_dates(date(2026, 2, 1), date(2026, 1, 31))
	assert "2026-01-31" in str(err.value) and "2026-02-01" in str(err.value)
	assert err.value.template == "End Date {0} is before Start Date {1}"


def test_budget_may_be_zero_not_negative():
	check_budget(0)
	check_budget(None)
	with pytest.raises(EngineError):
		check_budget(-0.01)


def test_parent_cycle_found_through_the_chain():
	parents = {"B": "C", "C": "A"}
	assert find_parent_cycle("A", "B", parents.get) == ["A", "B", "C", "A"]
	assert find_parent_cycle("A", "A", parents.get) == ["A", "A"]
	with pytest.raises(EngineError):
		check_parent("A", "B", parents.get)


def test_no_cycle_and_foreign_cycle_terminate():
	assert find_parent_cycle("A", "B", {"B": "C"}.get) == []
	assert find_parent_cycle("A", "X", {"X": "Y", "Y": "X"}.get) == []
	assert find_parent_cycle("A", None, {}.get) == []
