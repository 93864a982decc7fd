"""The messaging layer's pure rules: MIME of one mail, consent, weekly cap, quiet hours and send
schedules, and reading bounces from SMTP errors and delivery-status notifications."""

import email
import email.policy
import quopri
from datetime import datetime, time

import pytest

from crm_marketing_app.engine import messaging as rules
from crm_marketing_app.engine.distribution import split
from crm_marketing_app.engine.errors import EngineError


def test_build_mime_parses_back_with_both_parts_and_non_ascii_subject():
	raw = rules.build_mime(
		sender="=?utf-8?b?0JLRltGC0YDQvtCy0LA=?= <campaigns@example.com>",
		recipient="ivan@example.com",
		subject="Запрошення для Івана — стенд A1",
		html_qp=rules.qp("<p>Шановний Іване, " + "дуже довгий рядок " * 20 + "</p>"),
		text_body="Шановний Іване",
		message_id="abc.123@msg.localhost",
		boundary="==b0undary",
		headers={"List-Unsubscribe": "<https://x.example/u?a=1&s=2>"},
	)
	assert all(len(line) <= 998 for line in raw.splitlines())
	message = email.message_from_string(raw, policy=email.policy.default)
	assert message["Subject"] == "Запрошення для Івана — стенд A1"
	assert message["Message-Id"] == "<abc.123@msg.localhost>" and message["To"] == "ivan@example.com"
	assert message["List-Unsubscribe"] == "<https://x.example/u?a=1&s=2>"
	assert "дуже довгий рядок " * 20 in message.get_body(("html",)).get_content()
	assert message.get_body(("plain",)).get_content().strip() == "Шановний Іване"


@pytest.mark.parametrize("width", [70, 73, 74, 75, 76, 77, 78, 150])
def test_a_quoted_printable_frame_decodes_to_the_frame_with_each_mails_text(width):
	marks = ("subjectmark", "bodymark", "linkmark")
	# stretches of every length around the line limit, with escapes (=3D, UTF-8) where lines are cut
	frame = (
		'<html><head><title>subjectmark</title></head>\n<body style="color:#171717">'
		+ "x" * (width - 40)
		+ '<p a="b">bodymark</p>'
		+ "é=" * width
		+ '\t<a href="linkmark">Відписатися</a> \n</body>\n'
	)
	values = {
		"subjectmark": "Запрошення " * 3,
		"bodymark": "<p>Dear Ivan</p>" + "=" * width + " " * 3,
		"linkmark": "https://x.example/u?a=1&amp;s=2",
	}
	encoded = rules.QuotedPrintableFrame(frame, marks).fill(values)

	assert all(len(line) <= 76 for line in encoded.splitlines())
	expected = frame
	for mark, value in values.items():
		expected = expected.replace(mark, value)
	assert quopri.decodestring(encoded.encode()).decode() == expected
	assert rules.qp_join([]) == "" and rules.qp_join(["a"]) == "a"


def test_html_to_text_keeps_lines_and_links():
	text = rules.html_to_text(
		"<style>p{}</style><p>Dear <b>Ann</b> &amp; co,</p><p><a href='https://x.example'>Offer</a></p>"
	)
	assert text == "Dear Ann & co,\nOffer (https://x.example)\n"


@pytest.mark.parametrize(
	("consent", "required", "reason"),
	[
		("", False, None),
		("Pending", False, None),
		("Granted", False, None),
		("Refused", False, "consent_refused"),
		("", True, "no_consent"),
		("Pending", True, "no_consent"),
		("Granted", True, None),
		("Refused", True, "consent_refused"),
	],
)
def test_consent(consent, required, reason):
	assert rules.consent_reason("Email", consent, required) == reason
	assert rules.consent_reason("Letter", "Refused", required) is None  # no consent field for letters


