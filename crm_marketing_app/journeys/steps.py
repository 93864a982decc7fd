"""What each step type does for a chunk of claimed enrolments, set-based.

Each action takes a `StepRun` (the journey, the step, the run's moment) and the chunk's claimed
rows and returns a `Result` per enrolment; `journeys.runner` then writes the outcomes and moves the
enrolments on. Artefacts come from the code that distributes activities and runs triggers: mails
through the messaging layer (consent, bounces, weekly cap), ToDos through `todos.insert_todos`,
Events through `meetings.insert_events`, Opportunities as a trigger makes them, list members
through the Target List's own functions. A person whose step cannot be done (a template that does
not render, no address, no phone, no one to give the task to) gets a Failed result with the error;
the others go on.
"""

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

import frappe
from frappe import _
from frappe.query_builder.functions import Coalesce
from frappe.utils import cast, get_datetime, getdate, strip_html_tags

from crm_marketing_app.automation.runner import insert_opportunity, render
from crm_marketing_app.campaign_execution.distribution import MEMBER_FIELDS, insert_member_responses
from crm_marketing_app.engine import templating
from crm_marketing_app.engine.distribution import skip_reason
from crm_marketing_app.engine.journeys import split_variant
from crm_marketing_app.journeys.conditions import branch_condition, enrolment_table
from crm_marketing_app.meetings import insert_events
from crm_marketing_app.messaging import eligibility, links
from crm_marketing_app.messaging.outbox import EmailOutbox, Mail, after_quiet_hours
from crm_marketing_app.messaging.templates import EmailTemplateRenderer
from crm_marketing_app.target_lists import members as list_members
from crm_marketing_app.target_lists.query import contact_columns
from crm_marketing_app.todos import insert_todos

# `member.<field>` in a template (the field), or `member` used otherwise (empty)
MEMBER_USE = re.compile(r"\bmember\b(?:\.(\w+))?")
# A Branch still waiting for its condition is looked at again by the next run (every 5 minutes).
RECHECK = timedelta(minutes=1)


@dataclass
class Result:
	"""What a step did for one enrolment. `outcome` None: it stays at the step (a Branch waiting
	for its condition, a text waiting for the end of the quiet hours) until `next_run_on`."""

	outcome: str | None
	artefact_doctype: str | None = None
	artefact_name: str | None = None
	error: str | None = None
	next_run_on: datetime | None = None  # when the next step is due (None: at once)
	variant: str | None = None


def failed(error: str) -> Result:
	return Result("Failed", error=error)


