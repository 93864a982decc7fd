"""Compiles the conditions of a dynamic Target List into a small predicate tree.

Pure: the caller passes the fields of the member DocType as a map
{fieldname: Field(kind, options)}; the result is an `All` of terms that the desk
layer (crm_marketing_app.target_lists.query) turns into frappe.qb criteria.
Every field is checked against that map, every operator against the field's
kind, every value parsed into a Python value (later a query parameter), so
nothing a user types reaches SQL as text.

Terms:
- `Compare(source, name, op, value)`: source "field" (a column of the member),
  "measure" (an aggregate of the member's sales history) or "line" (a column of
  one sales line: item_code, item_group, posting_date).
- `OrderedLine(terms)`: the member has one sales line matching all `terms`
  (docs/architecture.md, "Sales history": ordered_item / ordered_item_group with ordered_before /
  ordered_after mean one line).
- `Enquired()`: the member has an Opportunity or Quotation.
- `Responded(response_type, campaign, campaign_activity, since)`: the member has a
  Campaign Response of that type (for that campaign / activity, dated on or after
  `since`, each when given).
- `OnList(name)`: the member is an Active member of another Target List.
- `All`, `Any_`, `Not`: boolean combinations (activity_status expands to them).
"""

import datetime
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from crm_marketing_app.engine import relative_dates
from crm_marketing_app.engine.errors import EngineError, _

TEXT, INT, FLOAT, DATE, DATETIME, CHECK, SELECT = (
	"text",
	"int",
	"float",
	"date",
	"datetime",
	"check",
	"select",
)

OPERATORS = ("=", "!=", ">", ">=", "<", "<=", "in", "not in", "like", "not like", "is set", "is not set")
_ORDERING = ("=", "!=", ">", ">=", "<", "<=", "in", "not in", "is set", "is not set")
OPERATORS_BY_KIND = {
	TEXT: ("=", "!=", "in", "not in", "like", "not like", "is set", "is not set"),
	SELECT: ("=", "!=", "in", "not in", "is set", "is not set"),
	INT: _ORDERING,
	FLOAT: _ORDERING,
	DATE: _ORDERING,
	DATETIME: _ORDERING,
	CHECK: ("=", "!="),
}

BUYING_NOW, LAPSED, ENQUIRED, PROSPECT = "Buying now", "Lapsed", "Enquired, never bought", "Prospect"
ACTIVITY_STATUSES = (BUYING_NOW, LAPSED, ENQUIRED, PROSPECT)
# A customer who ordered within this many days is "Buying now", before that "Lapsed".
BUYING_NOW_DAYS = 365


@dataclass(frozen=True)
class Field:
	kind: str
	options: tuple[str, ...] = ()


@dataclass(frozen=True)
class Compare:
	source: str
	name: str
	op: str
	value: object = None


@dataclass(frozen=True)
class OrderedLine:
	terms: tuple[Compare, ...]


@dataclass(frozen=True)
class Enquired:
	pass


@dataclass(frozen=True)
class Responded:
	response_type: str
	campaign: str | None = None
	campaign_activity: str | None = None
	since: datetime.date | None = None


@dataclass(frozen=True)
class OnList:
	name: str


@dataclass(frozen=True)
class All:
	terms: tuple


@dataclass(frozen=True)
class Any_:
	terms: tuple


@dataclass(frozen=True)
class Not:
	term: object


