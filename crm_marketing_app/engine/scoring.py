"""Lead scoring: rule validation, single-record evaluation and set-based compilation.

Two back ends share one set of semantics and must give identical scores:
`evaluate` scores one record in Python (used on save), `compile_rules` turns all
enabled rules of a DocType into a `ScorePlan` the desk layer renders as one
set-based UPDATE (used for bulk rescoring).

Semantics, chosen so that MariaDB and Python agree:
- text fields: an empty value equals NULL; comparisons ignore case and trailing
  spaces (`=`, `!=`, `in`, `not in`, `is set`), `like` uses SQL wildcards (`%`, `_`;
  a value without `%` means "contains"), case-insensitive, trailing spaces kept;
- number fields (Int, Float, Currency, Percent, Check): a missing value is 0;
- date fields: a missing value matches only `!=` and `is not set`;
- activity rules count the person's Campaign Responses of one type dated on or
  after `now - within_days` (0 = ever), once or per occurrence, then cap.
"""

import operator
import re
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from crm_marketing_app.engine.errors import EngineError, _

TEXT, NUMBER, DATE, DATETIME = "text", "number", "date", "datetime"

KIND_OF_FIELDTYPE = {
	"Data": TEXT,
	"Select": TEXT,
	"Link": TEXT,
	"Dynamic Link": TEXT,
	"Phone": TEXT,
	"Int": NUMBER,
	"Float": NUMBER,
	"Currency": NUMBER,
	"Percent": NUMBER,
	"Check": NUMBER,
	"Date": DATE,
	"Datetime": DATETIME,
}

OPERATORS = ("=", "!=", ">", ">=", "<", "<=", "in", "not in", "like", "not like", "is set", "is not set")
OPERATORS_OF_KIND = {
	TEXT: ("=", "!=", "in", "not in", "like", "not like", "is set", "is not set"),
	NUMBER: ("=", "!=", ">", ">=", "<", "<=", "in", "not in"),
	DATE: ("=", "!=", ">", ">=", "<", "<=", "is set", "is not set"),
	DATETIME: ("=", "!=", ">", ">=", "<", "<=", "is set", "is not set"),
}
NEGATIONS = {"!=": "=", "not in": "in", "not like": "like", "is not set": "is set"}
# Shared by the Python and SQL back ends (pypika terms overload the same operators).
ORDERINGS = {">": operator.gt, ">=": operator.ge, "<": operator.lt, "<=": operator.le}

# The score itself cannot feed the score.
SCORE_FIELDS = frozenset({"marketing_score", "score_grade", "score_updated_on"})

ATTRIBUTE, ACTIVITY = "Attribute", "Activity"


@dataclass(frozen=True)
class Rule:
	"""A validated rule; `values` holds the parsed operand(s) of an attribute rule."""

	name: str
	rule_type: str
	points: int
	max_points: int = 0
	per_occurrence: bool = False
	field: str | None = None
	kind: str | None = None
	operator: str | None = None
	values: tuple = ()
	response_type: str | None = None
	within_days: int = 0


@dataclass(frozen=True)
class RuleResult:
	rule: Rule
	points: int
	matched: bool
	count: int | None = None  # activity rules: the responses counted
	capped: bool = False


def _int(template: str, value) -> int:
	if value in (None, ""):
		return 0
	try:
		number = float(value)
		if number != int(number):
			raise ValueError
	except (TypeError, ValueError, OverflowError):
		raise EngineError(template, value) from None
	return int(number)


def _parse_operand(kind: str, text: str, fieldname: str):
	try:
		if kind == NUMBER:
			number = float(text)
			if number != number or number in (float("inf"), float("-inf")):
				raise ValueError
			return number
		if kind == DATE:
			return date.fromisoformat(text)
		if kind == DATETIME:
			return (
				datetime.fromisoformat(text)
				if len(text) > 10
				else datetime.combine(date.fromisoformat(text), datetime.min.time())
			)
	except ValueError:
		raise EngineError(_("Value {0} is not valid for field {1}"), text, fieldname) from None
	return text