class StepRun:
	"""One step of one journey at one run: its settings and what its chunks share."""

	def __init__(self, journey, step, now: datetime):
		self.journey, self.step, self.now = journey, step, now
		self.today = getdate(now)
		self.after_commit: list = []  # work outside the database, done after the chunk's commit

	def people(self, rows: list[dict]) -> dict[tuple[str, str], dict]:
		"""The chunk's person records, one query per DocType, with what the step's templates read
		of them, and `_email`, `_phone` and `_owner` (hidden from templates, which drop names
		starting with "_")."""
		names: dict[str, list[str]] = {}
		for row in rows:
			names.setdefault(row.member_doctype, []).append(row.member)
		found = {}
		for doctype, batch in names.items():
			table = frappe.qb.DocType(doctype)
			_name, email, phone, _flag = contact_columns(doctype, table)
			owner_field = MEMBER_FIELDS.get(doctype, {}).get("owner")
			columns = self.person_columns(doctype, table, owner_field)
			for person in (
				frappe.qb.from_(table)
				# as functions: pypika drops a plain column of a table already selected with *
				.select(*columns, Coalesce(email, "").as_("_email"), Coalesce(phone, "").as_("_phone"))
				.where(table.name.isin(batch))
			).run(as_dict=True):
				person["_owner"] = person.get(owner_field) if owner_field else None
				found[(doctype, person.name)] = person
		return found

	def person_columns(self, doctype: str, table, owner_field: str | None) -> list:
		"""The person's columns the step needs: those its templates name as `member.<field>`, or all
		of them when a template uses `member` otherwise (a person has ~150 columns; reading them
		for every person of a chunk is most of a ToDo's cost)."""
		sources = [self.step.description or ""]
		if self.step.email_template:
			template = frappe.get_cached_doc("Email Template", self.step.email_template)
			sources += [template.subject or "", template.response_html or "", template.response or ""]
		uses = MEMBER_USE.findall(" ".join(sources))
		if any(not field for field in uses):
			return [table.star]
		meta = frappe.get_meta(doctype)
		wanted = {field for field in uses} | {owner_field, self.step.wait_until_field}
		return [table.name] + [
			table[field] for field in sorted(f for f in wanted if f and f != "name" and meta.has_field(f))
		]

	def context(self, row: dict, person: dict) -> dict:
		"""What a step's description and Email Template see: the person, the journey, the enrolment
		and today (made plain data by whoever renders it)."""
		return {
			"member": person,
			"journey": {
				"name": self.journey.name,
				"journey_name": self.journey.journey_name,
				"campaign": self.journey.campaign,
			},
			"enrolment": {
				key: row.get(key)
				for key in (
					"name",
					"member_doctype",
					"member",
					"member_name",
					"source_doctype",
					"source_name",
					"entered_on",
					"variant",
				)
			},
			"today": self.today,
		}

	def owner(self, row: dict, person: dict) -> str:
		"""Who gets the person's task or meeting: their account manager or lead owner, else the
		step's Assign To."""
		user = person.get("_owner") or self.step.assign_to
		if not user:
			frappe.throw(
				_("{0} {1} has no Account Manager or Lead Owner, and the step has no Assign To").format(
					_(row.member_doctype), row.member
				)
			)
		return user

	def each(self, rows: list[dict], make) -> tuple[list[tuple[dict, object]], dict[str, Result]]:
		"""`make(row, person)` for each row; a row whose `make` raises fails with the error.
		Returns the rows that succeeded with what `make` returned, and the failures' results."""
		people = self.people(rows)
		made, results = [], {}
		for row in rows:
			person = people.get((row.member_doctype, row.member))
			if person is None:
				results[row.name] = failed(
					_("{0} {1} no longer exists").format(_(row.member_doctype), row.member)
				)
				continue
			try:
				made.append((row, make(row, person)))
			except Exception as e:
				frappe.clear_messages()
				results[row.name] = failed(str(e) or type(e).__name__)
		return made, results

	def sent_responses(self, channel: str, reached: list[tuple[dict, dict, str | None]]) -> None:
		"""A Sent Campaign Response per person reached, for the journey's campaign: the contact cap
		and the campaign's responses count journey messages as any other."""
		insert_member_responses(
			{"campaign": self.journey.campaign, "journey": self.journey.name, "channel": channel},
			[
				{
					"member_doctype": row.member_doctype,
					"member": row.member,
					"member_name": row.member_name,
					"email": person.get("_email"),
					"phone": person.get("_phone"),
					"message_id": message_id,
				}
				for row, person, message_id in reached
			],
			self.now,
			"Sent",
		)


def _audience(rows: list[dict], made: list[tuple[dict, dict]], channel: str) -> dict[str, dict]:
	"""The eligibility rows of the people, annotated (unsubscribed, bounced, consent, this week's
	messages) by the messaging layer."""
	audience = {
		row.name: {
			"member_doctype": row.member_doctype,
			"member": row.member,
			"email": (person.get("_email") or "").strip(),
			"phone": (person.get("_phone") or "").strip(),
		}
		for row, person in made
	}
	eligibility.annotate(list(audience.values()), channel)
	return audience


