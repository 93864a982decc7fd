"""RFM scoring and a lifetime-value estimate per customer, as pure functions.

Recency, frequency and monetary value are scored 1-5 by quintile among the
customers scored together (5 best: most recent, most frequent, most spent); the
segment name comes from the recency and frequency scores (the usual RFM grid).
Lifetime value = average order value * orders per year * expected lifetime in
years, orders per year measured since the first purchase (at least one year); the
margin-based lifetime value is the same with the gross profit in place of the amount.
"""

import bisect
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from crm_marketing_app.engine.errors import EngineError, _

# (recency scores, frequency scores) → segment; covers all 25 combinations.
# Names are marked for translation; the desk shows them translated.
SEGMENT_GRID = (
	((5,), (4, 5), _("Champions")),
	((3, 4), (4, 5), _("Loyal Customers")),
	((4, 5), (2, 3), _("Potential Loyalists")),
	((5,), (1,), _("New Customers")),
	((4,), (1,), _("Promising")),
	((3,), (3,), _("Need Attention")),
	((3,), (1, 2), _("About to Sleep")),
	((1, 2), (5,), _("Can't Lose Them")),
	((1, 2), (3, 4), _("At Risk")),
	((1, 2), (1, 2), _("Hibernating")),
)
SEGMENTS = tuple(name for _r, _f, name in SEGMENT_GRID)


@dataclass(frozen=True)
class Purchases:
	customer: str
	first_date: date
	last_date: date
	count: int
	total: float
	margin: float = 0.0


@dataclass(frozen=True)
class Score:
	customer: str
	recency_days: int
	recency: int
	frequency: int
	monetary: int
	segment: str
	average_order: float
	lifetime_value: float
	margin_lifetime_value: float = 0.0


def quintile(value: float, sorted_values: Sequence[float]) -> int:
	"""1-5 by percentile rank: the best value scores 5 however few there are; equal values score alike."""
	rank = bisect.bisect_left(sorted_values, value) + 1
	return -(-5 * rank // len(sorted_values))  # ceil(5 * rank / n)


def segment(recency: int, frequency: int) -> str:
	for recencies, frequencies, name in SEGMENT_GRID:
		if recency in recencies and frequency in frequencies:
			return name
	raise EngineError(_("No RFM segment for recency {0} and frequency {1}"), recency, frequency)


def score(customers: Sequence[Purchases], as_of: date, lifetime_years: float = 3) -> list[Score]:
	if lifetime_years <= 0:
		raise EngineError(_("Expected Lifetime (Years) must be above 0, not {0}"), lifetime_years)
	if not customers:
		return []
	# Recency scores negated days so that "more recent" sorts higher like the others.
	recencies = sorted(-(as_of - c.last_date).days for c in customers)
	counts = sorted(c.count for c in customers)
	totals = sorted(c.total for c in customers)
	out = []
	for c in customers:
		r = quintile(-(as_of - c.last_date).days, recencies)
		f = quintile(c.count, counts)
		average = c.total / c.count if c.count else 0.0
		years = max((as_of - c.first_date).days / 365.25, 1.0)
		out.append(
			Score(
				customer=c.customer,
				recency_days=(as_of - c.last_date).days,
				recency=r,
				frequency=f,
				monetary=quintile(c.total, totals),
				segment=segment(r, f),
				average_order=round(average, 2),
				lifetime_value=round(average * c.count / years * lifetime_years, 2),
				margin_lifetime_value=round(c.margin / years * lifetime_years, 2),
			)
		)
	return out
