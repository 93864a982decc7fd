"""Marketing Plan rules and plan-against-actual formulas, as pure functions.

A plan row budgets one business line (Cost Center) and, optionally, one campaign type over a
period inside the plan's fiscal year. A cost belongs to the row of its line and type that holds
its date, else to the line's row without a type (the line's general budget), else to no row:
each cost counts once.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from itertools import pairwise

from crm_marketing_app.engine.errors import EngineError, _

ACTIONS = ("Warn", "Stop")


@dataclass(frozen=True)
class PlanRow:
	idx: int
	period_start: date
	period_end: date
	cost_center: str
	campaign_type: str | None
	planned_budget: float

	def holds(self, day: date) -> bool:
		return self.period_start <= day <= self.period_end


def check_rows(rows: Sequence[PlanRow], year_start: date, year_end: date) -> None:
	"""Each row inside the fiscal year, with a budget of zero or more, overlapping no other row of
	the same line and type."""
	for row in rows:
		if row.period_end < row.period_start:
			raise EngineError(
				_("Row {0}: Period End {1} is before Period Start {2}"),
				row.idx,
				row.period_end.isoformat(),
				row.period_start.isoformat(),
			)
		if row.period_start < year_start or row.period_end > year_end:
			raise EngineError(
				_("Row {0}: the period {1} to {2} is outside the fiscal year {3} to {4}"),
				row.idx,
				row.period_start.isoformat(),
				row.period_end.isoformat(),
				year_start.isoformat(),
				year_end.isoformat(),
			)
		if row.planned_budget < 0:
			raise EngineError(
				_("Row {0}: Planned Budget cannot be negative ({1})"), row.idx, row.planned_budget
			)
	ordered = sorted(rows, key=lambda r: (r.cost_center, r.campaign_type or "", r.period_start))
	for before, after in pairwise(ordered):
		same_line = (before.cost_center, before.campaign_type or "") == (
			after.cost_center,
			after.campaign_type or "",
		)
		if same_line and after.period_start <= before.period_end:
			raise EngineError(
				_("Row {0} overlaps row {1}: both plan {2}, {3} on {4}"),
				max(before.idx, after.idx),
				min(before.idx, after.idx),
				after.cost_center,
				after.campaign_type or _("every campaign type"),
				after.period_start.isoformat(),
			)


def row_for(
	rows: Sequence[PlanRow], day: date, cost_center: str, campaign_type: str | None
) -> PlanRow | None:
	"""The row a cost of (line, type) on `day` belongs to: its type's row, else the line's general row."""
	general = None
	for row in rows:
		if row.cost_center != cost_center or not row.holds(day):
			continue
		if campaign_type and row.campaign_type == campaign_type:
			return row
		if not row.campaign_type:
			general = row
	return general


def check_action(action: str | None) -> None:
	if action not in ACTIONS:
		raise EngineError(_("Action if Exceeded must be Warn or Stop, not {0}"), action or "")


def used(committed: float, actual: float) -> float:
	"""What a row's budget is used by: the approved campaigns' planned spend, or what was actually
	spent when that is more (a plan is used by what it commits before the invoices come)."""
	return max(committed or 0, actual or 0)


def left_of(planned_budget: float, committed: float, actual: float) -> float:
	return round((planned_budget or 0) - used(committed, actual), 2)


def is_over_budget(planned_budget: float, committed: float, actual: float) -> bool:
	return left_of(planned_budget, committed, actual) < 0


def ratio_percent(value: float | None, base: float | None) -> float | None:
	"""value ÷ base in percent, rounded to 2 places; None without a base (never a division error)."""
	if not base:
		return None
	return round(100.0 * (value or 0) / base, 2)


def planned_roi(expected_revenue: float | None, planned_cost: float | None) -> float | None:
	"""(expected revenue - planned cost) ÷ planned cost in percent; None without a planned cost."""
	if not planned_cost:
		return None
	return ratio_percent((expected_revenue or 0) - planned_cost, planned_cost)


def roi_deviation(actual_roi: float | None, planned: float | None) -> float | None:
	"""Percentage points actual minus planned ROI; None when the plan has none."""
	if planned is None or actual_roi is None:
		return None
	return round(actual_roi - planned, 2)
