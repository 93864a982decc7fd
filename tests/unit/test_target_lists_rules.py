"""Target lists 2.0 in the engine: relative dates, OR groups, responses, list membership,
dependency order and the rule as a sentence — without a site."""

import datetime

import pytest

from crm_marketing_app.engine import relative_dates
from crm_marketing_app.engine.errors import EngineError
from crm_marketing_app.engine.target_lists import (
	DATE,
	FLOAT,
	TEXT,
	All,
	Any_,
	Compare,
	Condition,
	Context,
	Field,
	Not,
	OnList,
	OrderedLine,
	Responded,
	compile_conditions,
	describe,
	list_dependencies,
	refresh_order,
	resolved_dates,
)

TODAY = datetime.date(2026, 3, 31)
FIELDS = {"city": Field(TEXT), "annual_revenue": Field(FLOAT), "qualified_on": Field(DATE)}
CONTEXT = Context(
	TODAY,
	response_types=("Sent", "Registered", "Attended"),
	lists={"Webinar": "Lead", "Bought": "Lead", "Firms": "Customer", "Self": "Lead"},
	list_name="Self",
	member_doctype="Lead",
)


def compile_(*rows, context=CONTEXT):
	return compile_conditions([Condition(*row) for row in rows], FIELDS, context)


@pytest.mark.parametrize(
	"text, day",
	[
		("today", TODAY),
		("TODAY", TODAY),
		("today-14d", datetime.date(2026, 3, 17)),
		("today - 2w", datetime.date(2026, 3, 17)),
		("today+2w", datetime.date(2026, 4, 14)),
		("-1m", datetime.date(2026, 2, 28)),  # 31 March - 1 month: the last day of February
		("today-3m", datetime.date(2025, 12, 31)),
		("-1y", datetime.date(2025, 3, 31)),
		("+1y", datetime.date(2027, 3, 31)),
		("today+0d", TODAY),
	],
)
def test_relative_dates_resolve_against_today(text, day):
	assert relative_dates.resolve(text, TODAY) == day
	assert relative_dates.parse_date(text, TODAY) == day


@pytest.mark.parametrize("text", ["today-3x", "today-", "today14d", "today-d", "-3", "today-1.5m"])
def test_malformed_relative_dates_are_refused(text):
	with pytest.raises(EngineError, match="is not a relative date"):
		relative_dates.resolve(text, TODAY)


def test_iso_dates_and_other_text_are_not_relative():
	assert relative_dates.parse_date("2025-07-01", TODAY) == datetime.date(2025, 7, 1)
	assert not relative_dates.looks_relative("yesterday")
	with pytest.raises(ValueError):
		relative_dates.parse_date("yesterday", TODAY)


def test_relative_dates_in_conditions_move_with_today():
	rows = (("qualified_on", ">=", "today-14d"), ("last_order_date", ">=", "today-14d"))
	assert compile_(*rows).terms == (
		Compare("field", "qualified_on", ">=", datetime.date(2026, 3, 17)),
		Compare("measure", "last_order_date", ">=", datetime.date(2026, 3, 17)),
	)
	later = compile_(*rows, context=Context(datetime.date(2026, 4, 10)))
	assert later.terms[0].value == datetime.date(2026, 3, 27)
	line = compile_(("ordered_item", "=", "FR-1"), ("ordered_after", "=", "-1y"))
	assert line.terms == (
		OrderedLine(
			(
				Compare("line", "item_code", "=", "FR-1"),
				Compare("line", "posting_date", ">=", datetime.date(2025, 3, 31)),
			)
		),
	)
	with pytest.raises(EngineError, match=r"Row 1: today-3x is not a relative date"):
		compile_(("qualified_on", ">", "today-3x"))


def test_groups_and_within_or_across():
	tree = compile_(
		("city", "=", "Kyiv", 1),
		("annual_revenue", ">", "1000", 2),
		("city", "=", "Lviv", "2"),
		("city", "=", "Odesa", None),  # empty: group 1
	)
	assert isinstance(tree, Any_)
	first, second = tree.terms
	assert first == All((Compare("field", "city", "=", "Kyiv"), Compare("field", "city", "=", "Odesa")))
	assert {t.value for t in second.terms} == {"Lviv", 1000}
	# one group stays a plain All
	assert compile_(("city", "=", "Kyiv", 1)) == All((Compare("field", "city", "=", "Kyiv"),))


def test_line_terms_stay_within_their_group():
	tree = compile_(("ordered_item", "=", "A", 1), ("ordered_item", "=", "B", 2))
	assert tree == Any_(
		(
			All((OrderedLine((Compare("line", "item_code", "=", "A"),)),)),
			All((OrderedLine((Compare("line", "item_code", "=", "B"),)),)),
		)
	)