def parse_rule(
	*,
	name: str,
	rule_type: str,
	points,
	fields: Mapping[str, str],
	response_types: Collection[str],
	max_points=0,
	per_occurrence=False,
	field: str | None = None,
	operator: str | None = None,
	value: str | None = None,
	response_type: str | None = None,
	within_days=0,
) -> Rule:
	"""Validates a rule as entered; `fields` maps the DocType's fieldnames to their fieldtypes."""
	points = _int(_("Points must be a whole number, not {0}"), points)
	if points == 0:
		raise EngineError(_("Points cannot be zero"))
	max_points = _int(_("Max Points must be a whole number, not {0}"), max_points)
	if max_points < 0:
		raise EngineError(_("Max Points cannot be negative ({0})"), max_points)
	if rule_type == ACTIVITY:
		within_days = _int(_("Within Days must be a whole number, not {0}"), within_days)
		if within_days < 0:
			raise EngineError(_("Within Days cannot be negative ({0})"), within_days)
		if response_type not in response_types:
			raise EngineError(_("Response Type {0} is not a Campaign Response type"), response_type or "")
		return Rule(
			name,
			ACTIVITY,
			points,
			max_points,
			bool(per_occurrence),
			response_type=response_type,
			within_days=within_days,
		)
	if rule_type != ATTRIBUTE:
		raise EngineError(_("Rule Type must be Attribute or Activity, not {0}"), rule_type or "")

	if not field or field not in fields:
		raise EngineError(_("Field {0} does not exist"), field or "")
	kind = KIND_OF_FIELDTYPE.get(fields[field])
	if kind is None or field in SCORE_FIELDS:
		raise EngineError(_("Field {0} ({1}) cannot be scored"), field, fields[field])
	if operator not in OPERATORS_OF_KIND[kind]:
		raise EngineError(
			_("Operator {0} does not fit field {1} ({2})"), operator or "", field, fields[field]
		)
	value = (value or "").strip()
	if operator in ("is set", "is not set"):
		values = ()
	elif operator in ("in", "not in"):
		items = [item.strip() for item in re.split(r"[,\n]", value) if item.strip()]
		if not items:
			raise EngineError(_("Operator {0} needs a comma-separated list of values"), operator)
		values = tuple(_parse_operand(kind, item, field) for item in items)
	elif not value:
		raise EngineError(_("Operator {0} needs a value (use “is not set” for empty fields)"), operator)
	elif operator in ("like", "not like"):
		values = (value if "%" in value else f"%{value}%",)
	else:
		values = (_parse_operand(kind, value, field),)
	return Rule(name, ATTRIBUTE, points, max_points, field=field, kind=kind, operator=operator, values=values)


def cap(points: int, max_points: int) -> int:
	return max(-max_points, min(max_points, points)) if max_points else points


GRADES = ("Hot", "Warm", "Cold")  # hottest first, as charts show them


def grade(score: int, hot_threshold: int, warm_threshold: int) -> str:
	if score >= hot_threshold:
		return "Hot"
	if score >= warm_threshold:
		return "Warm"
	return "Cold"


def window_start(rule: Rule, now: datetime) -> datetime | None:
	return now - timedelta(days=rule.within_days) if rule.within_days else None


# --- Python back end ---------------------------------------------------------


def _as_datetime(value) -> datetime | None:
	if value in (None, ""):
		return None
	if isinstance(value, datetime):
		return value
	if isinstance(value, date):
		return datetime.combine(value, datetime.min.time())
	return datetime.fromisoformat(str(value))


def _record_value(kind: str, value):
	"""The stored form of a field value, as a document in memory or a database row holds it."""
	if kind == TEXT:
		return "" if value is None else str(value)
	if kind == NUMBER:
		return float(value or 0)
	if kind == DATE:
		moment = _as_datetime(value)
		return moment.date() if moment else None
	return _as_datetime(value)


def _like_regex(pattern: str) -> re.Pattern:
	out, chars = [], iter(pattern)
	for char in chars:
		if char == "\\":
			out.append(re.escape(next(chars, "\\")))
		elif char == "%":
			out.append(".*")
		elif char == "_":
			out.append(".")
		else:
			out.append(re.escape(char))
	return re.compile("".join(out), re.DOTALL)


