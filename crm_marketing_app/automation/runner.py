"""Runs Marketing Triggers: claim due records in the log, then act on the claimed ones.

Exactly-once: a run INSERT IGNOREs one log row per due (trigger, record) with its
own run id; the log's unique key lets only one of two concurrent runs insert a
given row (the other waits for the first to commit, then skips it). The run then
acts only on the rows carrying its run id, and commits the claims together with
the actions, chunk by chunk. A crash before that commit rolls back both, so the
records are claimed again by the next run (within the trigger's catch-up days);
nothing is done twice and nothing stays half done. A record whose action fails
(a template that does not render, no email address…) is rolled back alone,
marked Failed with the error in the log, and reported on the trigger.
"""

import hashlib
from datetime import date

import frappe
from frappe import _
from frappe.model.document import Document
from frappe.query_builder import Case
from frappe.query_builder.functions import Concat, Count, Function
from frappe.utils import getdate, now_datetime, nowdate

from crm_marketing_app import jobs
from crm_marketing_app.automation.selection import due_records, with_party
from crm_marketing_app.bulk import insert_rows
from crm_marketing_app.engine import templating
from crm_marketing_app.engine.distribution import skip_reason
from crm_marketing_app.engine.triggers import DATE_EVENTS, due_date
from crm_marketing_app.messaging import eligibility, links
from crm_marketing_app.messaging.outbox import EmailOutbox, Mail, after_quiet_hours
from crm_marketing_app.messaging.templates import EmailTemplateRenderer
from crm_marketing_app.target_lists import members
from crm_marketing_app.todos import insert_todos
from crm_marketing_app.utils import engine_errors

CHUNK = 500
LOG = "Marketing Trigger Log"
OPPORTUNITY_PARTIES = ("Customer", "Lead", "Prospect")
# Where the check of a saved template finds a sample record for each event
SAMPLE_REFERENCE = {
	"After Order": ("Sales Order", "customer"),
	"No Order Since": ("Customer", None),
	"Lead Idle": ("Lead", None),
	"Score Reached": ("Lead", None),
	"Response Received": ("Campaign Response", "respondent"),
}


def run_marketing_triggers(today: date | str | None = None) -> dict[str, dict]:
	"""The daily job: every enabled trigger; one failing trigger does not stop the others."""
	names = frappe.get_all("Marketing Trigger", filters={"enabled": 1}, pluck="name", order_by="name")
	return jobs.run_each(
		"Marketing Trigger",
		names,
		lambda name: run_trigger(name, today),
		lambda name: _("Marketing Trigger {0} failed").format(name),
		_("Running Marketing Triggers"),
	)


def run_trigger(trigger_name: str, today: date | str | None = None) -> dict[str, int]:
	"""Fires one enabled trigger for everything due on `today`; returns fired and failed counts."""
	trigger = frappe.get_doc("Marketing Trigger", trigger_name)
	if not trigger.enabled:
		return {"fired": 0, "failed": 0}
	today = getdate(today or nowdate())
	run_id = frappe.generate_hash(length=20)
	fired, failures, total, more = 0, [], None, True
	while more:
		claimed, more = _claim(trigger, today, run_id)
		if not claimed:
			break
		chunk_failures = ACTIONS[trigger.action](trigger, claimed, today, run_id)
		fired += len(claimed) - len(chunk_failures)
		failures += chunk_failures
		jobs.commit_chunk()
		if total is None:
			# the progress bar's total; counting costs another selection, which the usual day
			# (everything due in one chunk) does without
			total = len(claimed)
			if more:
				due = due_records(trigger, today).as_("due")
				total += frappe.qb.from_(due).select(Count("*")).run()[0][0]
		frappe.publish_progress(
			min(100, (fired + len(failures)) * 100 / total),
			title=_("Running Marketing Trigger {0}").format(trigger.name),
			doctype="Marketing Trigger",
			docname=trigger.name,
		)
	trigger.db_set(
		{"last_run_on": now_datetime(), "last_run_fired": fired, "last_run_failed": len(failures)},
		update_modified=False,
	)
	if failures:
		_report_failures(trigger, failures)
	jobs.commit_chunk()
	return {"fired": fired, "failed": len(failures)}


def preview(trigger, today: date | str | None = None, limit: int = 100) -> list[dict]:
	"""What `run_trigger` would fire for today, without acting: the same selection."""
	today = getdate(today or nowdate())
	due = due_records(trigger, today).as_("due")
	rows = with_party(due).orderby(due.base_date).orderby(due.reference_name).limit(limit).run(as_dict=True)
	for row in rows:
		row.due_date = (
			due_date(getdate(row.base_date), trigger.offset_months or 0, trigger.offset_days or 0)
			if trigger.event in DATE_EVENTS
			else getdate(row.base_date)
		)
		row.assign_to = row.owner_user or trigger.assign_to
	return rows


