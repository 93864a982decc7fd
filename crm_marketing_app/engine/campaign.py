"""Rules a Campaign must keep, as pure functions."""

from collections.abc import Callable
from datetime import date

from crm_marketing_app.engine.errors import EngineError, _


def check_dates(start: date | None, end: date | None) -> None:
	if start and end and end < start:
		raise EngineError(_("End Date {0} is before Start Date {1}"), end.isoformat(), start.isoformat())


def check_budget(budget: float | None) -> None:
	if budget is not None and budget < 0:
		raise EngineError(_("Budget cannot be negative ({0})"), budget)


def find_parent_cycle(name: str, parent: str | None, parent_of: Callable[[str], str | None]) -> list[str]:
	"""The chain name → parent → … that leads back to `name`, or [] when there is none.

	`parent_of` looks up a campaign's stored parent; the walk stops at a campaign
	without parent, so a cycle already in the data elsewhere cannot loop forever.
	"""
	chain, seen, current = [name], {name}, parent
	while current:
		chain.append(current)
		if current == name:
			return chain
		if current in seen:
			return []
		seen.add(current)
		current = parent_of(current)
	return []


def check_parent(name: str, parent: str | None, parent_of: Callable[[str], str | None]) -> None:
	cycle = find_parent_cycle(name, parent, parent_of)
	if cycle:
		raise EngineError(_("Parent Campaign makes a cycle: {0}"), " → ".join(cycle))
