"""Personalised mails written in bulk into Frappe's own Email Queue.

`frappe.sendmail` builds a full MIME message, runs Premailer over Frappe's mail frame and
inserts one Email Queue document per call: tens of milliseconds a mail. Here the frame is
built (and styled) once per run with markers where the person's subject, body and
unsubscribe link go; each mail is then a few string replacements and its MIME text, and
a chunk's Email Queue and Email Queue Recipient rows go in with one INSERT each.
Frappe's scheduler sends them (`frappe.email.queue.flush`) like any queued mail.
"""

import email.utils
import html
from dataclasses import dataclass, field
from datetime import datetime

import frappe
from frappe import _
from frappe.email.doctype.email_account.email_account import EmailAccount
from frappe.email.email_body import get_formatted_html
from frappe.utils import escape_html, expand_relative_urls, get_time, now_datetime
from frappe.utils.data import URL_NOTATION_PATTERN, URLS_NOT_HTTP_TAG_PATTERN

from crm_marketing_app.bulk import insert_rows
from crm_marketing_app.engine.messaging import QuotedPrintableFrame, build_mime, html_to_text, quiet_until
from crm_marketing_app.utils import get_settings, site_url

# Markers in the frame: plain words, so that Premailer and URL scrubbing leave them alone.
SUBJECT_MARK, BODY_MARK, UNSUBSCRIBE_MARK = "crmmsgsubject4f1e", "crmmsgbody4f1e", "crmmsgunsub4f1e"
# Below Frappe's default of 1: a campaign never holds up a password reset or an invoice.
MARKETING_PRIORITY = 0


@dataclass
class Mail:
	recipient: str
	subject: str
	html: str
	reference_doctype: str
	reference_name: str
	unsubscribe_url: str | None = None
	send_after: datetime | None = None
	message_id: str = field(default="")


def after_quiet_hours(moment: datetime | None = None) -> datetime | None:
	"""When a marketing message queued at `moment` (now) may leave: the end of the settings'
	quiet hours (site time zone) when it falls inside them, else None (at once)."""
	settings = get_settings()
	return quiet_until(
		moment or now_datetime(), as_time(settings.quiet_hours_start), as_time(settings.quiet_hours_end)
	)


def with_absolute_urls(html: str) -> str:
	"""Frappe's `expand_relative_urls`, which works out the site's URL each time, only for mails
	that have a relative link or image."""
	if URLS_NOT_HTTP_TAG_PATTERN.search(html) or URL_NOTATION_PATTERN.search(html):
		return expand_relative_urls(html)
	return html


def as_time(value):
	return get_time(value) if value not in (None, "") else None


def outgoing_account(raise_error: bool = True) -> EmailAccount | None:
	"""The Email Account marketing mail goes out through: the settings' sender, else the
	site's default outgoing account. Throws (before anything is queued) when there is none."""
	name = get_settings().default_sender
	if name:
		account = frappe.get_cached_doc("Email Account", name)
		if not account.enable_outgoing:
			if not raise_error:
				return None
			frappe.throw(
				_(
					"Email Account {0} (the default sender in CRM Marketing Settings) does not send mail"
				).format(name),
				title=_("No outgoing Email Account"),
			)
	else:
		account = (
			EmailAccount.find_one_by_filters(enable_outgoing=1, default_outgoing=1)
			or EmailAccount.find_from_config()
		)
	if not account or not account.email_id:
		if not raise_error:
			return None
		frappe.throw(
			_(
				"Set up an outgoing Email Account (or a default sender in CRM Marketing Settings) before sending"
			),
			title=_("No outgoing Email Account"),
		)
	return account


class EmailOutbox:
	"""Queues mails from the marketing sender; each mail names the document it belongs to
	(a Campaign Activity, a trigger's party) as `reference_doctype` / `reference_name`."""

	def __init__(self):
		self.account = outgoing_account()
		self.account_name = self.account.name if self.account.is_exists_in_db() else None
		self.sender = self.account.default_sender
		self.domain = frappe.local.site
		footer = (
			f'<div class="email-unsubscribe"><a href="{UNSUBSCRIBE_MARK}" target="_blank">'
			f"{escape_html(_('Unsubscribe or choose what you receive'))}</a></div>"
		)
		# styled by Premailer (~1 s) once per job and account
		self.frame = frappe.local_cache(
			"crm_marketing_mail_frame",
			(self.account.name, frappe.local.lang),
			lambda: get_formatted_html(
				SUBJECT_MARK,
				BODY_MARK,
				email_account=self.account,
				unsubscribe_link=frappe._dict(html=footer),
			),
		)
		marks = (SUBJECT_MARK, BODY_MARK, UNSUBSCRIBE_MARK)
		self.with_footer = QuotedPrintableFrame(self.frame, marks)
		self.without_footer = QuotedPrintableFrame(self.frame.replace(footer, ""), marks)
		self.unsubscribe_label = _("Unsubscribe or choose what you receive")
		self.site = site_url()
		# any text the mails cannot contain will do: one per job
		self.boundary = f"=={frappe.generate_hash(length=24)}"

	def render(self, mail: Mail, date: str) -> str:
		"""The MIME text of one mail, written on `date` (RFC 2822); gives the mail its Message-ID."""
		mail.message_id = email.utils.make_msgid(domain=self.domain)[1:-1]
		frame = self.with_footer if mail.unsubscribe_url else self.without_footer
		content = with_absolute_urls(mail.html)
		html_qp = frame.fill(
			{
				# `html.escape`: Frappe's escape_html joins the text character by character
				SUBJECT_MARK: html.escape(mail.subject),
				BODY_MARK: content,
				UNSUBSCRIBE_MARK: html.escape(mail.unsubscribe_url or ""),
			}
		)
		text = html_to_text(content)
		headers = {"X-Frappe-Site": self.site}
		if mail.unsubscribe_url:
			text += f"\n{self.unsubscribe_label}: {mail.unsubscribe_url}\n"
			headers["List-Unsubscribe"] = f"<{mail.unsubscribe_url}>"
		return build_mime(
			sender=self.sender,
			recipient=mail.recipient,
			subject=mail.subject,
			html_qp=html_qp,
			text_body=text,
			message_id=mail.message_id,
			date=date,
			boundary=self.boundary,
			headers=headers,
		)

	def queue(self, mails: list[Mail]) -> list[str]:
		"""One Email Queue row and one recipient row per mail, written with one INSERT per table
		(per 500 mails); returns the Email Queue names.

		Part of the caller's transaction: the caller commits them together with its own record
		of who was mailed, so a crash leaves both or neither."""
		date = email.utils.formatdate()
		names = insert_rows(
			"Email Queue",
			[
				{
					"status": "Not Sent",
					"sender": self.sender,
					"message": self.render(mail, date),
					"message_id": mail.message_id,
					"reference_doctype": mail.reference_doctype,
					"reference_name": mail.reference_name,
					"priority": MARKETING_PRIORITY,
					"add_unsubscribe_link": 0,  # the preference link is in the mail already
					"attachments": "[]",
					"retry": 0,
					"email_account": self.account_name,
					"send_after": mail.send_after,
					"show_as_cc": "",
				}
				for mail in mails
			],
		)
		insert_rows(
			"Email Queue Recipient",
			[
				{
					"idx": 1,
					"parent": name,
					"parenttype": "Email Queue",
					"parentfield": "recipients",
					"recipient": mail.recipient,
					"status": "Not Sent",
				}
				for name, mail in zip(names, mails, strict=True)
			],
		)
		return names
