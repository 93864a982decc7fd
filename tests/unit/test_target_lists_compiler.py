"""The condition compiler of Target Lists (engine.target_lists), without a site."""

import datetime
from decimal import Decimal

import pytest

from crm_marketing_app.engine.errors import EngineError
from crm_marketing_app.engine.target_lists import (
	ACTIVITY_STATUSES,
	BUYING_NOW_DAYS,
	CHECK,
	DATE,
	DERIVED,
	DERIVED_LABELS,
	FLOAT,
	INT,
	SELECT,
	TEXT,
	All,
	Any_,
	Compare,
	Context,
	Enquired,
	Field,
	Not,
	OrderedLine,
	compile_conditions,
)

TODAY = datetime.date(2026, 6, 1)
FIELDS = {
	"territory": Field(TEXT),
	"status": Field(SELECT, ("Lead", "Open", "Converted")),
	"annual_revenue": Field(FLOAT),
	"qualified_on": Field(DATE),
	"unsubscribed": Field(CHECK),
	"no_of_visits": Field(INT),
}


def compile_(*rows):
	return compile_conditions(rows, FIELDS, Context(TODAY))


def test_fields_become_typed_comparisons():
	tree = compile_(
		("territory", "=", "Ukraine"),
		("annual_revenue", ">=", "1000.50"),
		("qualified_on", "<", "2026-01-31"),
		("unsubscribed", "=", "0"),
		("no_of_visits", "in", "1, 2,3"),
		("status", "not in", "Open,Converted"),
	)
	assert tree == All(
		(
			Compare("field", "territory", "=", "Ukraine"),
			Compare("field", "annual_revenue", ">=", Decimal("1000.50")),
			Compare("field", "qualified_on", "<", datetime.date(2026, 1, 31)),
			Compare("field", "unsubscribed", "=", 0),
			Compare("field", "no_of_visits", "in", (1, 2, 3)),
			Compare("field", "status", "not in", ("Open", "Converted")),
		)
	)


def test_like_without_wildcard_matches_inside_and_is_set_takes_no_value():
	tree = compile_(
		("territory", "like", "kyiv"), ("territory", "is set", "ignored"), ("qualified_on", "is not set", "")
	)
	assert tree.terms == (
		Compare("field", "territory", "like", "%kyiv%"),
		Compare("field", "territory", "is set", None),
		Compare("field", "qualified_on", "is not set", None),
	)
	assert compile_(("territory", "not like", "Ky%")).terms == (
		Compare("field", "territory", "not like", "Ky%"),
	)


def test_line_measures_combine_into_one_line():
	tree = compile_(
		("ordered_item_group", "=", "Refrigeration"),
		("ordered_after", "=", "2025-03-01"),
		("ordered_item", "in", "FR-1,FR-2"),
	)
	assert tree == All(
		(
			OrderedLine(
				(
					Compare("line", "item_group", "=", "Refrigeration"),
					Compare("line", "posting_date", ">=", datetime.date(2025, 3, 1)),
					Compare("line", "item_code", "in", ("FR-1", "FR-2")),
				)
			),
		)
	)
	assert compile_(("ordered_before", "=", "2025-03-01")).terms[0].terms == (
		Compare("line", "posting_date", "<", datetime.date(2025, 3, 1)),
	)


def test_aggregate_measures():
	tree = compile_(
		("order_count", ">", "2"), ("total_ordered", "<=", "99.9"), ("last_order_date", "is not set", None)
	)
	assert tree.terms == (
		Compare("measure", "order_count", ">", 2),
		Compare("measure", "total_ordered", "<=", Decimal("99.9")),
		Compare("measure", "last_order_date", "is not set", None),
	)


def test_activity_status_expands_over_last_order_and_enquiries():
	cutoff = TODAY - datetime.timedelta(days=BUYING_NOW_DAYS)
	never = Compare("measure", "last_order_date", "is not set")
	assert compile_(("activity_status", "=", "Buying now")).terms == (
		Compare("measure", "last_order_date", ">=", cutoff),
	)
	assert compile_(("activity_status", "=", "Lapsed")).terms == (
		Compare("measure", "last_order_date", "<", cutoff),
	)
	assert compile_(("activity_status", "!=", "Prospect")).terms == (Not(All((never, Not(Enquired())))),)
	# the option "Enquired, never bought" holds a comma and stays whole in a list
	tree = compile_(("activity_status", "in", "Prospect, Enquired, never bought"))
	assert tree.terms == (Any_((All((never, Not(Enquired()))), All((never, Enquired())))),)
	assert set(ACTIVITY_STATUSES) == {"Buying now", "Lapsed", "Enquired, never bought", "Prospect"}


def test_every_derived_measure_has_its_label():
	# the picker, the conditions grid and the rule sentence all name a measure by this label
	assert set(DERIVED_LABELS) == set(DERIVED)


def test_no_conditions_is_an_empty_all():
	assert compile_() == All(())


@pytest.mark.parametrize(
	"row, message",
	[
		(("no_such_field", "=", "1"), "Row 1: unknown field no_such_field"),
		(("name`; DROP TABLE tabLead; --", "=", "1"), "Row 1: unknown field name`; DROP TABLE tabLead; --"),
		(("territory", "= 1 OR 1=1 --", "x"), "Row 1: unknown operator = 1 or 1=1 --"),
		(("territory", ">", "x"), "Row 1: operator > does not fit field territory"),
		(("unsubscribed", "like", "1"), "Row 1: operator like does not fit field unsubscribed"),
		(("ordered_after", ">", "2025-01-01"), "Row 1: operator > does not fit field ordered_after"),
		(("activity_status", "like", "Lap"), "Row 1: operator like does not fit field activity_status"),
		(("qualified_on", "=", "yesterday"), "Row 1: yesterday is not a valid value for qualified_on"),
		(("ordered_before", "=", "2025-13-01"), "Row 1: 2025-13-01 is not a valid value for ordered_before"),
		(
			("annual_revenue", ">", "1; DELETE FROM tabLead"),
			"Row 1: 1; DELETE FROM tabLead is not a valid value for annual_revenue",
		),
		(("order_count", "=", "two"), "Row 1: two is not a valid value for order_count"),
		(("unsubscribed", "=", "maybe"), "Row 1: maybe is not a valid value for unsubscribed"),
		(("status", "=", "Hot"), "Row 1: Hot is not one of the options of status: Lead, Open, Converted"),
		(
			("activity_status", "=", "Sleeping"),
			"Row 1: Sleeping is not one of the options of activity_status",
		),
		(("territory", "in", " , "), "Row 1: give at least one value for territory"),
		(("territory", "like", ""), "Row 1: give a value for territory"),
	],
)
def test_bad_input_is_an_engine_error(row, message):
	with pytest.raises(EngineError) as raised:
		compile_(("territory", "=", "ok"), row)
	assert str(raised.value).replace("Row 2", "Row 1").startswith(message)


def test_error_keeps_template_and_params_for_translation():
	with pytest.raises(EngineError) as raised:
		compile_(("qualified_on", ">", "31.12.2025"))
	assert raised.value.template == "Row {0}: {1} is not a valid value for {2}"
	assert raised.value.params == (1, "31.12.2025", "qualified_on")