def _claim(trigger, today: date, run_id: str) -> tuple[list[dict], bool]:
	"""Log rows for up to CHUNK due records; returns those this run inserted, with their party,
	and whether more may be due (a full chunk was selected).

	The due records are read without locks and inserted in name order: a concurrent run
	inserting the same keys just waits for this one to commit and then skips them, and
	the common order leaves no lock cycle (an INSERT … SELECT reading the log would
	take shared gap locks on it, and two runs would deadlock).
	"""
	due = due_records(trigger, today).limit(CHUNK).run(as_dict=True)
	if not due:
		return [], False
	rows = sorted(
		(
			{
				"marketing_trigger": trigger.name,
				"status": "Claimed",
				"run_id": run_id,
				"reference_doctype": r.reference_doctype,
				"reference_name": r.reference_name,
				"party_doctype": r.party_doctype,
				"party": r.party,
			}
			for r in due
		),
		key=_log_name,
	)
	insert_rows(LOG, rows, name=_log_name, timestamp=now_datetime(), ignore_duplicates=True)
	return with_party(_claimed_by(run_id)).run(as_dict=True), len(due) == CHUNK


def _log_name(row: dict) -> str:
	"""A digest of the log's unique key, so a record's row has one name in every run."""
	key = (row["marketing_trigger"], row["reference_doctype"], row["reference_name"])
	return hashlib.md5("\x1f".join(key).encode()).hexdigest()


def _claimed_by(run_id: str):
	log = frappe.qb.DocType(LOG)
	return (
		frappe.qb.from_(log)
		.select(
			log.name.as_("log_name"), log.reference_doctype, log.reference_name, log.party_doctype, log.party
		)
		.where((log.run_id == run_id) & (log.status == "Claimed"))
	).as_("claimed")


def _mark(
	log_name: str,
	status: str,
	action_doctype: str | None = None,
	action_name: str | None = None,
	error: str | None = None,
):
	log = frappe.qb.DocType(LOG)
	(
		frappe.qb.update(log)
		.set(log.status, status)
		.set(log.action_doctype, action_doctype)
		.set(log.action_name, action_name)
		.set(log.error, error)
		.set(log.fired_on, now_datetime())
		.where(log.name == log_name)
	).run()


def context(
	trigger,
	reference_doctype: str,
	reference_name: str,
	party_doctype: str | None,
	party: str | None,
	today: date,
	documents: dict[tuple[str, str], Document] | None = None,
) -> dict:
	"""What a trigger's templates see; records not in `documents` are loaded here."""

	def load(doctype, name):
		return (documents or {}).get((doctype, name)) or frappe.get_doc(doctype, name)

	doc = load(reference_doctype, reference_name)
	same = (party_doctype, party) == (reference_doctype, reference_name)
	return {
		"doc": doc,
		"party": doc if same else (load(party_doctype, party) if party_doctype and party else None),
		"trigger": trigger,
		"today": today,
	}


def load_documents(keys: list[tuple[str, str]]) -> dict[tuple[str, str], Document]:
	"""The (doctype, name) records as `frappe.get_doc` loads them, children included, with one
	query per table for all of them instead of one per table and record (a Sales Order has ~10)."""
	names_of: dict[str, set[str]] = {}
	for doctype, name in keys:
		if doctype and name:
			names_of.setdefault(doctype, set()).add(name)
	documents = {}
	for doctype, names in names_of.items():
		meta = frappe.get_meta(doctype)
		if meta.issingle or meta.is_virtual:
			continue  # left to frappe.get_doc
		tables = [df for df in meta.get_table_fields() if not frappe.get_meta(df.options).is_virtual]
		children: dict[tuple[str, str], list[dict]] = {}
		for df in tables:
			for row in frappe.db.get_values(
				df.options,
				{"parent": ("in", list(names)), "parenttype": doctype, "parentfield": df.fieldname},
				"*",
				as_dict=True,
				order_by="idx asc",
			):
				children.setdefault((row.parent, df.fieldname), []).append(row)
		for row in frappe.db.get_values(doctype, {"name": ("in", list(names))}, "*", as_dict=True):
			documents[(doctype, row.name)] = frappe.get_doc(
				{
					**row,
					"doctype": doctype,
					**{df.fieldname: children.get((row.name, df.fieldname), []) for df in tables},
				}
			)
	return documents


