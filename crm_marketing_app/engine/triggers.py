"""Marketing Trigger rules and date arithmetic, as pure functions.

A date-based trigger fires for a record on its due date: the record's base
date (the order date, the last order date, the last contact with a lead) plus
`offset_months` months and `offset_days` days. Months are added first and
clamp to the month end (31 January + 1 month = 28/29 February), then days.
"""

from calendar import monthrange
from datetime import date, timedelta

from crm_marketing_app.engine.errors import EngineError, _

EVENTS = ("After Order", "No Order Since", "Lead Idle", "Score Reached", "Response Received")
ACTIONS = ("Create ToDo", "Add To Target List", "Send Email", "Create Opportunity")
DATE_EVENTS = ("After Order", "No Order Since", "Lead Idle")
CUSTOMER_EVENTS = ("After Order", "No Order Since")
# The kind of record each event acts on; Response Received acts on the respondent, whatever it is.
PARTY_OF_EVENT = {
	"After Order": "Customer",
	"No Order Since": "Customer",
	"Lead Idle": "Lead",
	"Score Reached": "Lead",
	"Response Received": None,
}


def add_months(start: date, months: int) -> date:
	month_index = start.year * 12 + start.month - 1 + months
	year, month = divmod(month_index, 12)
	month += 1
	return date(year, month, min(start.day, monthrange(year, month)[1]))


def due_date(base: date, months: int, days: int) -> date:
	return add_months(base, months) + timedelta(days=days)


def base_date_range(today: date, months: int, days: int, catch_up_days: int = 0) -> tuple[date, date]:
	"""The base dates whose due date falls in [today - catch_up_days, today], as (first, last).

	`due_date` never decreases as the base date grows, so those base dates form
	one contiguous range; it is empty (first > last) when no base date is due,
	e.g. 30 March with a one-month offset in a leap year. The search starts a
	week outside the month-clamped estimate, which no clamping can exceed.
	"""
	first_due = today - timedelta(days=catch_up_days)
	first = add_months(first_due - timedelta(days=days), -months) - timedelta(days=7)
	while due_date(first, months, days) < first_due:
		first += timedelta(days=1)
	last = add_months(today - timedelta(days=days), -months) + timedelta(days=7)
	while due_date(last, months, days) > today:
		last -= timedelta(days=1)
	return first, last


def check_trigger(
	event: str,
	action: str,
	offset_months: int,
	offset_days: int,
	catch_up_days: int,
	threshold: float,
	response_type: str | None,
) -> None:
	"""The event's own settings: offsets of date events, threshold, response type."""
	if event not in EVENTS:
		raise EngineError(_("Unknown event {0}"), event)
	if action not in ACTIONS:
		raise EngineError(_("Unknown action {0}"), action)
	if catch_up_days < 0:
		raise EngineError(_("Catch-up Days cannot be negative ({0})"), catch_up_days)
	if event in DATE_EVENTS:
		if offset_months < 0 or offset_days < 0:
			raise EngineError(
				_("Offsets cannot be negative ({0} months, {1} days)"), offset_months, offset_days
			)
		if offset_months == 0 and offset_days == 0:
			raise EngineError(_("Event {0} needs an offset: months, days or both"), event)
	if event == "Score Reached" and not threshold:
		raise EngineError(_("Event {0} needs a Threshold"), event)
	if event == "Response Received" and not response_type:
		raise EngineError(_("Event {0} needs a Response Type"), event)


def unused_fields(event: str, action: str) -> list[str]:
	"""Fields the form hides for this event and action; they are cleared so they never filter or act."""
	unused = []
	if event != "After Order":
		unused += ["item", "item_group"]
	if event not in CUSTOMER_EVENTS:
		unused.append("customer_group")
	if event not in DATE_EVENTS:
		unused += ["offset_months", "offset_days"]
	if event != "Score Reached":
		unused.append("threshold")
	if event != "Response Received":
		unused.append("response_type")
	if action not in ("Create ToDo", "Create Opportunity"):
		unused += ["assign_to", "description"]
	if action != "Add To Target List":
		unused.append("target_list")
	if action != "Send Email":
		unused.append("email_template")
	return unused


def check_item_group(item: str, item_group: str, groups_of_item: list[str]) -> None:
	"""`groups_of_item`: the item's own group and all its parents."""
	if item_group not in groups_of_item:
		raise EngineError(
			_("Item {0} is in Item Group {1}, which is not within Item Group {2}"),
			item,
			groups_of_item[0] if groups_of_item else "",
			item_group,
		)


def check_action(
	action: str,
	event: str,
	target_list: str | None,
	list_member_doctype: str | None,
	email_template: str | None,
	description: str | None,
) -> None:
	"""Each action needs its target."""
	if action == "Add To Target List":
		if not target_list:
			raise EngineError(_("Action {0} needs a Target List"), action)
		party = PARTY_OF_EVENT[event]
		if party and list_member_doctype != party:
			raise EngineError(
				_("Target List {0} holds {1} records, but event {2} acts on {3} records"),
				target_list,
				list_member_doctype,
				event,
				party,
			)
	if action == "Send Email" and not email_template:
		raise EngineError(_("Action {0} needs an Email Template"), action)
	if action == "Create ToDo" and not (description or "").strip():
		raise EngineError(_("Action {0} needs a Description for the task"), action)