def _reachable(run: StepRun, rows: list[dict], channel: str, missing: str):
	"""The rows the channel may reach now, with their person, and the Skipped / Failed results of
	the others (a missing address or number fails; unsubscribed, no consent, capped skip)."""
	made, results = run.each(rows, lambda row, person: person)
	audience = _audience(rows, made, channel)
	cap = eligibility.weekly_cap()
	reachable = []
	for row, person in made:
		reason = skip_reason(audience[row.name], channel, already_done=False, cap=cap)
		if reason in ("no_email", "no_phone"):
			results[row.name] = failed(missing.format(_(row.member_doctype), row.member))
		elif reason:
			results[row.name] = Result("Skipped", error=reason)
		else:
			reachable.append((row, person))
	return reachable, results


def _all(rows: list[dict], result: Result) -> dict[str, Result]:
	return {row.name: result for row in rows}


def send_email(run: StepRun, rows: list[dict]) -> dict[str, Result]:
	try:
		renderer = EmailTemplateRenderer(run.step.email_template)
	except frappe.ValidationError as e:
		frappe.clear_messages()
		return _all(rows, failed(str(e)))
	outbox = EmailOutbox()
	send_after = after_quiet_hours()
	reachable, results = _reachable(run, rows, "Email", _("{0} {1} has no email address"))
	mails = []
	for row, person in reachable:
		try:
			subject, body = renderer.render(templating.plain(run.context(row, person)))
		except Exception as e:
			results[row.name] = failed(f"{type(e).__name__}: {e}")
			continue
		email = person["_email"].strip()
		mails.append(
			(
				row,
				person,
				Mail(
					recipient=email,
					subject=subject,
					html=body,
					reference_doctype="Journey Enrolment",
					reference_name=row.name,
					unsubscribe_url=links.preference_url(row.member_doctype, row.member, email),
					send_after=send_after,
				),
			)
		)
	names = outbox.queue([mail for _row, _person, mail in mails])
	for (row, _person, _mail), name in zip(mails, names, strict=True):
		results[row.name] = Result("Done", "Email Queue", name)
	run.sent_responses("Email", [(row, person, mail.message_id) for row, person, mail in mails])
	return results


def send_sms(run: StepRun, rows: list[dict]) -> dict[str, Result]:
	"""The texts go through Frappe's SMS Settings after the chunk's commit (the gateway is outside
	the transaction: a crash can lose a text, never send one twice). In the quiet hours the step
	waits for their end."""
	if not (run.step.description or run.step.email_template):
		return _all(
			rows,
			failed(
				_("Step {0} has no text: give it a Description or an Email Template").format(run.step.step_id)
			),
		)
	if not frappe.db.get_single_value("SMS Settings", "sms_gateway_url"):
		return _all(rows, Result("Skipped", error="sms_not_configured"))
	quiet_until = after_quiet_hours()
	if quiet_until:
		return _all(rows, Result(None, next_run_on=quiet_until))
	reachable, results = _reachable(run, rows, "SMS", _("{0} {1} has no mobile number"))
	renderer = None if run.step.description else EmailTemplateRenderer(run.step.email_template)
	texts = []
	for row, person in reachable:
		try:
			context = run.context(row, person)
			text = (
				render(run.step.description, context)
				if renderer is None
				else renderer.render(templating.plain(context))[1]
			)
		except Exception as e:
			frappe.clear_messages()
			results[row.name] = failed(str(e) or type(e).__name__)
			continue
		texts.append((row, person, strip_html_tags(text).strip()))
		results[row.name] = Result("Done")
	run.sent_responses("SMS", [(row, person, None) for row, person, _text in texts])
	run.after_commit.append(lambda: _send_texts([(person["_phone"], text) for _row, person, text in texts]))
	return results


def _send_texts(texts: list[tuple[str, str]]) -> None:
	from frappe.core.doctype.sms_settings.sms_settings import send_sms as send_text

	for phone, text in texts:
		try:
			send_text([phone], text, success_msg=False)
		except Exception:
			frappe.log_error(title=_("Journey text to {0} failed").format(phone))