@pytest.mark.parametrize(
	"rows, message",
	[
		((("city", "=", "Kyiv", 1), ("city", "=", "Lviv", 3)), "Group 2 has no conditions"),
		((("city", "=", "Kyiv", -1),), "Row 1: group must be a whole number of 1 or more, not -1"),
		((("city", "=", "Kyiv", "two"),), "Row 1: group must be a whole number of 1 or more, not two"),
	],
)
def test_bad_groups(rows, message):
	with pytest.raises(EngineError, match=message):
		compile_(*rows)


def test_response_conditions():
	tree = compile_(
		("has_response", "=", "Registered", 1, "Webinar C"),
		("has_no_response", "=", "Attended", 1, "Webinar C", "ACT-1"),
		("has_response", "=", "Sent", 1, None, None, "30"),
	)
	assert tree.terms == (
		Responded("Registered", "Webinar C"),
		Not(Responded("Attended", "Webinar C", "ACT-1")),
		Responded("Sent", since=datetime.date(2026, 3, 1)),
	)


@pytest.mark.parametrize(
	"row, message",
	[
		(
			("has_response", "=", "Liked"),
			"Row 1: Liked is not a Campaign Response type; use one of Sent, Registered",
		),
		(("has_response", "!=", "Sent"), "Row 1: operator != does not fit field has_response"),
		(
			("has_response", "=", "Sent", 1, None, None, "-3"),
			"Within Days must be a whole number of 0 or more",
		),
		(("city", "=", "Kyiv", 1, "Webinar C"), "apply only to has_response / has_no_response, not to city"),
		(("in_list", "=", "Nope"), "Row 1: Target List Nope does not exist"),
		(("in_list", "=", "Self"), "Row 1: a list cannot be a condition of itself"),
		(("not_in_list", "=", "Firms"), "Row 1: Target List Firms holds Customer records, not Lead"),
		(("in_list", "in", "Webinar"), "Row 1: operator in does not fit field in_list"),
	],
)
def test_bad_response_and_list_conditions(row, message):
	with pytest.raises(EngineError, match=message):
		compile_(row)


def test_list_conditions_and_their_dependencies():
	rows = [
		Condition("in_list", "=", "Webinar"),
		Condition("not_in_list", "=", "Bought"),
		Condition("city", "=", "x"),
	]
	assert compile_conditions(rows, FIELDS, CONTEXT).terms[:2] == (OnList("Webinar"), Not(OnList("Bought")))
	assert list_dependencies(rows) == {"Webinar", "Bought"}


def test_refresh_order_puts_dependencies_first_and_refuses_cycles():
	deps = {"A-not-B": {"A", "B"}, "A": {"Base"}, "B": set(), "Other": set()}
	order = refresh_order(deps, ["A-not-B"])
	assert order.index("Base") < order.index("A") < order.index("A-not-B")
	assert order.index("B") < order.index("A-not-B") and "Other" not in order
	assert refresh_order(deps, deps) == ["Base", "A", "B", "A-not-B", "Other"]
	deps["Base"] = {"A-not-B"}
	with pytest.raises(EngineError, match="would depend on itself: A → Base → A-not-B → A"):
		refresh_order(deps, ["A"])


def test_rule_as_a_sentence():
	rows = [
		Condition("city", "=", "Kyiv", 1),
		Condition("annual_revenue", ">", "1000", 1),
		Condition("city", "in", "Lviv, Odesa", 2),
		Condition("qualified_on", ">=", "today-14d", 2),
		Condition("has_response", "=", "Registered", 2, "Webinar C", None, "30"),
		Condition("not_in_list", "=", "Bought", 2),
	]
	assert describe(rows, FIELDS, CONTEXT, label=str.title) == (
		"(City is Kyiv and Annual_Revenue is more than 1000) or (City is one of Lviv, Odesa and "
		"Qualified_On is at least today-14d (2026-03-17) and has a Registered response for campaign "
		"Webinar C in the last 30 days and is not on list Bought)"
	)
	upper = describe([Condition("city", "is set", None)], FIELDS, CONTEXT, translate=str.upper)
	assert upper == "city IS SET"  # labels come from `label`, templates from `translate`


def test_resolved_dates_only_for_date_fields():
	rows = [
		Condition("qualified_on", ">=", "today-2w"),
		Condition("annual_revenue", ">", "-5"),
		Condition("last_order_date", "<", "today-3x"),
		Condition("ordered_before", "=", "-1y"),
	]
	assert resolved_dates(rows, FIELDS, TODAY) == {1: "2026-03-17", 4: "2025-03-31"}
