"""A journey's goal: whoever reached it since entering leaves as Converted, wherever they stand."""

from crm_marketing_app.journeys.conditions import goal_reached
from crm_marketing_app.journeys.enrolments import end_open_enrolments


def convert(journey) -> int:
	"""One UPDATE: open enrolments whose goal holds become Converted; returns how many."""
	criterion = goal_reached(journey)
	if criterion is None:
		return 0
	return end_open_enrolments(journey.name, "Converted", criterion)
