"""Distribution of a Campaign Activity: one artefact per reachable member of its target lists.

The job walks the deduplicated audience in chunks. Per chunk it creates the
channel's artefacts and a `Sent` Campaign Response per reached member in one
transaction and commits, so a crash loses at most the open chunk and a re-run
skips everyone who already has a `Sent` response (nobody gets two).
"""

from collections import Counter
from datetime import timedelta

import frappe
from frappe import _
from frappe.core.doctype.sms_settings import sms_settings
from frappe.query_builder import Case
from frappe.query_builder.functions import Max
from frappe.utils import cint, get_datetime, now, now_datetime, strip_html_tags
from frappe.utils.file_manager import save_file
from frappe.utils.pdf import get_pdf

from crm_marketing_app import jobs
from crm_marketing_app.bulk import insert_rows
from crm_marketing_app.campaign_execution.tracking import tracking_url
from crm_marketing_app.engine import activity
from crm_marketing_app.engine.distribution import chunks, split, summary, with_totals
from crm_marketing_app.engine.messaging import PRESSURE_CHANNELS, send_times
from crm_marketing_app.meetings import insert_events
from crm_marketing_app.messaging import eligibility, links
from crm_marketing_app.messaging.outbox import EmailOutbox, Mail, after_quiet_hours, as_time, outgoing_account
from crm_marketing_app.messaging.templates import EmailTemplateRenderer
from crm_marketing_app.offers.coupons import check_issuable, codes_of, personal_coupons
from crm_marketing_app.target_lists.addresses import address_block, best_addresses
from crm_marketing_app.todos import insert_todos
from crm_marketing_app.utils import engine_errors, get_settings, site_url

CHUNK_SIZE = 1000
LETTERS_PRINT_FORMAT = "Campaign Letters"
LETTERS_FILE_PREFIX = "letters-"

# Per member DocType: the field with the person's (or firm's) name, the first name,
# the company, and the user who owns the relationship (gets the member's call).
MEMBER_FIELDS = {
	"Lead": {
		"name": "lead_name",
		"first_name": "first_name",
		"company": "company_name",
		"owner": "lead_owner",
	},
	"Contact": {"name": "full_name", "first_name": "first_name", "company": "company_name", "owner": None},
	"Customer": {
		"name": "customer_name",
		"first_name": None,
		"company": "customer_name",
		"owner": "account_manager",
	},
	"Prospect": {
		"name": "company_name",
		"first_name": None,
		"company": "company_name",
		"owner": "prospect_owner",
	},
}


def check_distributable(doc) -> None:
	with engine_errors(_("Cannot distribute")):
		activity.check_distributable(doc.status, doc.channel, len(doc.target_lists), bool(doc.email_template))
		activity.check_campaign_approved(
			doc.campaign,
			frappe.db.get_value("Campaign", doc.campaign, "campaign_status"),
			bool(get_settings().allow_unapproved_distribution),
		)
	if doc.personal_coupons:
		check_issuable(doc)
	if doc.channel == "Email":
		outgoing_account()


