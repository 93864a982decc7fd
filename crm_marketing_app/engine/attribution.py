"""Revenue attribution: which campaigns get which share of a sales document.

Pure functions over plain values. A touch is one Campaign Response of the
customer inside the attribution window: (campaign, when). The models give each
touch a weight; touches of the same campaign are merged; weights are rounded so
that a document's weights sum to exactly 1 and its amounts to exactly its net
total, the rounding remainder going to the last share.
"""

from collections.abc import Sequence
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal

from crm_marketing_app.engine.errors import EngineError, _

MODELS = ("First Touch", "Last Touch", "Linear", "Position Based", "Time Decay")
WEIGHT_PLACES = 9  # the Float precision of Campaign Attribution.weight
TIME_DECAY_HALF_LIFE_DAYS = 7
POSITION_BASED_ENDS = Decimal("0.4")  # first and last touch each; the middle shares the rest


def check_model(model: str) -> None:
	if model not in MODELS:
		raise EngineError(_("Unknown attribution model {0}; use one of: {1}"), model, ", ".join(MODELS))


def check_window(days: int) -> None:
	if days is None or days < 1:
		raise EngineError(_("Attribution Window (Days) must be at least 1, not {0}"), days)


def touch_weights(
	model: str, touches: Sequence[tuple[str, datetime]], converted_on: datetime
) -> list[Decimal]:
	"""Unrounded weight of each touch (oldest first), summing to 1; [] without touches."""
	check_model(model)
	n = len(touches)
	if not n:
		return []
	if model == "First Touch":
		return [Decimal(1)] + [Decimal(0)] * (n - 1)
	if model == "Last Touch":
		return [Decimal(0)] * (n - 1) + [Decimal(1)]
	if model == "Linear" or (model == "Position Based" and n <= 2):
		return [Decimal(1) / n] * n
	if model == "Position Based":
		middle = (1 - 2 * POSITION_BASED_ENDS) / (n - 2)
		return [POSITION_BASED_ENDS] + [middle] * (n - 2) + [POSITION_BASED_ENDS]
	# Time Decay: a touch loses half its weight every half-life before the conversion.
	raw = [
		Decimal(2)
		** (Decimal(-max((converted_on - when).total_seconds(), 0)) / (TIME_DECAY_HALF_LIFE_DAYS * 86400))
		for _campaign, when in touches
	]
	total = sum(raw)
	return [r / total for r in raw]


def campaign_weights(
	model: str, touches: Sequence[tuple[str, datetime]], converted_on: datetime
) -> list[tuple[str, Decimal]]:
	"""(campaign, weight) per campaign with a share, in order of its first touch; weights sum to exactly 1."""
	touches = sorted(touches, key=lambda t: t[1])
	merged: dict[str, Decimal] = {}
	for (campaign, _when), weight in zip(touches, touch_weights(model, touches, converted_on), strict=True):
		merged[campaign] = merged.get(campaign, Decimal(0)) + weight
	shares = [(campaign, weight) for campaign, weight in merged.items() if weight > 0]
	return exact_split(Decimal(1), shares, WEIGHT_PLACES)


def exact_split(total, shares: Sequence[tuple[str, Decimal]], places: int) -> list[tuple[str, Decimal]]:
	"""Splits `total` by the (key, weight) shares, rounded to `places`, the remainder to the last share."""
	if not shares:
		return []
	quantum = Decimal(1).scaleb(-places)
	total = Decimal(str(total)).quantize(quantum, rounding=ROUND_HALF_UP)
	weight_sum = sum(weight for _key, weight in shares)
	out, given = [], Decimal(0)
	for key, weight in shares[:-1]:
		part = (total * weight / weight_sum).quantize(quantum, rounding=ROUND_HALF_UP)
		out.append((key, part))
		given += part
	out.append((shares[-1][0], total - given))
	return out


ROI_PRECISION = 2


def roi(revenue: float, cost: float) -> float | None:
	"""(revenue - cost) ÷ cost in percent, rounded to 2 places; None (unknown, not 0 %) without a
	positive cost.

	The Campaign rollup stores the same in SQL (crm_marketing_app.campaigns.rollups.roi_term), 0 there:
	the column holds no "unknown"."""
	return round((revenue - cost) * 100.0 / cost, ROI_PRECISION) if cost > 0 else None


def budget_used(actual_cost: float, budget: float, precision: int = 2) -> float | None:
	"""Actual cost as a percentage of the budget; None without a budget."""
	return round(100.0 * (actual_cost or 0) / budget, precision) if budget else None


def per_unit(cost: float, units: float) -> float | None:
	"""Cost per lead / per new customer; None when there are none."""
	return round(cost / units, 2) if units else None