# Derived measures (docs/architecture.md, "Contract names"): aggregates of the sales history ...
MEASURES = {
	"last_order_date": Field(DATE),
	"first_order_date": Field(DATE),
	"order_count": Field(INT),
	"total_ordered": Field(FLOAT),
}
# ... conditions on one sales line: measure -> (line column, kind, allowed operators) ...
LINE_MEASURES = {
	"ordered_item": ("item_code", TEXT, ("=", "!=", "in", "not in", "like", "not like")),
	"ordered_item_group": ("item_group", TEXT, ("=", "!=", "in", "not in", "like", "not like")),
	# "bought before D" is a line dated before D; "after D" one dated on D or later,
	# so the two split the buyers of an item exactly at D.
	"ordered_before": ("posting_date", DATE, ("=",)),
	"ordered_after": ("posting_date", DATE, ("=",)),
}
_LINE_DATE_OP = {"ordered_before": "<", "ordered_after": ">="}
ACTIVITY_STATUS = "activity_status"
ACTIVITY_STATUS_OPERATORS = ("=", "!=", "in", "not in")
# ... and conditions on a person's responses and on other lists (operator "=").
HAS_RESPONSE, HAS_NO_RESPONSE, IN_LIST, NOT_IN_LIST = (
	"has_response",
	"has_no_response",
	"in_list",
	"not_in_list",
)
RESPONSE_CONDITIONS = (HAS_RESPONSE, HAS_NO_RESPONSE)
LIST_CONDITIONS = (IN_LIST, NOT_IN_LIST)
DERIVED = (*MEASURES, *LINE_MEASURES, ACTIVITY_STATUS, *RESPONSE_CONDITIONS, *LIST_CONDITIONS)
# Their labels, the one list the condition picker, the grid and the rule sentence name them by.
DERIVED_LABELS = {
	"last_order_date": _("Last Order Date"),
	"first_order_date": _("First Order Date"),
	"order_count": _("Number of Orders"),
	"total_ordered": _("Total Ordered"),
	"ordered_item": _("Ordered Item"),
	"ordered_item_group": _("Ordered Item Group"),
	"ordered_before": _("Ordered Before"),
	"ordered_after": _("Ordered On or After"),
	ACTIVITY_STATUS: _("Activity Status"),
	HAS_RESPONSE: _("Has Response"),
	HAS_NO_RESPONSE: _("Has No Response"),
	IN_LIST: _("In List"),
	NOT_IN_LIST: _("Not In List"),
}


@dataclass(frozen=True)
class Condition:
	"""One row of a list's conditions, as entered (DESIGN.md "Target lists")."""

	field: str
	operator: str
	value: object = None
	group: object = None
	campaign: str | None = None
	campaign_activity: str | None = None
	within_days: object = None


@dataclass(frozen=True)
class Context:
	"""What compiling needs besides the fields: the day, the response types, the other lists
	(name -> member type) and the activity_status windows of CRM Marketing Settings."""

	today: datetime.date
	response_types: tuple[str, ...] = ()
	lists: Mapping[str, str] = field(default_factory=dict)
	list_name: str | None = None
	member_doctype: str | None = None
	buying_now_days: int = BUYING_NOW_DAYS
	lapsed_after_days: int = 0  # 0: lapsed as soon as no longer buying now


def as_condition(row) -> Condition:
	return row if isinstance(row, Condition) else Condition(*row)


def groups_of(rows) -> dict[int, list[tuple[int, Condition]]]:
	"""{group: [(row number, condition)]}; a gap in the numbering is an error, so a group
	the marketer meant to fill is not silently dropped from the OR."""
	groups: dict[int, list] = {}
	for number, row in enumerate(map(as_condition, rows), start=1):
		groups.setdefault(_group_number(number, row.group), []).append((number, row))
	for expected in range(1, max(groups, default=0) + 1):
		if expected not in groups:
			raise EngineError(
				_("Group {0} has no conditions: number the groups 1, 2, 3 without gaps"), expected
			)
	return dict(sorted(groups.items()))


def _group_number(row, raw) -> int:
	if raw in (None, "", 0, "0"):
		return 1
	try:
		number = int(str(raw).strip())
	except ValueError:
		number = 0
	if number < 1:
		raise EngineError(_("Row {0}: group must be a whole number of 1 or more, not {1}"), row, raw)
	return number


def compile_conditions(conditions, fields: dict[str, Field], context: Context):
	"""`conditions`: Condition rows (or (field, operator, value) tuples). Within a group all
	must hold; with several groups, any group. One group compiles to an `All`."""
	groups = [_compile_group(rows, fields, context) for rows in groups_of(conditions).values()]
	if len(groups) <= 1:
		return groups[0] if groups else All(())
	return Any_(tuple(groups))


