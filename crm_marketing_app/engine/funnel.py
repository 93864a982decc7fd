"""Funnel maths: stage conversions, the reference funnel and deviations.

A funnel is an ordered list of stages; each stage counts the people (or
documents) its entry event put there. Conversions are percentages of the
previous stage; the first stage has none.
"""

import math
from collections.abc import Sequence

from crm_marketing_app.engine.errors import EngineError, _

RESPONSE_EVENTS = (
	"Sent",
	"Opened",
	"Clicked",
	"Website Visit",
	"Downloaded",
	"Registered",
	"Attended",
	"Replied",
	"Declined",
	"Requested Info",
	"Purchased",
	"Unsubscribed",
)
DOCUMENT_EVENTS = ("Lead", "Opportunity", "Quotation", "Sales Order")
ENTRY_EVENTS = RESPONSE_EVENTS + DOCUMENT_EVENTS


def check_stage(idx: int, entry_event: str | None, planned_conversion: float | None) -> None:
	if entry_event not in ENTRY_EVENTS:
		raise EngineError(
			_(
				"Row {0}: unknown Entry Event {1}; use a response type or Lead, Opportunity, Quotation, Sales Order"
			),
			idx,
			entry_event or "",
		)
	check_percent(idx, planned_conversion)


def check_percent(idx: int, value: float | None) -> None:
	if value is not None and not 0 <= value <= 100:
		raise EngineError(_("Row {0}: a conversion must be between 0 and 100 %, not {1}"), idx, value)


def check_tolerance(value: float | None) -> None:
	if value is not None and not 0 <= value <= 100:
		raise EngineError(_("Deviation Tolerance must be between 0 and 100 %, not {0}"), value)


def conversion(count: float, previous: float | None) -> float | None:
	"""Percent of the previous stage that reached this one; None for the first stage or an empty previous one."""
	if previous is None or not previous:
		return None
	return round(100.0 * count / previous, 2)


def conversions(counts: Sequence[float]) -> list[float | None]:
	return [conversion(count, counts[i - 1] if i else None) for i, count in enumerate(counts)]


def reference_conversions(past_counts: Sequence[Sequence[float]], minimum: int = 1) -> list[float | None]:
	"""The reference funnel over past campaigns: stage totals pooled, so big events weigh more.

	None ([]) with fewer than `minimum` campaigns: one past event is an anecdote, not a reference.
	"""
	if not past_counts or len(past_counts) < max(minimum, 1):
		return []
	totals = [sum(stage) for stage in zip(*past_counts, strict=True)]
	return conversions(totals)


def planned_counts(first_count: float, planned: Sequence[float | None]) -> list[int]:
	"""Counts of people the plan expects, starting from the actual first stage; a stage without plan
	keeps 100 %. Chained unrounded, each shown as a whole number (halves up: 2.5 people plan 3)."""
	expected: list[float] = []
	for i, percent in enumerate(planned):
		expected.append(
			float(first_count) if i == 0 else expected[-1] * (100.0 if percent is None else percent) / 100.0
		)
	return [math.floor(count + 0.5) for count in expected]


def deviation(actual: float | None, expected: float | None) -> float | None:
	"""Percentage points actual minus expected, None when either is unknown."""
	if actual is None or expected is None:
		return None
	return round(actual - expected, 2)


def is_flagged(dev: float | None, tolerance: float) -> bool:
	return dev is not None and abs(dev) > tolerance
