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
- `All`, `Any_`, `Not`: boolean combinations (activity_status expands to them).
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

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
DERIVED = (*MEASURES, *LINE_MEASURES, ACTIVITY_STATUS)


def compile_conditions(conditions, fields: dict[str, Field], today: datetime.date) -> All:
	"""`conditions`: iterable of (field, operator, value); all must hold."""
	terms, line_terms = [], []
	for row, (fieldname, op, raw) in enumerate(conditions, start=1):
		fieldname, op = (fieldname or "").strip(), (op or "").strip().lower()
		if op not in OPERATORS:
			raise EngineError(_("Row {0}: unknown operator {1}"), row, op)
		if fieldname in LINE_MEASURES:
			column, kind, allowed = LINE_MEASURES[fieldname]
			_check_operator(row, fieldname, op, allowed)
			value = _parse(row, fieldname, Field(kind), op, raw)
			line_op = _LINE_DATE_OP.get(fieldname, op)
			line_terms.append(Compare("line", column, line_op, value))
		elif fieldname == ACTIVITY_STATUS:
			spec = Field(SELECT, ACTIVITY_STATUSES)
			_check_operator(row, fieldname, op, ACTIVITY_STATUS_OPERATORS)
			terms.append(_activity_status(op, _parse(row, fieldname, spec, op, raw), today))
		elif fieldname in MEASURES:
			spec = MEASURES[fieldname]
			_check_operator(row, fieldname, op, OPERATORS_BY_KIND[spec.kind])
			terms.append(Compare("measure", fieldname, op, _parse(row, fieldname, spec, op, raw)))
		elif fieldname in fields:
			spec = fields[fieldname]
			_check_operator(row, fieldname, op, OPERATORS_BY_KIND[spec.kind])
			terms.append(Compare("field", fieldname, op, _parse(row, fieldname, spec, op, raw)))
		else:
			raise EngineError(_("Row {0}: unknown field {1}"), row, fieldname)
	if line_terms:
		terms.append(OrderedLine(tuple(line_terms)))
	return All(tuple(terms))


def _check_operator(row, fieldname, op, allowed):
	if op not in allowed:
		raise EngineError(_("Row {0}: operator {1} does not fit field {2}"), row, op, fieldname)


def _parse(row, fieldname, spec: Field, op, raw):
	if op in ("is set", "is not set"):
		return None
	text = "" if raw is None else str(raw).strip()
	if op in ("in", "not in"):
		items = _split_values(text, spec)
		if not items:
			raise EngineError(_("Row {0}: give at least one value for {1}"), row, fieldname)
		return tuple(_parse_one(row, fieldname, spec, t) for t in items)
	if op in ("like", "not like"):
		if not text:
			raise EngineError(_("Row {0}: give a value for {1}"), row, fieldname)
		return text if "%" in text or "_" in text else f"%{text}%"
	return _parse_one(row, fieldname, spec, text)


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


def _parse_one(row, fieldname, spec: Field, text: str):
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
			return datetime.date.fromisoformat(text)
		if spec.kind == DATETIME:
			return datetime.datetime.fromisoformat(text)
		if spec.kind == CHECK:
			return {"1": 1, "0": 0, "yes": 1, "no": 0, "true": 1, "false": 0}[text.lower()]
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


def activity_status_terms(today: datetime.date) -> dict:
	"""Each activity status as a predicate over last_order_date and enquiries."""
	recent = Compare("measure", "last_order_date", ">=", today - datetime.timedelta(days=BUYING_NOW_DAYS))
	never = Compare("measure", "last_order_date", "is not set")
	return {
		BUYING_NOW: recent,
		LAPSED: Compare("measure", "last_order_date", "<", recent.value),
		ENQUIRED: All((never, Enquired())),
		PROSPECT: All((never, Not(Enquired()))),
	}


def _activity_status(op, value, today):
	by_status = activity_status_terms(today)
	chosen = Any_(tuple(by_status[v] for v in value)) if op in ("in", "not in") else by_status[value]
	return Not(chosen) if op in ("!=", "not in") else chosen
