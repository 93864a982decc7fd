"""Distribution of a Campaign Activity: one artefact per reachable member of its target lists.

The job walks the deduplicated audience in chunks. Per chunk it creates the
channel's artefacts and a `Sent` Campaign Response per reached member in one
transaction and commits, so a crash loses at most the open chunk and a re-run
skips everyone who already has a `Sent` response (nobody gets two).
"""

from collections import Counter

import frappe
from frappe import _
from frappe.core.doctype.sms_settings import sms_settings
from frappe.email.doctype.email_account.email_account import EmailAccount
from frappe.query_builder import Case
from frappe.query_builder.functions import Max
from frappe.utils import get_datetime, get_url, now, now_datetime, strip_html_tags
from frappe.utils.file_manager import save_file
from frappe.utils.pdf import get_pdf

from crm_marketing_app import jobs
from crm_marketing_app.bulk import insert_rows, series_name
from crm_marketing_app.campaign_execution import eligibility
from crm_marketing_app.campaign_execution.tracking import tracking_url
from crm_marketing_app.engine import activity
from crm_marketing_app.engine.distribution import chunks, split, summary, with_totals
from crm_marketing_app.todos import insert_todos
from crm_marketing_app.utils import engine_errors, get_settings

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
	if doc.channel == "Email" and not EmailAccount.find_outgoing():
		frappe.throw(
			_("Set up an outgoing Email Account before distributing by Email"), title=_("Cannot distribute")
		)


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
		eligibility.mark_unsubscribed(doc.name, chunk)  # the people's own records, now
		reached, chunk_skipped = split(chunk, doc.channel, done)
		skipped.update(chunk_skipped)
		if reached:
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

	A member is unsubscribed (bounced, excluded) when any of its lists says so.
	"""
	m = frappe.qb.DocType("Target List Member")

	def flag(status):
		return Max(Case().when(m.status == status, 1).else_(0)).as_(status.lower())

	lists = [row.target_list for row in doc.target_lists]
	rows = (
		frappe.qb.from_(m)
		.select(
			m.member_doctype,
			m.member,
			Max(m.member_name).as_("member_name"),
			Max(m.email).as_("email"),
			Max(m.phone).as_("phone"),
			flag("Unsubscribed"),
			flag("Bounced"),
			flag("Excluded"),
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
			"tracking_url": tracking_url(
				self.doc.name,
				member["member_doctype"],
				member["member"],
				"click",
				self.doc.landing_page or get_url(),
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
		events, participants = [], []
		for member in members:
			owner = self.owner_of(member, details)
			events.append(
				{
					"owner": owner,
					"subject": f"{self.doc.subject}: {member.get('member_name') or member['member']}",
					"event_category": "Meeting",
					"event_type": "Private",
					"starts_on": starts_on,
					"ends_on": ends_on,
					"all_day": 1,
					"status": "Open",
				}
			)
			participants.append(
				{
					"owner": owner,
					"parenttype": "Event",
					"parentfield": "event_participants",
					"idx": 1,
					"reference_doctype": member["member_doctype"],
					"reference_docname": member["member"],
				}
			)
		# Event's own naming series, "EV.#####"
		names = insert_rows("Event", events, name=series_name("EV"), timestamp=self.now)
		for event, participant in zip(names, participants, strict=True):
			participant["parent"] = event
		insert_rows("Event Participants", participants, timestamp=self.now)


class Email(Channel):
	"""A mail per member through Frappe's Email Queue, with its unsubscribe link and a tracked open."""

	def create_artefacts(self, members):
		details = member_details(members)
		template = self.template()
		sender = get_settings().default_sender or None
		for member in members:
			context = self.context(member, details)
			open_pixel = tracking_url(self.doc.name, member["member_doctype"], member["member"], "open")
			frappe.sendmail(
				recipients=[member["email"]],
				sender=sender,
				subject=frappe.render_template(template.subject or self.doc.subject, context),
				message=self.render_body(context) + f'<img src="{open_pixel}" width="1" height="1" alt="">',
				reference_doctype="Campaign Activity",
				reference_name=self.doc.name,
				unsubscribe_message=_("Unsubscribe"),
				delayed=True,
			)


class Letter(Channel):
	"""Sent responses per chunk; at the end one merged PDF of the letters not yet printed.

	The PDF holds every Sent letter created after the previous letters PDF, so a
	run that crashed before its PDF is printed by the next run, and a run with
	nobody new makes no PDF.
	"""

	def create_artefacts(self, members):
		pass  # the letter is the Sent response; its text is rendered into the PDF at the end

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
		self.doc.flags.letter_responses = responses
		# The print format's own template over a bare page: no stylesheet for wkhtmltopdf to fetch from the site.
		letters = frappe.render_template(
			frappe.db.get_value("Print Format", LETTERS_PRINT_FORMAT, "html"), {"doc": self.doc}
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


def render_letters(doc, response_names: list[str] | None = None) -> list[str]:
	"""The letter text of each Sent response (all of the activity's when no names are given)."""
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
		details = member_details(batch)
		letters.extend(channel.render_body(channel.context(member, details)) for member in batch)
	return letters


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
	insert_rows(
		"Campaign Response",
		[
			{
				"campaign": doc.campaign,
				"campaign_activity": doc.name,
				"respondent_doctype": m["member_doctype"],
				"respondent": m["member"],
				"response_type": "Sent",
				"response_date": timestamp,
				"channel": doc.channel,
				"full_name": m.get("member_name"),
				"email": m.get("email"),
				"phone": m.get("phone"),
			}
			for m in members
		],
		timestamp=timestamp,
	)


CHANNELS = {"Email": Email, "Phone Call": PhoneCall, "Meeting": Meeting, "Letter": Letter, "SMS": SMS}
