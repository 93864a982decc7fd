"""RFM scoring and a lifetime-value estimate per customer, as pure functions.

Recency is scored 1-5 by days since the last purchase against fixed bands (an
order last week is recent however many others ordered since); frequency and
monetary value by quintile among the customers scored together (5 best). The
segment comes from the recency score and the rounded-up mean of the frequency
and monetary scores (the usual R by FM grid), so a big spender who ordered days
ago is never "About to Sleep".
Lifetime value = average order value * orders per year * lifetime in years, the
lifetime being the expected one or, if longer, the years the customer has
already bought (orders per year measured since the first purchase, at least one
year), so it is never below the revenue to date.
"""

import bisect
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from crm_marketing_app.engine.errors import EngineError, _

# Days since the last purchase at most these score 5, 4, 3, 2; older scores 1.
RECENCY_DAYS = (30, 90, 180, 365)

# (recency scores, frequency-monetary scores) → segment; covers all 25 combinations.
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


@dataclass(frozen=True)
class Score:
	customer: str
	recency_days: int
	recency: int
	frequency: int
	monetary: int
	segment: str
	revenue: float
	average_order: float
	lifetime_value: float


def quintile(value: float, sorted_values: Sequence[float]) -> int:
	"""1-5 by percentile rank: the best value scores 5 however few there are; equal values score alike."""
	rank = bisect.bisect_left(sorted_values, value) + 1
	return -(-5 * rank // len(sorted_values))  # ceil(5 * rank / n)


def recency_score(days: int) -> int:
	"""5 for a purchase within RECENCY_DAYS[0] days, down to 1 beyond the last band."""
	return 5 - bisect.bisect_left(RECENCY_DAYS, days)


def frequency_monetary(frequency: int, monetary: int) -> int:
	"""The FM score: the mean of frequency and monetary, rounded up."""
	return -(-(frequency + monetary) // 2)


def segment(recency: int, frequency_monetary_score: int) -> str:
	for recencies, scores, name in SEGMENT_GRID:
		if recency in recencies and frequency_monetary_score in scores:
			return name
	raise EngineError(
		_("No RFM segment for recency {0} and frequency-monetary {1}"), recency, frequency_monetary_score
	)


def lifetime_value(total: float, count: int, first_date: date, as_of: date, lifetime_years: float) -> float:
	"""Average order * orders per year * the longer of the expected lifetime and the years so far."""
	if not count:
		return 0.0
	years = max((as_of - first_date).days / 365.25, 1.0)
	return round(total / years * max(lifetime_years, years), 2)


def score(customers: Sequence[Purchases], as_of: date, lifetime_years: float = 3) -> list[Score]:
	if lifetime_years <= 0:
		raise EngineError(_("Expected Lifetime (Years) must be above 0, not {0}"), lifetime_years)
	if not customers:
		return []
	counts = sorted(c.count for c in customers)
	totals = sorted(c.total for c in customers)
	out = []
	for c in customers:
		days = (as_of - c.last_date).days
		r, f, m = recency_score(days), quintile(c.count, counts), quintile(c.total, totals)
		out.append(
			Score(
				customer=c.customer,
				recency_days=days,
				recency=r,
				frequency=f,
				monetary=m,
				segment=segment(r, frequency_monetary(f, m)),
				revenue=round(c.total, 2),
				average_order=round(c.total / c.count, 2) if c.count else 0.0,
				lifetime_value=lifetime_value(c.total, c.count, c.first_date, as_of, lifetime_years),
			)
		)
	return out