def _compile_group(rows, fields: dict[str, Field], context: Context) -> All:
	terms, line_terms = [], []
	for row, condition in rows:
		fieldname, op = (condition.field or "").strip(), (condition.operator or "").strip().lower()
		raw = condition.value
		if op not in OPERATORS:
			raise EngineError(_("Row {0}: unknown operator {1}"), row, op)
		if fieldname in RESPONSE_CONDITIONS or fieldname in LIST_CONDITIONS:
			_check_operator(row, fieldname, op, ("=",))
			build = _response_term if fieldname in RESPONSE_CONDITIONS else _list_term
			terms.append(build(row, fieldname, condition, context))
			continue
		_check_no_narrowing(row, fieldname, condition)
		if fieldname in LINE_MEASURES:
			column, kind, allowed = LINE_MEASURES[fieldname]
			_check_operator(row, fieldname, op, allowed)
			value = _parse(row, fieldname, Field(kind), op, raw, context.today)
			line_op = _LINE_DATE_OP.get(fieldname, op)
			line_terms.append(Compare("line", column, line_op, value))
		elif fieldname == ACTIVITY_STATUS:
			spec = Field(SELECT, ACTIVITY_STATUSES)
			_check_operator(row, fieldname, op, ACTIVITY_STATUS_OPERATORS)
			value = _parse(row, fieldname, spec, op, raw, context.today)
			terms.append(_activity_status(op, value, context))
		elif fieldname in MEASURES:
			spec = MEASURES[fieldname]
			_check_operator(row, fieldname, op, OPERATORS_BY_KIND[spec.kind])
			value = _parse(row, fieldname, spec, op, raw, context.today)
			terms.append(Compare("measure", fieldname, op, value))
		elif fieldname in fields:
			spec = fields[fieldname]
			_check_operator(row, fieldname, op, OPERATORS_BY_KIND[spec.kind])
			value = _parse(row, fieldname, spec, op, raw, context.today)
			terms.append(Compare("field", fieldname, op, value))
		else:
			raise EngineError(_("Row {0}: unknown field {1}"), row, fieldname)
	if line_terms:
		terms.append(OrderedLine(tuple(line_terms)))
	return All(tuple(terms))


def _check_no_narrowing(row, fieldname, condition: Condition) -> None:
	if condition.campaign or condition.campaign_activity or condition.within_days not in (None, "", 0, "0"):
		raise EngineError(
			_("Row {0}: Campaign, Campaign Activity and Within Days apply only to {1}, not to {2}"),
			row,
			" / ".join(RESPONSE_CONDITIONS),
			fieldname,
		)


def _response_term(row, fieldname, condition: Condition, context: Context):
	response_type = (condition.value or "").strip()
	if response_type not in context.response_types:
		raise EngineError(
			_("Row {0}: {1} is not a Campaign Response type; use one of {2}"),
			row,
			response_type,
			", ".join(context.response_types),
		)
	days = _within_days(row, condition.within_days)
	term = Responded(
		response_type,
		(condition.campaign or "").strip() or None,
		(condition.campaign_activity or "").strip() or None,
		context.today - datetime.timedelta(days=days) if days else None,
	)
	return term if fieldname == HAS_RESPONSE else Not(term)


def _within_days(row, raw) -> int:
	if raw in (None, ""):
		return 0
	try:
		days = int(str(raw).strip())
	except ValueError:
		days = -1
	if days < 0:
		raise EngineError(_("Row {0}: Within Days must be a whole number of 0 or more, not {1}"), row, raw)
	return days


def _list_term(row, fieldname, condition: Condition, context: Context):
	other = (condition.value or "").strip()
	if other not in context.lists:
		raise EngineError(_("Row {0}: Target List {1} does not exist"), row, other)
	if other == context.list_name:
		raise EngineError(_("Row {0}: a list cannot be a condition of itself"), row)
	if context.member_doctype and context.lists[other] != context.member_doctype:
		raise EngineError(
			_("Row {0}: Target List {1} holds {2} records, not {3}"),
			row,
			other,
			context.lists[other],
			context.member_doctype,
		)
	return OnList(other) if fieldname == IN_LIST else Not(OnList(other))


def list_dependencies(conditions) -> set[str]:
	"""Names of the Target Lists that `in_list` / `not_in_list` conditions refer to."""
	return {
		(c.value or "").strip()
		for c in map(as_condition, conditions)
		if (c.field or "").strip() in LIST_CONDITIONS and (c.value or "").strip()
	}


