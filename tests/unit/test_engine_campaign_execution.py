"""Pure rules of campaign execution: who is reached, signed links, activity dates."""

from collections import Counter
from datetime import date
from urllib.parse import parse_qsl, urlencode

import pytest

from crm_marketing_app.engine import activity, distribution, tracking
from crm_marketing_app.engine.errors import EngineError


def member(name, **kw):
	return {
		"member_doctype": "Lead",
		"member": name,
		"email": kw.pop("email", f"{name}@x.com"),
		"phone": kw.pop("phone", "+3801"),
		**kw,
	}


def test_unsubscribe_wins_over_everything_then_already_done_then_missing_contact():
	assert distribution.skip_reason(member("a", unsubscribed=1, email=""), "Email", True) == "unsubscribed"
	assert distribution.skip_reason(member("a", bounced=1), "Email", False) == "bounced"
	assert distribution.skip_reason(member("a", email=""), "Email", True) == "already_done"
	assert distribution.skip_reason(member("a", email="  "), "Email", False) == "no_email"
	assert distribution.skip_reason(member("a", phone=None), "SMS", False) == "no_phone"
	assert distribution.skip_reason(member("a", phone=None, email=None), "Meeting", False) is None
	assert distribution.skip_reason(member("a"), "Phone Call", False) is None


def test_split_counts_the_skipped_by_reason():
	members = [member("a"), member("b", email=""), member("c", excluded=1), member("d")]
	reached, skipped = distribution.split(members, "Email", {("Lead", "d")})
	assert [m["member"] for m in reached] == ["a"]
	assert skipped == Counter({"no_email": 1, "excluded": 1, "already_done": 1})


def test_summary_keeps_reason_order_and_drops_zeros():
	log = distribution.summary(3, Counter({"no_phone": 2, "unsubscribed": 1, "no_email": 0}), 6)
	assert log == {"audience": 6, "sent": 3, "skipped": {"unsubscribed": 1, "no_phone": 2}}
	assert list(log["skipped"]) == ["unsubscribed", "no_phone"]


def test_chunks_cover_everything_once():
	assert [list(c) for c in distribution.chunks(list(range(7)), 3)] == [[0, 1, 2], [3, 4, 5], [6]]


def test_signature_verifies_and_any_change_breaks_it():
	params = {"a": "act1", "d": "Lead", "r": "LEAD-1", "e": "click", "u": "https://example.com/x"}
	sig = tracking.sign("secret", params)
	assert tracking.verify("secret", params, sig)
	assert not tracking.verify("other key", params, sig)
	assert not tracking.verify("secret", {**params, "r": "LEAD-2"}, sig)
	assert not tracking.verify("secret", {**params, "u": "https://evil.example.com"}, sig)
	assert not tracking.verify("secret", {k: v for k, v in params.items() if k != "u"}, sig)
	assert not tracking.verify("secret", params, "")
	assert not tracking.verify("secret", {**params, "r": "x\ne=open"}, sig)


def test_signed_query_is_the_urlencoded_parameters_with_their_signature():
	params = {
		"a": "Expo 2026 / Київ",
		"d": "Lead",
		"r": "CRM-LEAD-2026-00001",
		"u": "https://x.example/a?b=c&d=e f",
	}
	for _twice in range(2):  # the second time from the quoted values kept
		query = tracking.signed_query("secret", params)
		assert query == urlencode({**params, "s": tracking.sign("secret", params)})
	assert tracking.verify("secret", params, dict(parse_qsl(query))["s"])


def test_milestone_after_the_end_is_refused_and_scheduled_day_is_the_end_without_one():
	activity.check_milestones([("Stand mounted", date(2026, 3, 5))], date(2026, 3, 1), date(2026, 3, 5))
	activity.check_milestones([("Invitations sent", date(2026, 2, 1))], date(2026, 3, 1), None)
	with pytest.raises(EngineError, match="Stand mounted"):
		activity.check_milestones([("Stand mounted", date(2026, 3, 6))], date(2026, 3, 1), date(2026, 3, 5))
	with pytest.raises(EngineError, match="2026-03-01"):
		activity.check_milestones([("Materials ready", date(2026, 3, 2))], date(2026, 3, 1), None)


def test_end_before_scheduled_is_refused():
	with pytest.raises(EngineError, match="2026-02-28"):
		activity.check_dates(date(2026, 3, 1), date(2026, 2, 28))
	activity.check_dates(date(2026, 3, 1), None)


@pytest.mark.parametrize(
	"status, channel, lists, template, message",
	[
		("Cancelled", "Email", 1, True, "cancelled"),
		("Planned", "Webinar", 1, True, "nothing to distribute"),
		("Planned", "Phone Call", 0, False, "Target List"),
		("Planned", "Letter", 1, False, "Email Template"),
	],
)
def test_what_cannot_be_distributed(status, channel, lists, template, message):
	with pytest.raises(EngineError, match=message):
		activity.check_distributable(status, channel, lists, template)


def test_phone_calls_and_meetings_need_no_template():
	activity.check_distributable("Planned", "Phone Call", 2, False)
	activity.check_distributable("In Progress", "Meeting", 1, False)


def test_copy_moves_every_date_by_the_same_days():
	days = activity.copy_offset(date(2025, 9, 1), date(2026, 9, 7))
	assert days == 371
	assert activity.shift(date(2025, 8, 20), days) == date(2026, 8, 26)
	assert activity.shift(None, days) is None
	assert activity.copy_offset(None, date(2026, 1, 1)) == 0
