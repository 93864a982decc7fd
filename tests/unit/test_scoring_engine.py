"""The lead scoring engine: rule validation and single-record evaluation."""

from datetime import date, datetime

import pytest

from crm_marketing_app.engine import scoring
from crm_marketing_app.engine.errors import EngineError

NOW = datetime(2026, 6, 15, 12, 0)
FIELDS = {
	"country": "Link",
	"email_id": "Data",
	"job_title": "Data",
	"annual_revenue": "Currency",
	"no_of_employees": "Select",
	"unsubscribed": "Check",
	"birthday": "Date",
	"last_contact": "Datetime",
	"notes": "Text Editor",
	"marketing_score": "Int",
}
TYPES = ("Website Visit", "Downloaded")


def attr(field, operator, value=None, points=10, **kw):
	return scoring.parse_rule(
		name=f"{field} {operator}",
		rule_type="Attribute",
		points=points,
		field=field,
		operator=operator,
		value=value,
		fields=FIELDS,
		response_types=TYPES,
		**kw,
	)


def activity(response_type="Website Visit", points=3, **kw):
	return scoring.parse_rule(
		name=f"{response_type} rule",
		rule_type="Activity",
		points=points,
		response_type=response_type,
		fields=FIELDS,
		response_types=TYPES,
		**kw,
	)


def points_of(rule, record=None, responses=()):
	return scoring.evaluate_rule(rule, record or {}, list(responses), NOW).points


def test_seed_example_scores_57():
	rules = [
		attr("country", "=", "Ukraine", 8),
		attr("email_id", "is set", points=7),
		attr("job_title", "is set", points=8),
		attr("job_title", "like", "%president%", 15),
		activity("Website Visit", 3, per_occurrence=1, within_days=30),
		activity("Downloaded", 5, per_occurrence=1),
	]
	record = {"country": "Ukraine", "email_id": "vp@example.com", "job_title": "Vice President, Sales"}
	responses = [("Website Visit", datetime(2026, 6, d)) for d in (1, 10, 14)]
	responses += [
		("Website Visit", datetime(2026, 4, 1)),
		("Downloaded", "2025-01-01 10:00:00"),
		("Downloaded", date(2026, 6, 1)),
	]
	assert scoring.score(rules, record, responses, NOW) == 8 + 7 + 8 + 15 + 9 + 10


@pytest.mark.parametrize(
	("operator", "value", "field_value", "expected"),
	[
		("=", "kyiv", "Kyiv  ", True),  # case and trailing spaces are ignored
		("=", "kyiv", " Kyiv", False),
		("!=", "kyiv", None, True),
		("in", "Lviv, Kyiv", "KYIV", True),
		("not in", "Lviv, Kyiv", "Odesa", True),
		("like", "vice", "Senior Vice President", True),  # no % means "contains"
		("like", "v_ce%", "Vice President", True),
		("like", "%director", "Director of Sales", False),
		("not like", "%director%", "Director of Sales", False),
		("is set", None, "   ", False),
		("is not set", None, None, True),
	],
)
def test_text_operators(operator, value, field_value, expected):
	assert (points_of(attr("job_title", operator, value), {"job_title": field_value}) == 10) is expected


@pytest.mark.parametrize(
	("operator", "value", "field_value", "expected"),
	[
		(">", "1000", 1000.5, True),
		(">=", "1000", "1000", True),
		("<", "0", None, False),  # a missing number is 0
		("<=", "0", None, True),
		("in", "1, 2.5", 2.5, True),
		("not in", "1, 2.5", 3, True),
		("!=", "0", 0, False),
	],
)
def test_number_operators(operator, value, field_value, expected):
	assert (
		points_of(attr("annual_revenue", operator, value), {"annual_revenue": field_value}) == 10
	) is expected


@pytest.mark.parametrize(
	("field", "operator", "value", "field_value", "expected"),
	[
		("birthday", ">", "2000-01-01", "2000-01-02", True),
		("birthday", "=", "2000-01-01", None, False),
		("birthday", "!=", "2000-01-01", None, True),  # a missing date is unequal to any date
		("birthday", "is set", None, date(2000, 1, 1), True),
		("last_contact", ">=", "2026-06-01", "2026-06-01 00:00:00", True),
		("last_contact", "<", "2026-06-01 10:30", datetime(2026, 6, 1, 10, 29), True),
	],
)
def test_date_operators(field, operator, value, field_value, expected):
	assert (points_of(attr(field, operator, value), {field: field_value}) == 10) is expected


