"""RFM scores, segments and lifetime value (engine/rfm.py)."""

from datetime import date

import pytest

from crm_marketing_app.engine import rfm
from crm_marketing_app.engine.errors import EngineError

AS_OF = date(2026, 1, 1)


def buyer(name, last, count, total, first=date(2024, 1, 1)):
	return rfm.Purchases(name, first, last, count, total)


def test_quintiles_rank_and_ties_share_a_score():
	values = sorted([1, 2, 3, 4, 5, 6, 7, 8, 9, 10])
	assert [rfm.quintile(v, values) for v in values] == [1, 1, 2, 2, 3, 3, 4, 4, 5, 5]
	assert rfm.quintile(7, [7, 7, 7]) == 2
	assert [rfm.quintile(v, [1, 3]) for v in (1, 3)] == [3, 5]
	assert rfm.quintile(4, [4]) == 5


def test_every_recency_frequency_pair_has_one_segment():
	names = {rfm.segment(r, f) for r in range(1, 6) for f in range(1, 6)}
	assert names == set(rfm.SEGMENTS)
	assert rfm.segment(5, 5) == "Champions" and rfm.segment(1, 1) == "Hibernating"
	assert rfm.segment(1, 5) == "Can't Lose Them" and rfm.segment(5, 1) == "New Customers"


def test_scores_segments_and_lifetime_value():
	customers = [
		buyer("recent-big", date(2025, 12, 20), 10, 10000),
		buyer("recent-small", date(2025, 12, 25), 1, 100, first=date(2025, 12, 25)),
		buyer("old-big", date(2024, 3, 1), 9, 9000),
		buyer("old-small", date(2024, 2, 1), 1, 50),
		buyer("middle", date(2025, 6, 1), 3, 900),
	]
	scores = {s.customer: s for s in rfm.score(customers, AS_OF, lifetime_years=3)}
	assert scores["recent-big"].segment == "Loyal Customers"  # 2nd most recent, most frequent
	assert (scores["recent-small"].recency, scores["recent-small"].frequency) == (5, 1)
	assert scores["recent-small"].segment == "New Customers"
	assert scores["old-big"].segment == "At Risk"
	assert scores["old-small"].segment == "Hibernating"
	assert scores["old-small"].recency_days == (AS_OF - date(2024, 2, 1)).days
	# 10 orders over 2 years → 5 a year * 1000 average * 3 years
	assert scores["recent-big"].average_order == 1000.0
	assert scores["recent-big"].lifetime_value == pytest.approx(
		1000 * 10 / ((AS_OF - date(2024, 1, 1)).days / 365.25) * 3, abs=0.01
	)
	# a first purchase a week ago counts as one year, not 52 orders a year
	assert scores["recent-small"].lifetime_value == 300.0


def test_empty_and_bad_lifetime():
	assert rfm.score([], AS_OF) == []
	with pytest.raises(EngineError, match="Expected Lifetime"):
		rfm.score([buyer("x", AS_OF, 1, 1)], AS_OF, lifetime_years=0)
