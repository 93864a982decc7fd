"""Who of an activity's audience gets a message, and why the others do not."""

from collections import Counter
from collections.abc import Iterable, Iterator, Sequence

# The contact detail a channel cannot work without, and the skip reason when it is missing.
REQUIRED_CONTACT = {
	"Email": ("email", "no_email"),
	"SMS": ("phone", "no_phone"),
	"Phone Call": ("phone", "no_phone"),
}

# Skip reasons in the order they are checked; also the order they are shown in.
SKIP_REASONS = (
	"unsubscribed",
	"bounced",
	"excluded",
	"already_done",
	"no_email",
	"no_phone",
	"sms_not_configured",
)


def skip_reason(member: dict, channel: str, already_done: bool) -> str | None:
	"""Why `member` gets nothing on `channel`, or None when it is reached.

	`member` is a deduplicated audience row: its list statuses folded into the
	flags `unsubscribed` / `bounced` / `excluded` (any list saying so wins).
	"""
	for flag in ("unsubscribed", "bounced", "excluded"):
		if member.get(flag):
			return flag
	if already_done:
		return "already_done"
	required = REQUIRED_CONTACT.get(channel)
	if required and not (member.get(required[0]) or "").strip():
		return required[1]
	return None


def split(members: Iterable[dict], channel: str, done: set[tuple[str, str]]) -> tuple[list[dict], Counter]:
	"""The members to reach, and the count of the others by reason."""
	reached, skipped = [], Counter()
	for member in members:
		reason = skip_reason(member, channel, (member["member_doctype"], member["member"]) in done)
		if reason:
			skipped[reason] += 1
		else:
			reached.append(member)
	return reached, skipped


def chunks(items: Sequence, size: int) -> Iterator[Sequence]:
	for start in range(0, len(items), size):
		yield items[start : start + size]


def summary(sent: int, skipped: Counter, audience: int) -> dict:
	"""The distribution log of one run: reasons in a fixed order, zero counts left out."""
	return {
		"audience": audience,
		"sent": sent,
		"skipped": {reason: skipped[reason] for reason in SKIP_REASONS if skipped.get(reason)},
	}


def with_totals(run: dict, total_sent: int) -> dict:
	"""The stored log: totals over every run so far, and the latest run as it went.

	`total_sent` counts every Sent response of the activity, whichever run made it, so two runs
	at once (each finding the other's members already done) still add up. Members already done
	are no skip of the activity, only of a run.
	"""
	return {
		"audience": run["audience"],
		"sent": total_sent,
		"skipped": {reason: n for reason, n in run["skipped"].items() if reason != "already_done"},
		"last_run": {"sent": run["sent"], "skipped": run["skipped"]},
	}