def create_todo(run: StepRun, rows: list[dict]) -> dict[str, Result]:
	made, results = run.each(
		rows,
		lambda row, person: {
			"reference_type": row.member_doctype,
			"reference_name": row.member,
			"allocated_to": run.owner(row, person),
			"description": render(run.step.description, run.context(row, person)),
			"date": run.today,
			"assigned_by": run.journey.owner,
		},
	)
	names = insert_todos([todo for _row, todo in made], assignment_comments=True)
	for (row, _todo), name in zip(made, names, strict=True):
		results[row.name] = Result("Done", "ToDo", name)
	return results


def create_event(run: StepRun, rows: list[dict]) -> dict[str, Result]:
	"""A meeting with the person on today's date, owned by whoever meets them."""
	title = run.step.step_label or run.journey.journey_name
	made, results = run.each(
		rows,
		lambda row, person: {
			"owner": run.owner(row, person),
			"subject": f"{title}: {row.member_name or row.member}",
			"description": render(run.step.description, run.context(row, person))
			if run.step.description
			else None,
			"starts_on": get_datetime(run.today),
			"ends_on": get_datetime(run.today),
			"member_doctype": row.member_doctype,
			"member": row.member,
		},
	)
	names = insert_events([meeting for _row, meeting in made], run.now)
	for (row, _meeting), name in zip(made, names, strict=True):
		results[row.name] = Result("Done", "Event", name)
	return results


def create_opportunity(run: StepRun, rows: list[dict]) -> dict[str, Result]:
	"""One Opportunity per person (a document each, with ERPNext's own checks), each in its own
	savepoint so that one failing rolls back alone."""
	people = run.people(rows)
	results = {}
	for row in rows:
		frappe.db.savepoint("journey_opportunity")
		try:
			person = people[(row.member_doctype, row.member)]
			opportunity = insert_opportunity(
				row.member_doctype,
				row.member,
				person.get("_owner") or run.step.assign_to,
				run.today,
				note=render(run.step.description, run.context(row, person)) if run.step.description else None,
			)
		except Exception as e:
			frappe.db.rollback(save_point="journey_opportunity")
			frappe.clear_messages()
			results[row.name] = failed(str(e) or type(e).__name__)
		else:
			results[row.name] = Result("Done", "Opportunity", opportunity.name)
	return results


def _of_list_kind(rows: list[dict], target_list) -> tuple[list[dict], dict[str, Result]]:
	fitting = [row for row in rows if row.member_doctype == target_list.member_doctype]
	error = _("Target List {0} holds {1} records").format(target_list.name, _(target_list.member_doctype))
	return fitting, {row.name: failed(error) for row in rows if row not in fitting}


def add_to_target_list(run: StepRun, rows: list[dict]) -> dict[str, Result]:
	"""Through the list's own add_members: each person joins once, with source Rule."""
	target_list = frappe.get_doc("Target List", run.step.target_list)
	fitting, results = _of_list_kind(rows, target_list)
	if fitting:
		list_members.add_members(
			target_list, target_list.member_doctype, [row.member for row in fitting], source="Rule"
		)
	for row in fitting:
		results[row.name] = Result(
			"Done", list_members.MEMBER, list_members.member_row_name(target_list.name, row.member)
		)
	return results


def remove_from_target_list(run: StepRun, rows: list[dict]) -> dict[str, Result]:
	"""The people's rows leave the list in one DELETE, and the list is recounted."""
	target_list = frappe.get_doc("Target List", run.step.target_list)
	fitting, results = _of_list_kind(rows, target_list)
	if fitting:
		m = frappe.qb.DocType(list_members.MEMBER)
		(
			frappe.qb.from_(m)
			.delete()
			.where((m.target_list == target_list.name) & m.member.isin([row.member for row in fitting]))
		).run()
		list_members.recount([target_list.name])
	results.update({row.name: Result("Done") for row in fitting})
	return results


