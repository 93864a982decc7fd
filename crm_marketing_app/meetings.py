"""Events in bulk: a meeting per person, with the person as the Event's participant.

One mechanism for every caller (a Campaign Activity's Meeting channel, a journey's Create Event
step). The rows skip Event's controller (see bulk.py): ERPNext's `link_events_with_prospect` is
not run, and Event's naming series "EV.#####" is written here.
"""

from crm_marketing_app.bulk import insert_rows, series_name


def insert_events(meetings: list[dict], timestamp: str) -> list[str]:
	"""Inserts one open, private, all-day Meeting Event per dict, owned by its `owner`, with
	`member_doctype` / `member` as participant; each dict has `owner`, `subject`, `starts_on`,
	`ends_on` and optionally `description`. Returns the Event names in the order given."""
	if not meetings:
		return []
	names = insert_rows(
		"Event",
		[
			{
				"owner": meeting["owner"],
				"subject": meeting["subject"],
				"description": meeting.get("description"),
				"event_category": "Meeting",
				"event_type": "Private",
				"starts_on": meeting["starts_on"],
				"ends_on": meeting["ends_on"],
				"all_day": 1,
				"status": "Open",
			}
			for meeting in meetings
		],
		name=series_name("EV"),
		timestamp=timestamp,
	)
	insert_rows(
		"Event Participants",
		[
			{
				"owner": meeting["owner"],
				"parent": event,
				"parenttype": "Event",
				"parentfield": "event_participants",
				"idx": 1,
				"reference_doctype": meeting["member_doctype"],
				"reference_docname": meeting["member"],
			}
			for meeting, event in zip(meetings, names, strict=True)
		],
		timestamp=timestamp,
	)
	return names
