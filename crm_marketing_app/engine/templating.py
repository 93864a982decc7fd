"""The one renderer for templates that marketing roles write (trigger descriptions, journey steps…).

Frappe's own Jinja environment hands every template a `frappe` object (database writes, passwords,
HTTP requests): fine for System Managers' Email Templates and Print Formats, not for text a
Marketing Manager types. Templates here render in an immutable Jinja sandbox that sees only the
variables the caller passes, with no globals at all:

- pass plain data (dicts, lists, strings, numbers, dates), never Documents: a Document exposes
  `db_set`, `save`, `get_password`… `plain()` turns records into nested dicts;
- on a mapping, `x.key` is the key's value, never a dict method (`doc.items` is a Sales Order's
  item rows, not `dict.items`); names starting with `_` are not reachable at all;
- any failure raises `TemplateError` whose message names only the line and Jinja's own reason,
  never a traceback or a value of the context.

API: `check(template)` (syntax only), `render(template, context, strict=False)`.
"""

from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal
from functools import lru_cache

from jinja2 import DebugUndefined, StrictUndefined, TemplateSyntaxError
from jinja2.exceptions import SecurityError, UndefinedError
from jinja2.sandbox import ImmutableSandboxedEnvironment

from crm_marketing_app.engine.errors import EngineError, _

MAX_SIZE = 100_000
MAX_POWER = 100
SCALARS = (str, int, float, bool, Decimal, date, datetime, type(None))


class TemplateError(EngineError):
	"""A template that does not parse or render; `line` is its 1-based line when known."""

	def __init__(self, template: str, *params, line: int | None = None):
		super().__init__(template, *params)
		self.line = line


class _Sandbox(ImmutableSandboxedEnvironment):
	# `"x" * 10**9` would take the worker's memory
	intercepted_binops = frozenset(("*", "**"))

	def call_binop(self, context, operator, left, right):
		if operator == "**" and isinstance(right, int | float) and abs(right) > MAX_POWER:
			raise SecurityError(f"exponent above {MAX_POWER}")
		if operator == "*":
			for seq, times in ((left, right), (right, left)):
				if (
					isinstance(seq, str | list | tuple)
					and isinstance(times, int)
					and len(seq) * times > MAX_SIZE
				):
					raise SecurityError(f"a result longer than {MAX_SIZE}")
		return super().call_binop(context, operator, left, right)

	def is_safe_attribute(self, obj, attr, value):
		return not attr.startswith("_") and super().is_safe_attribute(obj, attr, value)

	def getattr(self, obj, attribute):
		if isinstance(obj, Mapping):
			return self.getitem(obj, attribute)
		return super().getattr(obj, attribute)

	def getitem(self, obj, argument):
		if isinstance(argument, str) and argument.startswith("_"):
			return self.undefined(obj=obj, name=argument)
		if isinstance(obj, Mapping):
			# keys only: Jinja would fall back to the mapping's attributes (`keys`, `get`…)
			return obj[argument] if argument in obj else self.undefined(obj=obj, name=argument)
		return super().getitem(obj, argument)


@lru_cache(maxsize=2)
def _environment(strict: bool) -> _Sandbox:
	env = _Sandbox(undefined=StrictUndefined if strict else DebugUndefined, autoescape=False)
	env.globals.clear()  # not even range / lipsum / cycler: only what the caller passes
	return env


@lru_cache(maxsize=256)
def _compile(template: str, strict: bool):
	# compiling costs ~1 ms, more than rendering one record: a job renders one template many times
	return _environment(strict).from_string(template)


def check(template: str) -> None:
	"""Raises TemplateError when `template` does not parse."""
	_compiled(template or "", strict=False)


def render(template: str, context: Mapping, strict: bool = False) -> str:
	"""`template` rendered with exactly the variables of `context` (plain data, see `plain`).

	An unknown variable renders as written (`{{ x }}`) unless `strict`, where it is an error.
	"""
	compiled = _compiled(template or "", strict)
	try:
		return compiled.render(dict(context))
	except SecurityError as e:
		raise TemplateError(_("The template uses something it may not: {0}"), _reason(e)) from None
	except UndefinedError as e:
		raise TemplateError(_("The template uses an unknown value: {0}"), _reason(e)) from None
	except Exception as e:
		# the type only: a message of an arbitrary exception may carry data
		raise TemplateError(_("The template fails to render: {0}"), type(e).__name__) from None


def plain(value):
	"""`value` as plain data a template may see: mappings (Documents via `as_dict()`) become dicts,
	sequences lists, scalars stay; anything else (objects, functions) becomes its string."""
	as_dict = getattr(value, "as_dict", None)
	if callable(as_dict) and not isinstance(value, Mapping):
		value = as_dict()
	if isinstance(value, Mapping):
		return {str(k): plain(v) for k, v in value.items() if not str(k).startswith("_")}
	if isinstance(value, list | tuple | set | frozenset):
		return [plain(v) for v in value]
	if isinstance(value, SCALARS):
		return value
	return str(value)


def _compiled(template: str, strict: bool):
	try:
		return _compile(template, strict)
	except TemplateSyntaxError as e:
		raise TemplateError(
			_("The template has an error on line {0}: {1}"), e.lineno, _reason(e), line=e.lineno
		) from None


def _reason(e: Exception) -> str:
	return str(getattr(e, "message", None) or e)[:200]
