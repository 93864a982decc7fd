from datetime import date

import pytest

from crm_marketing_app.engine import offers
from crm_marketing_app.engine.errors import EngineError

ITEMS = [("ITEM-A", None), ("ITEM-B", "Products")]


@pytest.mark.parametrize("percentage", [0.01, 50, 100])
def test_percentage_above_0_up_to_100_passes(percentage):
	offers.check_offer("Discount Percentage", percentage, None, None, ITEMS)


@pytest.mark.parametrize("percentage", [0, -5, 100.01, None])
def test_percentage_outside_0_to_100_fails(percentage):
	with pytest.raises(EngineError, match="at most 100"):
		offers.check_offer("Discount Percentage", percentage, None, None, ITEMS)


def test_amount_free_item_and_unknown_type():
	offers.check_offer("Discount Amount", None, 5, None, ITEMS)
	offers.check_offer("Free Item", None, None, "GIFT", ITEMS)
	with pytest.raises(EngineError, match="above 0"):
		offers.check_offer("Discount Amount", None, 0, None, ITEMS)
	with pytest.raises(EngineError, match="Free Item"):
		offers.check_offer("Free Item", None, None, None, ITEMS)
	with pytest.raises(EngineError, match="Unknown Offer Type"):
		offers.check_offer("Cashback", None, None, None, ITEMS)
	offers.check_offer("", None, None, None, [])  # no offer, nothing to check


def test_offer_applies_to_items_or_groups_never_both_nor_nothing():
	assert offers.apply_on(ITEMS) == ("Item Code", ["ITEM-A", "ITEM-B"])  # a row's item wins over its group
	assert offers.apply_on([(None, "Tools"), (None, "Paint"), (None, "Tools")]) == (
		"Item Group",
		["Paint", "Tools"],
	)
	with pytest.raises(EngineError, match="Target Products"):
		offers.apply_on([])
	with pytest.raises(EngineError, match="not both"):
		offers.apply_on([("ITEM-A", None), (None, "Tools")])


def test_codes_valid_for_the_campaign_and_expired_once_it_ended():
	today = date(2026, 12, 1)
	assert offers.validity(date(2026, 11, 1), date(2026, 12, 31), False, today) == (
		date(2026, 11, 1),
		date(2026, 12, 31),
	)
	assert offers.validity(None, None, False, today) == (today, None)
	assert offers.validity(date(2026, 11, 1), date(2026, 12, 31), True, today) == (
		date(2026, 11, 1),
		date(2026, 11, 30),
	)
	assert offers.validity(date(2026, 11, 1), date(2026, 11, 15), True, today)[1] == date(2026, 11, 15)


def test_new_codes_are_distinct_prefixed_and_avoid_taken_ones():
	codes = offers.new_codes(" expo ", 500)
	assert len(set(codes)) == 500
	assert all(c.startswith("EXPO-") and len(c) == 5 + offers.CODE_LENGTH for c in codes)
	assert not set(offers.new_codes("expo", 50, taken=set(codes))) & set(codes)
	assert all(set(c) <= set(offers.CODE_ALPHABET) for c in offers.new_codes(None, 20))


def test_redemption_rate():
	assert offers.redemption_rate(200, 1) == 0.5
	assert offers.redemption_rate(0, 0) == 0.0