def test_skip_reasons_in_order_with_the_weekly_cap():
	members = [
		{"member_doctype": "Lead", "member": "a", "email": "a@x", "messages_this_week": 2},
		{"member_doctype": "Lead", "member": "b", "email": "b@x", "messages_this_week": 3},
		{
			"member_doctype": "Lead",
			"member": "c",
			"email": "c@x",
			"consent": "Refused",
			"messages_this_week": 9,
		},
		{
			"member_doctype": "Lead",
			"member": "d",
			"email": "",
			"requires_consent": True,
			"consent": "Granted",
		},
		{"member_doctype": "Lead", "member": "e", "email": "e@x", "messages_this_week": 5},
	]
	reached, skipped = split(members, "Email", {("Lead", "e")}, cap=3)
	assert [m["member"] for m in reached] == ["a"]
	assert skipped == {"capped": 1, "consent_refused": 1, "no_email": 1, "already_done": 1}
	assert [m["member"] for m in split(members, "Email", set(), cap=0)[0]] == ["a", "b", "e"]


def test_quiet_hours_same_day_and_over_midnight():
	day = datetime(2026, 12, 1, 12, 0)
	assert rules.quiet_until(day, time(11), time(14)) == datetime(2026, 12, 1, 14)
	assert rules.quiet_until(day, time(13), time(14)) is None
	assert rules.quiet_until(datetime(2026, 12, 1, 23), time(22), time(7)) == datetime(2026, 12, 2, 7)
	assert rules.quiet_until(datetime(2026, 12, 2, 6), time(22), time(7)) == datetime(2026, 12, 2, 7)
	assert rules.quiet_until(datetime(2026, 12, 2, 8), time(22), time(7)) is None
	assert rules.quiet_until(day, None, time(7)) is None and rules.quiet_until(day, time(7), time(7)) is None


def test_send_times_follow_rate_window_and_quiet_hours():
	start = datetime(2026, 12, 1, 17, 58)
	times = rules.send_times(start, 5, per_minute=1, window=(time(9), time(18)), quiet=(time(12), time(13)))
	assert times == [
		datetime(2026, 12, 1, 17, 58),
		datetime(2026, 12, 1, 17, 59),
		datetime(2026, 12, 2, 9, 0),
		datetime(2026, 12, 2, 9, 1),
		datetime(2026, 12, 2, 9, 2),
	]
	assert (
		rules.send_times(datetime(2026, 12, 1, 12, 30), 2, quiet=(time(12), time(13)))
		== [datetime(2026, 12, 1, 13)] * 2
	)
	with pytest.raises(EngineError):
		rules.send_times(start, 1, window=(time(9), time(18)), quiet=(time(8), time(19)))


def test_smtp_errors_hard_soft_or_nothing():
	refused = "smtplib.SMTPRecipientsRefused: {'a@x.example': (550, b'5.1.1 No such user here')}"
	assert rules.smtp_bounce(refused) == ("Hard", "550 5.1.1 No such user here")
	assert rules.smtp_bounce("smtplib.SMTPDataError: (452, b'4.2.2 Mailbox full')") == (
		"Soft",
		"452 4.2.2 Mailbox full",
	)
	assert rules.smtp_bounce("ConnectionRefusedError: [Errno 111] Connection refused") is None
	assert rules.smtp_bounce(None) is None


DSN = """From: MAILER-DAEMON@mx.example.net
Subject: Undelivered Mail Returned to Sender
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="B"

--B
Content-Type: text/plain

Your message could not be delivered.
--B
Content-Type: message/delivery-status

Reporting-MTA: dns; mx.example.net

Final-Recipient: rfc822; Gone@X.example
Action: failed
Status: 5.1.1
Diagnostic-Code: smtp; 550 5.1.1 User unknown

Final-Recipient: rfc822; later@x.example
Action: delayed
Status: 4.4.1

--B
Content-Type: text/rfc822-headers

Message-Id: <orig.1@msg.localhost>
Subject: Offer

--B--
"""


def test_parse_dsn_reads_failed_recipients_and_the_original_message_id():
	assert rules.parse_dsn(DSN) == [
		{
			"recipient": "gone@x.example",
			"kind": "Hard",
			"reason": "5.1.1 smtp; 550 5.1.1 User unknown",
			"message_id": "orig.1@msg.localhost",
		}
	]
	assert rules.parse_dsn("From: a@b\nSubject: hello\n\nnot a report") == []
