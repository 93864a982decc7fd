"""Rules a Campaign Activity keeps, and the date arithmetic of copying a campaign."""

from datetime import date, timedelta

from crm_marketing_app.engine.errors import EngineError, _

# Channels whose artefacts `distribute()` creates per member; the others are
# worked by hand (an exhibition stand, an advert) and only tracked.
DISTRIBUTABLE_CHANNELS = ("Email", "Phone Call", "Meeting", "Letter", "SMS")
# Channels whose message text comes from the activity's Email Template.
TEMPLATED_CHANNELS = ("Email", "Letter", "SMS")
# Campaign statuses whose activities may be distributed (unless settings allow unapproved ones).
APPROVED_CAMPAIGN_STATUSES = ("Approved", "Running")


def check_dates(scheduled: date | None, end: date | None) -> None:
	if scheduled and end and end < scheduled:
		raise EngineError(
			_("End Date {0} is before Scheduled Date {1}"), end.isoformat(), scheduled.isoformat()
		)


def check_milestones(milestones: list[tuple[str, date]], scheduled: date | None, end: date | None) -> None:
	"""Every milestone is due by the day the activity ends (its scheduled day when it has no end)."""
	last_day = end or scheduled
	if not last_day:
		return
	for title, due in milestones:
		if due and due > last_day:
			raise EngineError(
				_("Milestone {0} is due on {1}, after the activity ends on {2}"),
				title,
				due.isoformat(),
				last_day.isoformat(),
			)


def check_distributable(status: str, channel: str, list_count: int, has_template: bool) -> None:
	if status == "Cancelled":
		raise EngineError(_("A cancelled activity cannot be distributed"))
	if channel not in DISTRIBUTABLE_CHANNELS:
		raise EngineError(
			_("Channel {0} has nothing to distribute; distribution works for {1}"),
			channel,
			", ".join(DISTRIBUTABLE_CHANNELS),
		)
	if not list_count:
		raise EngineError(_("Add at least one Target List before distributing"))
	if channel in TEMPLATED_CHANNELS and not has_template:
		raise EngineError(_("Channel {0} needs an Email Template with the message"), channel)


def check_campaign_approved(campaign: str, campaign_status: str | None, allow_unapproved: bool) -> None:
	if not allow_unapproved and campaign_status not in APPROVED_CAMPAIGN_STATUSES:
		raise EngineError(
			_("Campaign {0} is {1}: only activities of approved or running campaigns are distributed"),
			campaign,
			campaign_status or "-",
		)


def shift(day: date | None, days: int) -> date | None:
	return day + timedelta(days=days) if day else None


def copy_offset(old_start: date | None, new_start: date) -> int:
	"""Days every date of a copied campaign moves by (0 when the original has no start)."""
	return (new_start - old_start).days if old_start else 0