def refresh_order(dependencies: Mapping[str, Collection[str]], names: Collection[str]) -> list[str]:
	"""`names` and every list they depend on, each after the lists it depends on.

	`dependencies`: list -> lists its conditions refer to. A cycle is an EngineError
	that names the path, for the list that would close it."""
	order, done, path = [], set(), []

	def visit(name):
		if name in done:
			return
		if name in path:
			cycle = [*path[path.index(name) :], name]
			raise EngineError(_("Target List {0} would depend on itself: {1}"), name, " → ".join(cycle))
		path.append(name)
		for other in sorted(dependencies.get(name, ())):
			visit(other)
		path.pop()
		done.add(name)
		order.append(name)

	for name in sorted(names):
		visit(name)
	return order


def _check_operator(row, fieldname, op, allowed):
	if op not in allowed:
		raise EngineError(_("Row {0}: operator {1} does not fit field {2}"), row, op, fieldname)


def _parse(row, fieldname, spec: Field, op, raw, today: datetime.date):
	if op in ("is set", "is not set"):
		return None
	text = "" if raw is None else str(raw).strip()
	if op in ("in", "not in"):
		items = _split_values(text, spec)
		if not items:
			raise EngineError(_("Row {0}: give at least one value for {1}"), row, fieldname)
		return tuple(_parse_one(row, fieldname, spec, t, today) for t in items)
	if op in ("like", "not like"):
		if not text:
			raise EngineError(_("Row {0}: give a value for {1}"), row, fieldname)
		return text if "%" in text or "_" in text else f"%{text}%"
	return _parse_one(row, fieldname, spec, text, today)


def _split_values(text: str, spec: Field) -> list[str]:
	"""Comma separated values; a Select option that itself holds a comma stays whole."""
	items, pending = [], ""
	for token in (t.strip() for t in text.split(",")):
		if not token:
			continue
		if spec.options:
			pending = f"{pending}, {token}" if pending else token
			if pending in spec.options:
				items.append(pending)
				pending = ""
		else:
			items.append(token)
	return [*items, pending] if pending else items


# Largest power of ten a number value may have (also the smallest negative one).
MAX_EXPONENT = 30


def _parse_one(row, fieldname, spec: Field, text: str, today: datetime.date):
	try:
		if spec.kind == INT:
			return int(text)
		if spec.kind == FLOAT:
			number = Decimal(text)
			# NaN, Infinity and 1e999999 would reach SQL as bare words or overflow it
			if not number.is_finite() or abs(number.adjusted()) > MAX_EXPONENT:
				raise ValueError(text)
			return number
		if spec.kind == DATE:
			return relative_dates.parse_date(text, today)
		if spec.kind == DATETIME:
			if relative_dates.looks_relative(text):
				return datetime.datetime.combine(relative_dates.resolve(text, today), datetime.time())
			return datetime.datetime.fromisoformat(text)
		if spec.kind == CHECK:
			return {"1": 1, "0": 0, "yes": 1, "no": 0, "true": 1, "false": 0}[text.lower()]
	except EngineError:
		raise EngineError(
			_("Row {0}: {1} is not a relative date: write today, today-14d, today-2w, today-3m or today+1y"),
			row,
			text,
		) from None
	except (ValueError, InvalidOperation, KeyError):
		raise EngineError(_("Row {0}: {1} is not a valid value for {2}"), row, text, fieldname) from None
	if spec.kind == SELECT and spec.options and text not in spec.options:
		raise EngineError(
			_("Row {0}: {1} is not one of the options of {2}: {3}"),
			row,
			text,
			fieldname,
			", ".join(spec.options),
		)
	return text


def activity_status_terms(context: Context) -> dict:
	"""Each activity status as a predicate over last_order_date and enquiries. With
	lapsed_after_days longer than buying_now_days, customers in between are neither."""
	today = context.today
	buying_since = today - datetime.timedelta(days=context.buying_now_days)
	lapsed_before = today - datetime.timedelta(days=max(context.lapsed_after_days, context.buying_now_days))
	never = Compare("measure", "last_order_date", "is not set")
	return {
		BUYING_NOW: Compare("measure", "last_order_date", ">=", buying_since),
		LAPSED: Compare("measure", "last_order_date", "<", lapsed_before),
		ENQUIRED: All((never, Enquired())),
		PROSPECT: All((never, Not(Enquired()))),
	}