def sample_context(trigger, today: date) -> dict | None:
	"""A context from the newest record of the kind the trigger's event fires for, if any."""
	reference_doctype, party_field = SAMPLE_REFERENCE[trigger.event]
	fields = (
		["name"]
		+ ([party_field] if party_field else [])
		+ (["respondent_doctype"] if reference_doctype == "Campaign Response" else [])
	)
	sample = frappe.get_all(reference_doctype, fields=fields, order_by="creation desc", limit=1)
	if not sample:
		return None
	row = sample[0]
	party_doctype = row.get("respondent_doctype") or (
		"Customer" if party_field == "customer" else reference_doctype
	)
	party = row.get(party_field) if party_field else row.name
	return context(trigger, reference_doctype, row.name, party_doctype, party, today)


def render(template: str, ctx: dict) -> str:
	"""A trigger's template (description, or the Email Template it sends) in the sandbox of
	`engine.templating`: only `doc`, `party`, `trigger` and `today`, as plain data.

	A template that fails raises a translated ValidationError naming only the reason.
	"""
	with engine_errors(_("Invalid template")):
		return templating.render(template, templating.plain(ctx))


def _act_each(trigger, rows: list[dict], today: date, act) -> tuple[list[tuple[dict, object]], list]:
	"""`act(row, ctx)` for each row, each rolled back alone and marked Failed on failure.

	Returns the rows that succeeded with what `act` returned, and the failures.
	"""
	succeeded, failures = [], []
	documents = load_documents(
		[(row.reference_doctype, row.reference_name) for row in rows]
		+ [(row.party_doctype, row.party) for row in rows]
	)
	for row in rows:
		frappe.db.savepoint("marketing_trigger_record")
		try:
			ctx = context(
				trigger,
				row.reference_doctype,
				row.reference_name,
				row.party_doctype,
				row.party,
				today,
				documents,
			)
			result = act(row, ctx)
		except Exception as e:
			frappe.db.rollback(save_point="marketing_trigger_record")
			frappe.clear_messages()
			error = str(e) or repr(e)
			_mark(row.log_name, "Failed", error=error)
			failures.append((row, error))
		else:
			succeeded.append((row, result))
	return succeeded, failures


def _mark_done(action_doctype: str | None, done: list[tuple[str, str | None]]) -> None:
	"""Log rows (log name, action name) Done, pointing at what their action made: one UPDATE."""
	if not done:
		return
	log = frappe.qb.DocType(LOG)
	action_name = Case()
	for log_name, name in done:
		action_name = action_name.when(log.name == log_name, name)
	(
		frappe.qb.update(log)
		.set(log.status, "Done")
		.set(log.action_doctype, action_doctype)
		.set(log.action_name, action_name)
		.set(log.fired_on, now_datetime())
		.where(log.name.isin([log_name for log_name, _name in done]))
	).run()


def _assignee(trigger, row) -> str:
	user = row.owner_user or trigger.assign_to
	if not user:
		frappe.throw(
			_("{0} {1} has no Account Manager or Lead Owner, and the trigger has no Assign To").format(
				_(row.party_doctype), row.party
			)
		)
	return user


def _create_todo(trigger, rows, today, run_id):
	"""Descriptions rendered per record; the chunk's ToDos inserted together."""

	def act(row, ctx):
		return {
			"reference_type": row.reference_doctype,
			"reference_name": row.reference_name,
			"allocated_to": _assignee(trigger, row),
			"description": render(trigger.description, ctx),
			"date": today,
			"assigned_by": trigger.owner,
		}

	succeeded, failures = _act_each(trigger, rows, today, act)
	names = insert_todos([todo for _row, todo in succeeded], assignment_comments=True)
	_mark_done("ToDo", [(row.log_name, name) for (row, _todo), name in zip(succeeded, names, strict=True)])
	return failures


