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


def test_recency_scores_by_fixed_day_bands():
	assert [rfm.recency_score(d) for d in (0, 30, 31, 90, 91, 180, 181, 365, 366, 4000)] == [
		5, 5, 4, 4, 3, 3, 2, 2, 1, 1,
	]  # fmt: skip


def test_frequency_monetary_is_the_mean_rounded_up():
	assert [rfm.frequency_monetary(f, m) for f, m in ((1, 1), (1, 5), (2, 3), (5, 5), (1, 2))] == [
		1,
		3,
		3,
		5,
		2,
	]


def test_every_recency_frequency_monetary_pair_has_one_segment():
	names = {rfm.segment(r, fm) for r in range(1, 6) for fm in range(1, 6)}
	assert names == set(rfm.SEGMENTS)
	assert rfm.segment(5, 5) == "Champions" and rfm.segment(1, 1) == "Hibernating"
	assert rfm.segment(1, 5) == "Can't Lose Them" and rfm.segment(5, 1) == "New Customers"


def test_a_recent_top_spender_is_never_about_to_sleep():
	"""The desk's case: ordered 4 days ago, top Monetary, while most others ordered the same week."""
	customers = [buyer(f"weekly-{i}", date(2025, 12, 29), 2, 100) for i in range(8)]
	customers.append(buyer("big-once", date(2025, 12, 28), 1, 50000))
	scores = {s.customer: s for s in rfm.score(customers, AS_OF)}
	big = scores["big-once"]
	assert (big.recency_days, big.recency, big.monetary) == (4, 5, 5)
	assert big.segment == "Potential Loyalists"
	assert "About to Sleep" not in {s.segment for s in scores.values()}


def test_scores_segments_revenue_and_lifetime_value():
	customers = [
		buyer("recent-big", date(2025, 12, 20), 10, 10000),
		buyer("recent-small", date(2025, 12, 25), 1, 100, first=date(2025, 12, 25)),
		buyer("old-big", date(2024, 3, 1), 9, 9000),
		buyer("old-small", date(2024, 2, 1), 1, 50),
		buyer("middle", date(2025, 6, 1), 3, 900),
	]
	scores = {s.customer: s for s in rfm.score(customers, AS_OF, lifetime_years=3)}
	assert scores["recent-big"].segment == "Champions"  # 12 days ago, most orders and revenue
	assert (scores["recent-small"].recency, scores["recent-small"].frequency) == (5, 1)
	assert scores["recent-small"].segment == "Potential Loyalists"  # FM (1 + 2) / 2 rounded up
	assert (scores["old-big"].recency, scores["old-big"].frequency, scores["old-big"].monetary) == (1, 4, 4)
	assert scores["old-big"].segment == "At Risk"
	assert scores["old-small"].segment == "Hibernating"
	assert (scores["middle"].recency, scores["middle"].segment) == (2, "At Risk")  # 214 days ago, FM 3
	assert scores["old-small"].recency_days == (AS_OF - date(2024, 2, 1)).days
	assert scores["recent-big"].revenue == 10000
	# 10 orders over 2 years → 5 a year * 1000 average * 3 years
	assert scores["recent-big"].average_order == 1000.0
	assert scores["recent-big"].lifetime_value == pytest.approx(
		10000 / ((AS_OF - date(2024, 1, 1)).days / 365.25) * 3, abs=0.01
	)
	# a first purchase a week ago counts as one year, not 52 orders a year
	assert scores["recent-small"].lifetime_value == 300.0


def test_lifetime_value_is_at_least_the_revenue_to_date():
	"""Buying for ten years with an expected lifetime of three: the ten years already count."""
	old = buyer("decade", date(2025, 12, 1), 20, 40000, first=date(2016, 1, 1))
	(score,) = rfm.score([old], AS_OF, lifetime_years=3)
	assert score.lifetime_value == 40000
	assert rfm.lifetime_value(900, 3, date(2025, 3, 1), date(2025, 3, 31), 2) == 1800
	assert rfm.lifetime_value(0, 0, AS_OF, AS_OF, 3) == 0


def test_empty_and_bad_lifetime():
	assert rfm.score([], AS_OF) == []
	with pytest.raises(EngineError, match="Expected Lifetime"):
		rfm.score([buyer("x", AS_OF, 1, 1)], AS_OF, lifetime_years=0)
