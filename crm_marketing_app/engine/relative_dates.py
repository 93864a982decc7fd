"""Relative date values: `today`, `today-14d`, `today+2w`, `-3m`, `+1y`.

A marketer writes "bought in the last 14 days" once and the list follows the
calendar: the value is resolved against the day of each refresh (or rescore),
never stored as a date. Months and years keep the day of the month, clamped to
the month's last day (31 March - 1m = 28/29 February).
"""

import calendar
import re
from datetime import date, timedelta

from crm_marketing_app.engine.errors import EngineError, _

UNITS = ("d", "w", "m", "y")
_RELATIVE = re.compile(r"^(?:today)?\s*([+-])\s*(\d{1,5})\s*([a-z]*)$")


def looks_relative(text: str) -> bool:
	"""Whether `text` is meant as a relative date (it may still be malformed)."""
	text = (text or "").strip().lower()
	return text.startswith("today") or bool(re.match(r"^[+-]\s*\d", text))


def resolve(text: str, today: date) -> date:
	"""The day a relative value means on `today`; a malformed one is an EngineError."""
	text = (text or "").strip().lower()
	if text == "today":
		return today
	match = _RELATIVE.match(text)
	if not match or match.group(3) not in UNITS:
		raise EngineError(
			_("{0} is not a relative date: write today, today-14d, today-2w, today-3m or today+1y"), text
		)
	sign, amount, unit = match.group(1), int(match.group(2)), match.group(3)
	amount = -amount if sign == "-" else amount
	if unit == "d":
		return today + timedelta(days=amount)
	if unit == "w":
		return today + timedelta(weeks=amount)
	return add_months(today, amount * (12 if unit == "y" else 1))


def add_months(day: date, months: int) -> date:
	index = day.year * 12 + day.month - 1 + months
	year, month = divmod(index, 12)
	month += 1
	return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def parse_date(text: str, today: date) -> date:
	"""An ISO date or a relative value; ValueError / EngineError when it is neither."""
	return resolve(text, today) if looks_relative(text) else date.fromisoformat(text)
