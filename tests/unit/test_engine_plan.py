"""Marketing Plan rules, planned-against-actual formulas and goal checks (engine/plan.py, engine/campaign_goals.py)."""

from datetime import date

import pytest

from crm_marketing_app.engine import campaign_goals, plan
from crm_marketing_app.engine.errors import EngineError
from crm_marketing_app.engine.funnel import RESPONSE_EVENTS

YEAR = (date(2026, 1, 1), date(2026, 12, 31))


def row(idx, start, end, line="A", kind=None, budget=100.0):
	return plan.PlanRow(idx, date(2026, *start), date(2026, *end), line, kind, budget)


def test_rows_inside_the_year_without_overlap_pass():
	plan.check_rows(
		[
			row(1, (1, 1), (1, 31)),
			row(2, (2, 1), (2, 28)),
			row(3, (1, 1), (3, 31), kind="Webinar"),  # another type may overlap
			row(4, (1, 1), (1, 31), line="B"),  # another line too
		],
		*YEAR,
	)


@pytest.mark.parametrize(
	"rows, message",
	[
		([plan.PlanRow(1, date(2025, 12, 1), date(2026, 1, 31), "A", None, 1)], "outside the fiscal year"),
		([row(1, (3, 1), (2, 1))], "before Period Start"),
		([row(1, (1, 1), (1, 31), budget=-1)], "cannot be negative"),
		([row(1, (1, 1), (1, 31)), row(2, (1, 31), (2, 28))], "Row 2 overlaps row 1"),
	],
)
def test_bad_rows(rows, message):
	with pytest.raises(EngineError, match=message):
		plan.check_rows(rows, *YEAR)


def test_a_cost_goes_to_its_types_row_else_the_lines_general_row():
	rows = [
		row(1, (1, 1), (1, 31)),
		row(2, (1, 1), (1, 31), kind="Webinar"),
		row(3, (2, 1), (2, 28), kind="Email"),
	]
	assert plan.row_for(rows, date(2026, 1, 5), "A", "Webinar").idx == 2
	assert plan.row_for(rows, date(2026, 1, 5), "A", "Email").idx == 1
	assert plan.row_for(rows, date(2026, 1, 5), "A", None).idx == 1
	assert plan.row_for(rows, date(2026, 2, 5), "A", "Webinar") is None
	assert plan.row_for(rows, date(2026, 1, 5), "B", None) is None


def test_left_used_and_over_budget():
	assert plan.used(300, 500) == 500 and plan.used(700, 500) == 700
	assert plan.left_of(1000, 700, 500) == 300
	assert plan.is_over_budget(1000, 1200, 0) and not plan.is_over_budget(1000, 1000, 1000)


def test_planned_roi_deviation_and_ratios():
	assert plan.planned_roi(15000, 5000) == 200.0
	assert plan.planned_roi(15000, 0) is None and plan.planned_roi(None, None) is None
	assert plan.roi_deviation(150.0, 200.0) == -50.0 and plan.roi_deviation(150.0, None) is None
	assert plan.ratio_percent(10000, 15000) == 66.67 and plan.ratio_percent(5, 0) is None


def test_action_check():
	plan.check_action("Warn"), plan.check_action("Stop")
	with pytest.raises(EngineError, match="Warn or Stop"):
		plan.check_action("Ignore")


def test_goal_checks():
	campaign_goals.check_goals([(1, "Leads", None, 10), (2, "Responses", "Accepted", 3)], RESPONSE_EVENTS)
	for goal, message in (
		((1, "Happiness", None, 1), "unknown metric"),
		((1, "Responses", None, 1), "choose the response type"),
		((1, "Orders", "Sent", 1), "only a Responses goal"),
		((1, "Orders", None, 0), "above 0"),
	):
		with pytest.raises(EngineError, match=message):
			campaign_goals.check_goals([goal], RESPONSE_EVENTS)
