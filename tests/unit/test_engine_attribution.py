"""Attribution models and exact splitting (engine/attribution.py)."""

from datetime import datetime, timedelta
from decimal import Decimal

import pytest

from crm_marketing_app.engine import attribution
from crm_marketing_app.engine.errors import EngineError

CONVERTED = datetime(2025, 6, 30, 23, 59, 59)
# A fixed history: A 20 days before, B 14, C 7, A again on the day.
HISTORY = [
	("C", CONVERTED - timedelta(days=7)),
	("A", CONVERTED - timedelta(days=20)),
	("B", CONVERTED - timedelta(days=14)),
	("A", CONVERTED),
]


def weights(model, touches=HISTORY):
	return dict(attribution.campaign_weights(model, touches, CONVERTED))


def test_first_and_last_touch_give_everything_to_one_campaign():
	assert weights("First Touch") == {"A": Decimal(1)}
	single = [("B", CONVERTED - timedelta(days=14)), ("C", CONVERTED - timedelta(days=7))]
	assert weights("Last Touch", single) == {"C": Decimal(1)}


def test_linear_merges_touches_of_one_campaign():
	w = weights("Linear")
	assert w == {"A": Decimal("0.5"), "B": Decimal("0.25"), "C": Decimal("0.25")}


def test_position_based_gives_40_20_40():
	w = weights("Position Based")
	# first (A) 0.4 + last (A) 0.4; the two middle touches share 0.2
	assert w == {"A": Decimal("0.8"), "B": Decimal("0.1"), "C": Decimal("0.1")}
	two = [("B", CONVERTED - timedelta(days=3)), ("C", CONVERTED - timedelta(days=1))]
	assert weights("Position Based", two) == {"B": Decimal("0.5"), "C": Decimal("0.5")}


def test_time_decay_halves_every_seven_days():
	touches = [("B", CONVERTED - timedelta(days=7)), ("C", CONVERTED)]
	w = weights("Time Decay", touches)
	# 1 : 0.5 → 1/3 and 2/3, the rounding remainder on the last share
	assert w == {"B": Decimal("0.333333333"), "C": Decimal("0.666666667")}
	assert sum(w.values()) == 1


@pytest.mark.parametrize("model", attribution.MODELS)
def test_weights_sum_to_exactly_one_and_keep_nine_places(model):
	touches = [(f"C{i}", CONVERTED - timedelta(hours=5 * i)) for i in range(7)]
	w = attribution.campaign_weights(model, touches, CONVERTED)
	assert sum(weight for _c, weight in w) == Decimal(1)
	assert all(weight.as_tuple().exponent >= -9 for _c, weight in w)


def test_no_touches_no_weights():
	assert attribution.campaign_weights("Linear", [], CONVERTED) == []


def test_exact_split_gives_the_remainder_to_the_last_share():
	thirds = [("A", Decimal(1)), ("B", Decimal(1)), ("C", Decimal(1))]
	assert attribution.exact_split(100, thirds, 2) == [
		("A", Decimal("33.33")),
		("B", Decimal("33.33")),
		("C", Decimal("33.34")),
	]
	assert sum(x for _k, x in attribution.exact_split(Decimal("0.01"), thirds, 2)) == Decimal("0.01")
	assert attribution.exact_split(-10, [("A", Decimal("0.5")), ("B", Decimal("0.5"))], 2) == [
		("A", Decimal("-5.00")),
		("B", Decimal("-5.00")),
	]


def test_unknown_model_and_bad_window_are_refused():
	with pytest.raises(EngineError, match="Unknown attribution model"):
		attribution.campaign_weights("Best Guess", HISTORY, CONVERTED)
	for days in (0, -3, None):
		with pytest.raises(EngineError, match="at least 1"):
			attribution.check_window(days)
	attribution.check_window(1)


def test_roi_and_cost_per_unit():
	assert attribution.roi(5000, 1500) == 233.33
	assert attribution.roi(3000, 1500) == 100.0
	assert attribution.roi(3000, 0) is None
	assert attribution.per_unit(1500, 4) == 375.0
	assert attribution.per_unit(1500, 0) is None