def _text_key(text: str) -> str:
	"""Equality key of the database's comparison: case-insensitive, trailing spaces ignored."""
	return text.rstrip(" ").lower()


def _holds(rule: Rule, value) -> bool:
	operator = NEGATIONS.get(rule.operator, rule.operator)
	result = _positive_holds(rule.kind, operator, rule.values, value)
	return not result if operator != rule.operator else result


def _positive_holds(kind: str, operator: str, values: tuple, value) -> bool:
	if kind == TEXT:
		if operator == "is set":
			return _text_key(value) != ""
		if operator == "like":
			return bool(_like_regex(values[0].lower()).fullmatch(value.lower()))
		return _text_key(value) in {_text_key(v) for v in values}
	if operator == "is set":
		return value is not None
	if value is None:
		return False
	if operator in ("=", "in"):
		return value in values
	return ORDERINGS[operator](value, values[0])


def _count(rule: Rule, responses: Iterable[tuple[str, object]], now: datetime) -> int:
	since = window_start(rule, now)
	return sum(
		1
		for response_type, response_date in responses
		if response_type == rule.response_type and (since is None or _as_datetime(response_date) >= since)
	)


def evaluate_rule(
	rule: Rule, record: Mapping, responses: list[tuple[str, object]], now: datetime
) -> RuleResult:
	if rule.rule_type == ATTRIBUTE:
		matched = _holds(rule, _record_value(rule.kind, record.get(rule.field)))
		points = cap(rule.points, rule.max_points) if matched else 0
		return RuleResult(rule, points, matched, capped=matched and points != rule.points)
	count = _count(rule, responses, now)
	raw = (rule.points * count if rule.per_occurrence else rule.points) if count else 0
	points = cap(raw, rule.max_points)
	return RuleResult(rule, points, count > 0, count=count, capped=points != raw)


def evaluate(
	rules: Iterable[Rule], record: Mapping, responses: Iterable[tuple[str, object]], now: datetime
) -> list[RuleResult]:
	"""Each rule's result for one record; `responses` are its (response_type, response_date)."""
	responses = list(responses)
	return [evaluate_rule(rule, record, responses, now) for rule in rules]


def score(
	rules: Iterable[Rule], record: Mapping, responses: Iterable[tuple[str, object]], now: datetime
) -> int:
	return sum(result.points for result in evaluate(rules, record, responses, now))


# --- Set-based back end: an intermediate representation for one UPDATE ------


@dataclass(frozen=True)
class ActivityCount:
	"""Per person, the number of Campaign Responses of a type since a moment (None = ever)."""

	alias: str
	response_type: str
	since: datetime | None


@dataclass(frozen=True)
class AttributeTerm:
	"""`points` when `field operator values` holds (points already capped)."""

	field: str
	kind: str
	operator: str
	values: tuple
	points: int


@dataclass(frozen=True)
class ActivityTerm:
	"""Points from an activity count: `points` once or per occurrence, clamped to ±max_points."""

	count_alias: str
	points: int
	per_occurrence: bool
	max_points: int


@dataclass(frozen=True)
class ScorePlan:
	attribute_terms: tuple[AttributeTerm, ...]
	activity_counts: tuple[ActivityCount, ...]
	activity_terms: tuple[ActivityTerm, ...]

	@property
	def response_types(self) -> list[str]:
		return sorted({count.response_type for count in self.activity_counts})


def compile_rules(rules: Iterable[Rule], now: datetime) -> ScorePlan:
	attribute_terms, activity_terms, counts = [], [], {}
	for rule in rules:
		if rule.rule_type == ATTRIBUTE:
			attribute_terms.append(
				AttributeTerm(
					rule.field, rule.kind, rule.operator, rule.values, cap(rule.points, rule.max_points)
				)
			)
			continue
		key = (rule.response_type, window_start(rule, now))
		if key not in counts:
			counts[key] = ActivityCount(f"count_{len(counts)}", *key)
		activity_terms.append(
			ActivityTerm(counts[key].alias, rule.points, rule.per_occurrence, rule.max_points)
		)
	return ScorePlan(tuple(attribute_terms), tuple(counts.values()), tuple(activity_terms))