def distribute_activity(activity: str) -> dict:
	"""Creates the channel's artefact for every reachable member; returns the run's counts."""
	doc = frappe.get_doc("Campaign Activity", activity)
	check_distributable(doc)
	members = load_audience(doc)
	channel = CHANNELS[doc.channel](doc)
	title = _("Distributing {0}").format(doc.subject)
	sent, skipped = 0, Counter()
	for number, chunk in enumerate(chunks(members, CHUNK_SIZE), start=1):
		# The activity's row lock serialises concurrent runs chunk by chunk, and who is done
		# is read under it, so two runs at once still reach nobody twice.
		frappe.db.get_value("Campaign Activity", doc.name, "name", for_update=True)
		done = sent_respondents(doc.name, chunk)
		counted = doc.channel in PRESSURE_CHANNELS
		eligibility.annotate(
			chunk, doc.channel, "Campaign Activity", doc.name, doc.requires_consent, count_pressure=counted
		)
		reached, chunk_skipped = split(chunk, doc.channel, done, eligibility.weekly_cap() if counted else 0)
		skipped.update(chunk_skipped)
		if reached:
			channel.coupons = personal_coupons(doc, reached)
			reached, channel_skipped = channel.send(reached)
			skipped.update(channel_skipped)
			sent += len(reached)
		jobs.commit_chunk()  # the chunk's artefacts and Sent responses together, or neither
		channel.after_commit()
		frappe.publish_progress(
			min(100, number * CHUNK_SIZE * 100 // max(len(members), 1)),
			title=title,
			doctype="Campaign Activity",
			docname=doc.name,
		)
	channel.finish()
	log = summary(sent, skipped, len(members))
	total_sent = frappe.db.count(
		"Campaign Response", {"campaign_activity": doc.name, "response_type": "Sent"}
	)
	frappe.db.set_value(
		"Campaign Activity",
		doc.name,
		{
			"distributed_count": total_sent,
			"status": "Distributed" if doc.status in ("Planned", "In Progress") else doc.status,
			"last_distributed_on": now_datetime(),
			"distribution_log": frappe.as_json(with_totals(log, total_sent), indent=None),
		},
	)
	jobs.commit_chunk()
	frappe.publish_realtime(
		"campaign_activity_distributed", {"activity": doc.name}, doctype="Campaign Activity", docname=doc.name
	)
	return log


def load_audience(doc) -> list[dict]:
	"""Members of all the activity's lists, one row per (member_doctype, member).

	A member is unsubscribed (bounced, excluded) when any of its lists says so, and needs
	confirmed consent when any of its lists requires it.
	"""
	m = frappe.qb.DocType("Target List Member")
	tl = frappe.qb.DocType("Target List")

	def flag(status):
		return Max(Case().when(m.status == status, 1).else_(0)).as_(status.lower())

	lists = [row.target_list for row in doc.target_lists]
	rows = (
		frappe.qb.from_(m)
		.join(tl)
		.on(tl.name == m.target_list)
		.select(
			m.member_doctype,
			m.member,
			Max(m.member_name).as_("member_name"),
			Max(m.email).as_("email"),
			Max(m.phone).as_("phone"),
			flag("Unsubscribed"),
			flag("Bounced"),
			flag("Excluded"),
			Max(tl.requires_consent).as_("requires_consent"),
		)
		.where(m.target_list.isin(lists))
		.groupby(m.member_doctype, m.member)
		.orderby(m.member_doctype)
		.orderby(m.member)
	).run(as_dict=True)
	return rows


def sent_respondents(activity: str, members: list[dict]) -> set[tuple[str, str]]:
	"""Which of `members` already have a Sent response for the activity.

	A locking read: it sees what other runs committed, whatever snapshot this transaction holds.
	"""
	r = frappe.qb.DocType("Campaign Response")
	rows = (
		frappe.qb.from_(r)
		.select(r.respondent_doctype, r.respondent)
		.where(
			(r.campaign_activity == activity)
			& (r.response_type == "Sent")
			# with the doctype, the respondent index finds the chunk's rows instead of scanning the activity's
			& r.respondent_doctype.isin(sorted({m["member_doctype"] for m in members}))
			& r.respondent.isin([m["member"] for m in members])
		)
		.for_update()
	).run()
	return {(doctype, name) for doctype, name in rows}


def member_details(members: list[dict]) -> dict[tuple[str, str], dict]:
	"""Name, first name, company and owner of each member, read per DocType in one query."""
	by_doctype: dict[str, list[str]] = {}
	for member in members:
		by_doctype.setdefault(member["member_doctype"], []).append(member["member"])
	details = {}
	for doctype, names in by_doctype.items():
		spec = MEMBER_FIELDS.get(doctype, {})
		meta = frappe.get_meta(doctype)
		fields = {key: field for key, field in spec.items() if field and meta.has_field(field)}
		for row in frappe.get_all(
			doctype, filters={"name": ("in", names)}, fields=["name", *set(fields.values())]
		):
			details[(doctype, row.name)] = {key: row.get(field) for key, field in fields.items()}
	return details


class Channel:
	"""Creates one channel's artefacts for a chunk of reached members."""

	def __init__(self, doc):
		self.doc = doc
		self.now = now()
		self.user = frappe.session.user
		self.coupons = {}  # {(member_doctype, member): personal coupon code} of the chunk

	def send(self, members: list[dict]) -> tuple[list[dict], Counter]:
		"""Creates the artefacts and Sent responses; returns the members reached and any skipped."""
		self.create_artefacts(members)
		insert_sent_responses(self.doc, members, self.now)
		return members, Counter()

	def create_artefacts(self, members: list[dict]) -> None:
		raise NotImplementedError

	def after_commit(self) -> None:
		pass

	def finish(self) -> None:
		pass

	def context(self, member: dict, details: dict) -> dict:
		"""What an Email Template can use: the member, its company and the tracked link."""
		info = details.get((member["member_doctype"], member["member"]), {})
		name = info.get("name") or member.get("member_name") or member["member"]
		return {
			"member_name": name,
			"first_name": info.get("first_name") or name,
			"company": info.get("company") or "",
			"email": member.get("email") or "",
			"phone": member.get("phone") or "",
			"campaign": self.doc.campaign,
			"activity": self.doc.subject,
			"coupon_code": self.coupons.get((member["member_doctype"], member["member"]), ""),
			"tracking_url": tracking_url(
				self.doc.name,
				member["member_doctype"],
				member["member"],
				"click",
				self.doc.landing_page or site_url(),
			),
		}

	def template(self):
		return frappe.get_cached_doc("Email Template", self.doc.email_template)

	def render_body(self, context: dict) -> str:
		template = self.template()
		body = template.response_html if template.use_html else template.response
		return frappe.render_template(body or "", context)

	def owner_of(self, member: dict, details: dict) -> str:
		info = details.get((member["member_doctype"], member["member"]), {})
		return info.get("owner") or self.doc.responsible or self.doc.owner


class PhoneCall(Channel):
	"""A ToDo per member for the member's owner (else the activity's responsible), in bulk."""

	def create_artefacts(self, members):
		details = member_details(members)
		insert_todos(
			[
				{
					"reference_type": member["member_doctype"],
					"reference_name": member["member"],
					"allocated_to": self.owner_of(member, details),
					"description": self.description(member),
					"date": self.doc.scheduled_date,
					"assigned_by": self.doc.responsible or self.user,
				}
				for member in members
			]
		)

	def description(self, member):
		return _("Call {0} ({1}) for {2}").format(
			frappe.utils.escape_html(member.get("member_name") or member["member"]),
			frappe.utils.escape_html(member.get("phone") or ""),
			frappe.utils.escape_html(self.doc.subject),
		)


class Meeting(Channel):
	"""An Event per member with the member as participant, owned by whoever meets them."""

	def create_artefacts(self, members):
		details = member_details(members)
		starts_on = get_datetime(self.doc.scheduled_date)
		ends_on = get_datetime(self.doc.end_date or self.doc.scheduled_date)
		insert_events(
			[
				{
					"owner": self.owner_of(member, details),
					"subject": f"{self.doc.subject}: {member.get('member_name') or member['member']}",
					"starts_on": starts_on,
					"ends_on": ends_on,
					"member_doctype": member["member_doctype"],
					"member": member["member"],
				}
				for member in members
			],
			self.now,
		)


class Email(Channel):
	"""A mail per member, written in bulk into Frappe's Email Queue by the messaging outbox.

	Each carries the member's own subject and body (the template compiled once), the
	signed open pixel, the preference link as its unsubscribe footer and a Message-ID that
	its Sent response keeps, so that a bounce finds the member. A member whose mail does
	not render gets a Failed response with the error instead, and the others go on.
	"""

	def __init__(self, doc):
		super().__init__(doc)
		self.renderer = EmailTemplateRenderer(doc.email_template, doc.subject)
		self.outbox = EmailOutbox()
		self.queued = 0
		self.next_send = None

	def send(self, members):
		details = member_details(members)
		mails, reached, failed = [], [], []
		for member in members:
			context = self.context(member, details)
			try:
				subject, body = self.renderer.render(context)
			except Exception as e:
				failed.append((member, f"{type(e).__name__}: {e}"))
				continue
			pixel = tracking_url(self.doc.name, member["member_doctype"], member["member"], "open")
			mails.append(
				Mail(
					recipient=member["email"].strip(),
					subject=subject,
					html=f'{body}<img src="{pixel}" width="1" height="1" alt="">',
					reference_doctype="Campaign Activity",
					reference_name=self.doc.name,
					unsubscribe_url=links.preference_url(
						member["member_doctype"], member["member"], member["email"].strip(), self.doc.name
					),
				)
			)
			reached.append(member)
		if failed and not reached and not self.queued:
			frappe.throw(
				_(
					"Email Template {0} does not render for any member, so nothing was queued. The first error: {1}"
				).format(self.doc.email_template, failed[0][1]),
				title=_("Cannot distribute"),
			)
		for mail, moment in zip(mails, self.schedule(len(mails)), strict=True):
			mail.send_after = moment
		self.outbox.queue(mails)
		self.queued += len(mails)
		for member, mail in zip(reached, mails, strict=True):
			member["message_id"] = mail.message_id
		record_failures(self.doc, members, failed, self.now)
		insert_sent_responses(self.doc, reached, self.now)
		return reached, Counter({"template_failed": len(failed)} if failed else {})

	def schedule(self, count: int) -> list:
		"""When each mail may leave: the activity's rate and send window, the settings' quiet hours.

		None where that is now, so Frappe's next flush takes it."""
		settings, now = get_settings(), now_datetime()
		rate = cint(self.doc.send_rate)
		start = self.next_send or (pending_until(self.doc.name) if rate else None) or now
		times = send_times(
			max(start, now),
			count,
			rate,
			(as_time(self.doc.send_window_start), as_time(self.doc.send_window_end)),
			(as_time(settings.quiet_hours_start), as_time(settings.quiet_hours_end)),
		)
		if times and rate:
			self.next_send = times[-1] + timedelta(minutes=1) / rate
		return [moment if moment > now else None for moment in times]


def pending_until(activity: str):
	"""The latest send time of the activity's mails still waiting in the queue."""
	q = frappe.qb.DocType("Email Queue")
	return (
		frappe.qb.from_(q)
		.select(Max(q.send_after))
		.where(
			(q.reference_doctype == "Campaign Activity")
			& (q.reference_name == activity)
			& (q.status == "Not Sent")
		)
	).run()[0][0]


def record_failures(doc, members: list[dict], failed: list[tuple[dict, str]], timestamp: str) -> None:
	"""One Failed response with the error per member whose mail did not render; the chunk's
	older Failed responses go, so a member fixed by a later run keeps none."""
	r = frappe.qb.DocType("Campaign Response")
	(
		frappe.qb.from_(r)
		.delete()
		.where(
			(r.campaign_activity == doc.name)
			& (r.response_type == "Failed")
			# with the doctype, the respondent index finds the chunk's rows instead of scanning the activity's
			& r.respondent_doctype.isin(sorted({m["member_doctype"] for m in members}))
			& r.respondent.isin([m["member"] for m in members])
		)
	).run()
	if failed:
		insert_responses(doc, [m for m, _error in failed], timestamp, "Failed", [e for _m, e in failed])


class Letter(Channel):
	"""A letter per member with a postal address (the others are skipped and counted); at the
	end one merged PDF of the letters not yet printed.

	The letter is its Sent response. The PDF holds every Sent letter created after the
	previous letters PDF, so a run that crashed before its PDF is printed by the next run,
	and a run with nobody new makes no PDF.
	"""

	def send(self, members):
		with_address = postal_addresses(members)
		reached = [m for m in members if (m["member_doctype"], m["member"]) in with_address]
		if reached:
			insert_sent_responses(self.doc, reached, self.now)
		skipped = len(members) - len(reached)
		return reached, Counter({"no_postal_address": skipped} if skipped else {})

	def finish(self):
		f = frappe.qb.DocType("File")
		last_pdf = (
			frappe.qb.from_(f)
			.select(Max(f.creation))
			.where(
				(f.attached_to_doctype == "Campaign Activity")
				& (f.attached_to_name == self.doc.name)
				& (f.file_name.like(LETTERS_FILE_PREFIX + "%"))
			)
		).run()[0][0]
		filters = {"campaign_activity": self.doc.name, "response_type": "Sent"}
		if last_pdf:
			filters["creation"] = (">", last_pdf)
		responses = frappe.get_all(
			"Campaign Response", filters=filters, pluck="name", order_by="creation, name"
		)
		if not responses:
			return
		# The print format's own template over a bare page: no stylesheet for wkhtmltopdf to fetch from the site.
		letters = frappe.render_template(
			frappe.db.get_value("Print Format", LETTERS_PRINT_FORMAT, "html"),
			{"doc": self.doc, "letters": render_letters(self.doc, responses)},
		)
		pdf = get_pdf(
			f"<!DOCTYPE html><html><head><meta charset='utf-8'></head><body>{letters}</body></html>"
		)
		stamp = now_datetime().strftime("%Y%m%d-%H%M%S")
		save_file(
			f"{LETTERS_FILE_PREFIX}{self.doc.name}-{stamp}.pdf",
			pdf,
			"Campaign Activity",
			self.doc.name,
			is_private=1,
		)
		jobs.commit_chunk()

	def context(self, member, details):
		"""Adds the addressee and the postal address (`{{ address }}`) to the template's context."""
		context = super().context(member, details)
		address = member.get("address")
		context["address"] = address_block(address) if address else ""
		return context


def postal_addresses(members: list[dict]) -> dict[tuple[str, str], dict]:
	"""{(member_doctype, member): Address} of the members that have a postal address."""
	by_doctype: dict[str, list[str]] = {}
	for member in members:
		by_doctype.setdefault(member["member_doctype"], []).append(member["member"])
	return {
		(doctype, name): address
		for doctype, names in by_doctype.items()
		for name, address in best_addresses(doctype, names).items()
	}


def render_letters(doc, response_names: list[str] | None = None) -> list[str]:
	"""The letter of each Sent response (all of the activity's when no names are given):
	the addressee and postal address, then the template's text."""
	filters = {"campaign_activity": doc.name, "response_type": "Sent"}
	if response_names is not None:
		filters["name"] = ("in", response_names)
	responses = frappe.get_all(
		"Campaign Response",
		filters=filters,
		fields=[
			"respondent_doctype as member_doctype",
			"respondent as member",
			"full_name as member_name",
			"email",
			"phone",
		],
		order_by="creation, name",
	)
	if not doc.email_template:
		return []
	channel = Letter(doc)
	letters = []
	for batch in chunks(responses, CHUNK_SIZE):
		details, addresses = member_details(batch), postal_addresses(batch)
		channel.coupons = codes_of(doc.name, batch)
		for member in batch:
			member["address"] = addresses.get((member["member_doctype"], member["member"]))
			context = channel.context(member, details)
			letters.append(addressee_html(context) + channel.render_body(context))
	return letters


def addressee_html(context: dict) -> str:
	"""The window of the envelope: who, at which firm, and where."""
	lines = [frappe.utils.escape_html(context["member_name"])]
	if context["company"] and context["company"] != context["member_name"]:
		lines.append(frappe.utils.escape_html(context["company"]))
	return f'<div class="letter-addressee">{"<br>".join(lines)}<br>{context["address"]}</div>'


class SMS(Channel):
	"""A text per member through Frappe's SMS Settings; skipped (counted) when they are not set up.

	The gateway is outside the transaction, so the Sent responses are committed
	first and the texts go out after: a crash can lose a text, never send one twice.
	"""

	def __init__(self, doc):
		super().__init__(doc)
		self.configured = bool(frappe.db.get_single_value("SMS Settings", "sms_gateway_url"))
		self.outbox = []

	def send(self, members):
		if not self.configured:
			return [], Counter({"sms_not_configured": len(members)})
		if after_quiet_hours():
			return [], Counter({"quiet_hours": len(members)})  # a text cannot wait: a later run sends it
		details = member_details(members)
		self.outbox = [
			(member["phone"], strip_html_tags(self.render_body(self.context(member, details))).strip())
			for member in members
		]
		insert_sent_responses(self.doc, members, self.now)
		return members, Counter()

	def after_commit(self):
		outbox, self.outbox = self.outbox, []
		for phone, text in outbox:
			sms_settings.send_sms([phone], text, success_msg=False)


def insert_sent_responses(doc, members: list[dict], timestamp: str) -> None:
	insert_responses(doc, members, timestamp, "Sent")


def insert_responses(
	doc, members: list[dict], timestamp: str, response_type: str, notes: list[str] | None = None
) -> None:
	"""One response of `response_type` per member of the activity `doc`."""
	insert_member_responses(
		{"campaign": doc.campaign, "campaign_activity": doc.name, "channel": doc.channel},
		members,
		timestamp,
		response_type,
		notes,
	)


def insert_member_responses(
	source: dict, members: list[dict], timestamp: str, response_type: str, notes: list[str] | None = None
) -> None:
	"""One response of `response_type` per member, with the member's Message-ID and a note if any;
	`source` is what they share: campaign, channel and the activity or journey they come from."""
	insert_rows(
		"Campaign Response",
		[
			{
				**source,
				"respondent_doctype": m["member_doctype"],
				"respondent": m["member"],
				"response_type": response_type,
				"response_date": timestamp,
				"full_name": m.get("member_name"),
				"email": m.get("email"),
				"phone": m.get("phone"),
				"message_id": m.get("message_id"),
				"notes": note,
			}
			for m, note in zip(members, notes or [None] * len(members), strict=True)
		],
		timestamp=timestamp,
	)


CHANNELS = {"Email": Email, "Phone Call": PhoneCall, "Meeting": Meeting, "Letter": Letter, "SMS": SMS}
