from datetime import date, timedelta

import pytest

from crm_marketing_app.engine.errors import EngineError
from crm_marketing_app.engine.triggers import (
	add_months,
	base_date_range,
	check_action,
	check_item_group,
	check_trigger,
	due_date,
	unused_fields,
)


def test_months_clamp_to_the_month_end():
	assert add_months(date(2025, 1, 31), 1) == date(2025, 2, 28)
	assert add_months(date(2024, 1, 31), 1) == date(2024, 2, 29)
	assert add_months(date(2025, 3, 31), -1) == date(2025, 2, 28)
	assert add_months(date(2025, 5, 31), 1) == date(2025, 6, 30)
	assert add_months(date(2025, 11, 15), 2) == date(2026, 1, 15)
	assert add_months(date(2026, 1, 15), -13) == date(2024, 12, 15)


def test_eleven_months_two_days():
	assert due_date(date(2025, 3, 10), 11, 2) == date(2026, 2, 12)
	# the months land on 28 February, then the two days run into March
	assert due_date(date(2025, 3, 31), 11, 2) == date(2026, 3, 2)
	assert due_date(date(2025, 1, 30), 11, 2) == date(2026, 1, 1)
	assert due_date(date(2026, 1, 31), 1, 0) == date(2026, 2, 28)


def _brute_force(today, months, days, catch_up):
	first_due = today - timedelta(days=catch_up)
	start = today - timedelta(days=months * 31 + days + catch_up + 40)
	bases = [start + timedelta(days=i) for i in range(months * 31 + days + catch_up + 80)]
	return [b for b in bases if first_due <= due_date(b, months, days) <= today]


@pytest.mark.parametrize("months,days", [(1, 0), (11, 2), (0, 30), (2, 1), (12, 0)])
@pytest.mark.parametrize("catch_up", [0, 3])
def test_base_range_is_exactly_the_due_bases(months, days, catch_up):
	today = date(2025, 12, 20)
	for _ in range(500):
		first, last = base_date_range(today, months, days, catch_up)
		expected = _brute_force(today, months, days, catch_up)
		if expected:
			assert (first, last) == (expected[0], expected[-1]), today
		else:
			assert first > last, today
		today += timedelta(days=1)


def test_month_end_collects_the_clamped_days_and_leaves_gaps():
	# 28 Feb 2025 is one month after 28, 29, 30 and 31 January
	assert base_date_range(date(2025, 2, 28), 1, 0) == (date(2025, 1, 28), date(2025, 1, 31))
	# nothing is one month before 30 March 2024 (29 Feb + 1 month = 29 March)
	first, last = base_date_range(date(2024, 3, 30), 1, 0)
	assert first > last


def _trigger(**kw):
	args = dict(
		event="After Order",
		action="Create ToDo",
		offset_months=1,
		offset_days=0,
		catch_up_days=0,
		threshold=0,
		response_type=None,
	)
	args.update(kw)
	check_trigger(**args)


def test_valid_triggers_pass():
	_trigger()
	_trigger(event="Score Reached", offset_months=0, threshold=50)
	_trigger(event="Response Received", offset_months=0, response_type="Clicked")
	_trigger(event="No Order Since", offset_months=0, offset_days=30)


@pytest.mark.parametrize(
	"bad,template",
	[
		(dict(offset_months=0, offset_days=0), "Event {0} needs an offset: months, days or both"),
		(dict(offset_days=-1), "Offsets cannot be negative ({0} months, {1} days)"),
		(dict(catch_up_days=-2), "Catch-up Days cannot be negative ({0})"),
		(dict(event="Score Reached", threshold=0), "Event {0} needs a Threshold"),
		(dict(event="Response Received"), "Event {0} needs a Response Type"),
		(dict(event="Birthday"), "Unknown event {0}"),
	],
)
def test_bad_trigger_settings_fail(bad, template):
	with pytest.raises(EngineError) as err:
		_trigger(**bad)
	assert err.value.template == template


def test_hidden_fields_are_the_ones_the_event_and_action_do_not_use():
	assert unused_fields("After Order", "Create ToDo") == [
		"threshold",
		"response_type",
		"target_list",
		"email_template",
	]
	lead_mail = unused_fields("Lead Idle", "Send Email")
	assert {"item", "item_group", "customer_group", "assign_to", "description", "target_list"} <= set(
		lead_mail
	)
	assert "offset_days" not in lead_mail and "email_template" not in lead_mail
	assert {"offset_months", "offset_days"} <= set(unused_fields("Score Reached", "Add To Target List"))


def test_item_must_be_inside_the_item_group():
	check_item_group("LIC", "Software", ["Licences", "Software", "All Item Groups"])
	with pytest.raises(EngineError) as err:
		check_item_group("LIC", "Services", ["Licences", "Software", "All Item Groups"])
	assert "Licences" in str(err.value) and "Services" in str(err.value)


def test_actions_need_their_targets():
	check_action("Add To Target List", "No Order Since", "Win-back", "Customer", None, None)
	check_action("Add To Target List", "Response Received", "Any", "Contact", None, None)
	check_action("Send Email", "Lead Idle", None, None, "Come back", None)
	check_action("Create Opportunity", "Score Reached", None, None, None, None)
	with pytest.raises(EngineError, match="needs a Target List"):
		check_action("Add To Target List", "No Order Since", None, None, None, None)
	with pytest.raises(EngineError, match="holds Lead records"):
		check_action("Add To Target List", "No Order Since", "Leads", "Lead", None, None)
	with pytest.raises(EngineError, match="needs an Email Template"):
		check_action("Send Email", "Lead Idle", None, None, None, None)
	with pytest.raises(EngineError, match="needs a Description"):
		check_action("Create ToDo", "After Order", None, None, None, "  ")