def set_field(run: StepRun, rows: list[dict]) -> dict[str, Result]:
	"""One UPDATE per DocType of the people, with the value typed by the field (checked against the
	meta when the journey was saved). The record's controller does not run."""
	field, results = run.step.field, {}
	for doctype in sorted({row.member_doctype for row in rows}):
		batch = [row for row in rows if row.member_doctype == doctype]
		df = frappe.get_meta(doctype).get_field(field)
		if not df or df.read_only:
			error = _("{0} has no field {1} that can be set").format(_(doctype), field)
			results.update({row.name: failed(error) for row in batch})
			continue
		table = frappe.qb.DocType(doctype)
		(
			frappe.qb.update(table)
			.set(table[field], cast(df.fieldtype, run.step.value))
			.set(table.modified, run.now)
			.where(table.name.isin([row.member for row in batch]))
		).run()
		results.update({row.name: Result("Done", doctype, row.member) for row in batch})
	return results


def wait(run: StepRun, rows: list[dict]) -> dict[str, Result]:
	"""Done when reached: the next step is due after the days and hours."""
	due = run.now + timedelta(days=run.step.wait_days or 0, hours=run.step.wait_hours or 0)
	return _all(rows, Result("Done", next_run_on=due))


def wait_until(run: StepRun, rows: list[dict]) -> dict[str, Result]:
	"""The next step is due on the step's date, or on the person's date field; a date in the past
	(or an empty field) means at once."""
	if not run.step.wait_until_field:
		return _all(rows, Result("Done", next_run_on=max(get_datetime(run.step.wait_until_date), run.now)))
	people = run.people(rows)
	results = {}
	for row in rows:
		value = (people.get((row.member_doctype, row.member)) or {}).get(run.step.wait_until_field)
		results[row.name] = Result("Done", next_run_on=max(get_datetime(value), run.now) if value else None)
	return results


def branch(run: StepRun, rows: list[dict]) -> dict[str, Result]:
	"""Yes as soon as the condition holds (one query for the chunk); otherwise, while the step's
	"wait up to N days" lasts, the person stays and is looked at again next run; then No."""
	e = enrolment_table()
	doctypes = tuple(sorted({row.member_doctype for row in rows}))
	holding = set(
		frappe.qb.from_(e)
		.select(e.name)
		.where(e.name.isin([row.name for row in rows]) & branch_condition(run.step, doctypes))
		.run(pluck=True)
	)
	results = {}
	for row in rows:
		deadline = get_datetime(row.step_started_on) + timedelta(days=run.step.within_days or 0)
		if row.name in holding:
			results[row.name] = Result("Yes")
		elif run.now < deadline:
			results[row.name] = Result(None, next_run_on=min(deadline, run.now + RECHECK))
		else:
			results[row.name] = Result("No")
	return results


def split(run: StepRun, rows: list[dict]) -> dict[str, Result]:
	"""Variant A or B, the same on every run (`engine.journeys.split_variant`)."""
	return {
		row.name: Result(
			"Done", variant=split_variant(f"{row.name}:{run.step.step_id}", run.step.split_percent or 0)
		)
		for row in rows
	}


def exit_journey(run: StepRun, rows: list[dict]) -> dict[str, Result]:
	return _all(rows, Result("Done"))


# Steps that only decide where people go (no artefact): worked out before the claim
DECIDING = ("Wait", "Wait Until", "Branch", "Split", "Exit")
ACTIONS = {
	"Send Email": send_email,
	"Send SMS": send_sms,
	"Create ToDo": create_todo,
	"Create Event": create_event,
	"Add To Target List": add_to_target_list,
	"Remove From Target List": remove_from_target_list,
	"Set Field": set_field,
	"Create Opportunity": create_opportunity,
	"Wait": wait,
	"Wait Until": wait_until,
	"Branch": branch,
	"Split": split,
	"Exit": exit_journey,
}