def _activity_status(op, value, context: Context):
	by_status = activity_status_terms(context)
	chosen = Any_(tuple(by_status[v] for v in value)) if op in ("in", "not in") else by_status[value]
	return Not(chosen) if op in ("!=", "not in") else chosen


_PHRASES = {
	"=": _("{0} is {1}"),
	"!=": _("{0} is not {1}"),
	">": _("{0} is more than {1}"),
	">=": _("{0} is at least {1}"),
	"<": _("{0} is less than {1}"),
	"<=": _("{0} is at most {1}"),
	"in": _("{0} is one of {1}"),
	"not in": _("{0} is none of {1}"),
	"like": _("{0} contains {1}"),
	"not like": _("{0} does not contain {1}"),
	"is set": _("{0} is set"),
	"is not set": _("{0} is not set"),
}
_SPECIAL_PHRASES = {
	HAS_RESPONSE: _("has a {0} response"),
	HAS_NO_RESPONSE: _("has no {0} response"),
	IN_LIST: _("is on list {0}"),
	NOT_IN_LIST: _("is not on list {0}"),
	"ordered_before": _("bought it before {0}"),
	"ordered_after": _("bought it on or after {0}"),
}


def describe(conditions, fields: dict[str, Field], context: Context, label=str, translate=str) -> str:
	"""The rule as one readable sentence, e.g. "(City is Kyiv and Number of Orders is more than 2)
	or (City is Lviv)"; relative dates show the day they mean today. `label` names a field,
	`translate` translates a template (both identity in English). Call it on valid rows."""

	def phrase(condition: Condition) -> str:
		fieldname, op = condition.field.strip(), condition.operator.strip().lower()
		value = "" if condition.value is None else str(condition.value).strip()
		if _is_date(fieldname, fields) and relative_dates.looks_relative(value):
			value = f"{value} ({relative_dates.resolve(value, context.today).isoformat()})"
		if fieldname in RESPONSE_CONDITIONS:
			text = translate(_SPECIAL_PHRASES[fieldname]).format(translate(value))
			if condition.campaign:
				text += " " + translate(_("for campaign {0}")).format(condition.campaign)
			if condition.campaign_activity:
				text += " " + translate(_("for activity {0}")).format(condition.campaign_activity)
			if _within_days(0, condition.within_days):
				text += " " + translate(_("in the last {0} days")).format(condition.within_days)
			return text
		if fieldname in _SPECIAL_PHRASES:
			return translate(_SPECIAL_PHRASES[fieldname]).format(value)
		if op in ("in", "not in", "=", "!=") and fieldname == ACTIVITY_STATUS:
			value = ", ".join(
				translate(v.strip()) for v in _split_values(value, Field(SELECT, ACTIVITY_STATUSES))
			)
		return translate(_PHRASES[op]).format(label(fieldname), value)

	and_, or_ = f" {translate(_('and'))} ", f" {translate(_('or'))} "
	groups = [
		and_.join(phrase(condition) for _row, condition in rows) for rows in groups_of(conditions).values()
	]
	return groups[0] if len(groups) == 1 else or_.join(f"({group})" for group in groups)


def _is_date(fieldname: str, fields: dict[str, Field]) -> bool:
	if fieldname in LINE_MEASURES:
		return LINE_MEASURES[fieldname][1] == DATE
	spec = MEASURES.get(fieldname) or fields.get(fieldname)
	return bool(spec) and spec.kind in (DATE, DATETIME)


def resolved_dates(conditions, fields: dict[str, Field], today: datetime.date) -> dict[int, str]:
	"""{row number: ISO day} of each relative date value, for the form to show."""
	out = {}
	for number, condition in enumerate(map(as_condition, conditions), start=1):
		text = "" if condition.value is None else str(condition.value).strip()
		if _is_date((condition.field or "").strip(), fields) and relative_dates.looks_relative(text):
			try:
				out[number] = relative_dates.resolve(text, today).isoformat()
			except EngineError:
				continue  # compiling reports it
	return out