def _send_email(trigger, rows, today, run_id):
	"""Through the messaging layer: the template compiled once, the chunk's mails queued with one
	INSERT. Whom eligibility keeps from mail (unsubscribed, bounced, refused consent) is done
	without a mail; a record without an address, or whose mail does not render, fails alone."""
	renderer = EmailTemplateRenderer(trigger.email_template)
	outbox = EmailOutbox()
	send_after = after_quiet_hours()
	people = {
		row.log_name: {"member_doctype": row.party_doctype, "member": row.party, "email": row.email}
		for row in rows
	}
	eligibility.annotate(list(people.values()), "Email", count_pressure=False)

	def act(row, ctx):
		reason = skip_reason(people[row.log_name], "Email", already_done=False)
		if reason == "no_email":
			frappe.throw(_("{0} {1} has no email address").format(_(row.party_doctype), row.party))
		if reason:
			return None
		subject, body = renderer.render(ctx)
		email = row.email.strip()
		return Mail(
			recipient=email,
			subject=subject,
			html=body,
			reference_doctype=row.party_doctype,
			reference_name=row.party,
			unsubscribe_url=links.preference_url(row.party_doctype, row.party, email),
			send_after=send_after,
		)

	succeeded, failures = _act_each(trigger, rows, today, act)
	mailed = [(row, mail) for row, mail in succeeded if mail]
	names = outbox.queue([mail for _row, mail in mailed])
	_mark_done(
		"Email Queue", [(row.log_name, name) for (row, _mail), name in zip(mailed, names, strict=True)]
	)
	# a person eligibility keeps from mail gets nothing: done, without a queued mail
	_mark_done(None, [(row.log_name, None) for row, mail in succeeded if not mail])
	return failures


def _create_opportunity(trigger, rows, today, run_id):
	def act(row, ctx):
		return insert_opportunity(
			row.party_doctype,
			row.party,
			row.owner_user or trigger.assign_to,
			today,
			item=trigger.item,
			note=render(trigger.description, ctx) if trigger.description else None,
		)

	succeeded, failures = _act_each(trigger, rows, today, act)
	_mark_done("Opportunity", [(row.log_name, opportunity.name) for row, opportunity in succeeded])
	return failures


def insert_opportunity(
	party_doctype: str, party: str, owner: str | None, today: date, item: str | None = None, note=None
) -> Document:
	"""An Opportunity of the default company for a Customer, Lead or Prospect (a trigger's, a
	journey step's), owned by `owner`, with `item` and `note` if given."""
	if party_doctype not in OPPORTUNITY_PARTIES:
		frappe.throw(_("An Opportunity cannot be made for {0} {1}").format(_(party_doctype), party))
	return frappe.get_doc(
		{
			"doctype": "Opportunity",
			"opportunity_from": party_doctype,
			"party_name": party,
			"company": frappe.defaults.get_global_default("company"),
			"transaction_date": today,
			"opportunity_owner": owner,
			"items": [{"item_code": item, "qty": 1}] if item else [],
			"notes": [{"note": note, "added_on": now_datetime()}] if note else [],
		}
	).insert(ignore_permissions=True)


def _add_to_target_list(trigger, rows, today, run_id):
	"""Set-based, through the Target List's own add_members: every claimed party of the
	list's kind joins the list once, with source Rule (those already on it stay as they are)."""
	target_list = frappe.get_doc("Target List", trigger.target_list)
	fitting = [row for row in rows if row.party_doctype == target_list.member_doctype]
	if fitting:
		members.add_members(
			target_list, target_list.member_doctype, [row.party for row in fitting], source="Rule"
		)
	log, now = frappe.qb.DocType(LOG), now_datetime()
	mine = (log.run_id == run_id) & (log.status == "Claimed")
	(
		frappe.qb.update(log)
		.set(log.status, "Done")
		.set(log.action_doctype, members.MEMBER)
		# the member row's name is a digest of (list, member) whoever inserted it
		.set(log.action_name, Function("MD5", Concat(target_list.name, "\n", log.party)))
		.set(log.fired_on, now)
		.where(mine & (log.party_doctype == target_list.member_doctype))
	).run()
	error = _("Target List {0} holds {1} records").format(target_list.name, _(target_list.member_doctype))
	(
		frappe.qb.update(log)
		.set(log.status, "Failed")
		.set(log.error, error)
		.set(log.fired_on, now)
		.where(mine)
	).run()
	return [(row, error) for row in rows if row.party_doctype != target_list.member_doctype]


ACTIONS = {
	"Create ToDo": _create_todo,
	"Add To Target List": _add_to_target_list,
	"Send Email": _send_email,
	"Create Opportunity": _create_opportunity,
}


def _report_failures(trigger, failures: list[tuple[dict, str]]):
	lines = "\n".join(
		f"{row.reference_doctype} {row.reference_name}: {error}" for row, error in failures[:20]
	)
	message = _("{0} records failed in the run of {1}; the others went on. The first errors:").format(
		len(failures), frappe.format(now_datetime(), "Datetime")
	)
	trigger.add_comment("Comment", text=f"{message}<pre>{frappe.utils.escape_html(lines)}</pre>")
	frappe.log_error(
		title=_("Marketing Trigger {0}: {1} records failed").format(trigger.name, len(failures)),
		message=lines,
		reference_doctype="Marketing Trigger",
		reference_name=trigger.name,
	)
