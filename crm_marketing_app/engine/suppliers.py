"""Supplier rating, supplier ranking and marketing load per week, as pure functions."""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from crm_marketing_app.engine.errors import EngineError, _

MIN_SCORE, MAX_SCORE = 0, 10


def check_score(score: float | None, criterion: str | None = None) -> None:
	if score is not None and MIN_SCORE <= score <= MAX_SCORE:
		return
	if criterion:
		raise EngineError(_("Score {0} for criterion {1} must be between 0 and 10"), score, criterion)
	raise EngineError(_("Score {0} must be between 0 and 10"), score)


def check_weight(weight: float | None) -> None:
	if weight is None or weight < 0:
		raise EngineError(_("Criterion weight cannot be negative ({0})"), weight)


def weighted_score(evaluations: Iterable[tuple[float, float]]) -> float:
	"""Weighted average of (score, weight) pairs, rounded to 2 places; 0 when no weight counts.

	Each evaluation counts with its criterion's weight, so a criterion rated
	twice (e.g. after two exhibitions) counts twice.
	"""
	total = weights = 0.0
	for score, weight in evaluations:
		check_score(score)
		check_weight(weight)
		total += score * weight
		weights += weight
	return round(total / weights, 2) if weights else 0.0


@dataclass
class SupplierOffer:
	supplier: str
	weighted_score: float
	typical_cost: float | None  # None: no activity with a cost yet


def rank_suppliers(
	offers: Iterable[SupplierOffer], budget: float | None = None
) -> list[tuple[SupplierOffer, bool | None]]:
	"""Offers best first, each with its within-budget flag (None without a budget or a known cost).

	With a budget, suppliers known to fit it come first, then those whose cost is
	unknown, then those over it; within each group the higher weighted score wins
	and, at equal score, the lower typical cost.
	"""

	def fits(offer: SupplierOffer) -> bool | None:
		if not budget or offer.typical_cost is None:
			return None
		return offer.typical_cost <= budget

	group = {True: 0, None: 1, False: 2}
	ranked = sorted(
		((offer, fits(offer)) for offer in offers),
		key=lambda pair: (
			group[pair[1]],
			-pair[0].weighted_score,
			pair[0].typical_cost if pair[0].typical_cost is not None else float("inf"),
			pair[0].supplier,
		),
	)
	return ranked


def week_start(day: date) -> date:
	"""Monday of the ISO week of `day`."""
	return day - timedelta(days=day.weekday())


def week_label(day: date) -> str:
	year, week, _weekday = day.isocalendar()
	return f"{year}-W{week:02d}"


def check_range(start: date, end: date) -> None:
	if end < start:
		raise EngineError(_("To Date {0} is before From Date {1}"), end.isoformat(), start.isoformat())


def weeks_between(start: date, end: date) -> list[date]:
	"""Mondays of every ISO week touched by [start, end]."""
	check_range(start, end)
	monday, last = week_start(start), week_start(end)
	weeks = []
	while monday <= last:
		weeks.append(monday)
		monday += timedelta(days=7)
	return weeks


def load_per_week(
	activities: Iterable[tuple[str, date, date | None]],
	milestones: Iterable[tuple[str, date, int]],
	start: date,
	end: date,
) -> dict[tuple[str, date], dict[str, int]]:
	"""{(responsible, monday): {"activities": n, "milestones": m}} within [start, end].

	An activity (responsible, first day, last day or None) loads every week it
	runs in, clipped to the range; milestones come as (responsible, due date, count).
	"""
	check_range(start, end)
	load: dict[tuple[str, date], dict[str, int]] = defaultdict(lambda: {"activities": 0, "milestones": 0})
	for responsible, first, last in activities:
		first_in, last_in = max(first, start), min(last or first, end)
		if last_in < first_in:
			continue
		for monday in weeks_between(first_in, last_in):
			load[(responsible, monday)]["activities"] += 1
	for responsible, due, count in milestones:
		if start <= due <= end:
			load[(responsible, week_start(due))]["milestones"] += count
	return dict(load)