def test_activity_once_per_occurrence_window_and_cap():
	visits = [("Website Visit", datetime(2026, 6, d)) for d in (1, 5, 10, 12, 14)] + [("Downloaded", NOW)]
	assert points_of(activity(points=3), responses=visits) == 3
	assert points_of(activity(points=3, per_occurrence=1), responses=visits) == 15
	assert (
		points_of(activity(points=3, per_occurrence=1, within_days=7), responses=visits) == 9
	)  # 10th, 12th, 14th
	assert points_of(activity(points=3, per_occurrence=1, max_points=10), responses=visits) == 10
	assert points_of(activity(points=3, per_occurrence=1), responses=[]) == 0


def test_negative_points_and_their_cap():
	unsubscribed = attr("unsubscribed", "=", "1", points=-20)
	assert points_of(unsubscribed, {"unsubscribed": 1}) == -20
	visits = [("Downloaded", NOW)] * 4
	assert points_of(activity("Downloaded", -5, per_occurrence=1, max_points=12), responses=visits) == -12
	assert points_of(attr("unsubscribed", "=", "1", points=-20, max_points=5), {"unsubscribed": 1}) == -5


def test_window_boundary_is_inclusive():
	rule = activity(points=1, within_days=10)
	assert points_of(rule, responses=[("Website Visit", datetime(2026, 6, 5, 12, 0))]) == 1
	assert points_of(rule, responses=[("Website Visit", datetime(2026, 6, 5, 11, 59))]) == 0


def test_grade_thresholds():
	assert [scoring.grade(s, 50, 20) for s in (57, 50, 49, 20, 19, -3)] == [
		"Hot",
		"Hot",
		"Warm",
		"Warm",
		"Cold",
		"Cold",
	]


@pytest.mark.parametrize(
	("kwargs", "message"),
	[
		({"field": "nonexistent", "operator": "="}, "does not exist"),
		({"field": "notes", "operator": "="}, "cannot be scored"),
		({"field": "marketing_score", "operator": ">"}, "cannot be scored"),
		({"field": "annual_revenue", "operator": "like", "value": "1"}, "does not fit"),
		({"field": "job_title", "operator": ">", "value": "a"}, "does not fit"),
		({"field": "annual_revenue", "operator": ">", "value": "lots"}, "not valid"),
		({"field": "birthday", "operator": ">", "value": "31.12.2025"}, "not valid"),
		({"field": "job_title", "operator": "=", "value": ""}, "needs a value"),
		({"field": "job_title", "operator": "in", "value": " , "}, "comma-separated"),
		({"field": "job_title", "operator": "is set", "points": 0}, "cannot be zero"),
		({"field": "job_title", "operator": "is set", "max_points": -1}, "cannot be negative"),
	],
)
def test_bad_attribute_rules(kwargs, message):
	spec = {"points": 5, **kwargs}
	with pytest.raises(EngineError, match=message):
		scoring.parse_rule(name="bad", rule_type="Attribute", fields=FIELDS, response_types=TYPES, **spec)


@pytest.mark.parametrize(
	("kwargs", "message"),
	[
		({"within_days": -1}, "cannot be negative"),
		({"within_days": "soon"}, "whole number"),
		({"response_type": "Teleported"}, "not a Campaign Response type"),
		({"points": 2.5}, "whole number"),
	],
)
def test_bad_activity_rules(kwargs, message):
	spec = {"points": 5, "response_type": "Downloaded", **kwargs}
	with pytest.raises(EngineError, match=message):
		scoring.parse_rule(name="bad", rule_type="Activity", fields=FIELDS, response_types=TYPES, **spec)


@pytest.mark.parametrize(
	"text",
	[
		"Sales -- Kyiv",
		"please select from list",
		"x' OR '1'='1",
		"a; DROP TABLE tabLead",
		"Head of Updates and Selection",
	],
)
def test_any_text_is_a_value_and_a_rule_name(text):
	"""Values are query parameters: text that reads like SQL is ordinary text."""
	rule = scoring.parse_rule(
		name=text, rule_type="Attribute", points=1, field="job_title", operator="=", value=text,
		fields=FIELDS, response_types=TYPES,
	)  # fmt: skip
	assert (rule.name, rule.values) == (text, (text,))


def test_compiler_shares_one_count_per_type_and_window():
	rules = [
		activity(points=3, within_days=30),
		activity(points=1, within_days=30, per_occurrence=1, max_points=5),
		activity("Downloaded", points=5),
		attr("email_id", "is set", points=7, max_points=4),
	]
	plan = scoring.compile_rules(rules, NOW)
	assert [(c.response_type, c.since) for c in plan.activity_counts] == [
		("Website Visit", datetime(2026, 5, 16, 12, 0)),
		("Downloaded", None),
	]
	assert [t.count_alias for t in plan.activity_terms] == ["count_0", "count_0", "count_1"]
	assert plan.attribute_terms[0].points == 4  # the cap is applied at compile time
	assert plan.response_types == ["Downloaded", "Website Visit"]
