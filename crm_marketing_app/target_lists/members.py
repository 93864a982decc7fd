"""Set-based work on the members of Target Lists: refresh, add, merge, copy,
export to an Email Group, and keeping the Unsubscribed status true.

Members are never loaded into Python: every change is one INSERT … SELECT,
UPDATE … JOIN or DELETE. Rows get a deterministic name (`member_row_name`) so
that SQL and the controller name them alike.
"""

import hashlib

import frappe
from frappe import _
from frappe.query_builder import Case, Criterion
from frappe.query_builder.functions import Concat, Count, Function
from frappe.query_builder.terms import SubQuery, ValueWrapper
from frappe.utils import now_datetime

from crm_marketing_app import jobs
from crm_marketing_app.bulk import insert_select
from crm_marketing_app.target_lists import query as q

MEMBER = "Target List Member"
MERGE_MODES = ("union", "intersect", "subtract")


def member_table():
	"""Target List Member, aliased so that correlated subqueries and UPDATE … JOIN name its
	columns unambiguously (pypika qualifies SET columns only through an alias)."""
	return frappe.qb.DocType(MEMBER).as_("t")


def member_row_name(target_list: str, member: str) -> str:
	return hashlib.md5(f"{target_list}\n{member}".encode()).hexdigest()


def _insert(target_list, rows, source: str) -> int:
	"""INSERT … SELECT of `rows` (member, member_name, email, phone, status) not yet on the list."""
	tlm = frappe.qb.DocType(MEMBER)
	src = rows.as_("src")
	on_list = frappe.qb.from_(tlm).select(tlm.member).where(tlm.target_list == target_list.name)
	return insert_select(
		MEMBER,
		src,
		{
			"target_list": ValueWrapper(target_list.name),
			"member_doctype": ValueWrapper(target_list.member_doctype),
			"member": src.member,
			"member_name": src.member_name,
			"email": src.email,
			"phone": src.phone,
			"source": ValueWrapper(source),
			"status": src.status,
		},
		name=Function("MD5", Concat(target_list.name, "\n", src.member)),
		where=src.member.notin(on_list),
	)


def refresh(target_list_name: str) -> int:
	"""Rebuilds the rule members of a list and re-reads everyone's details and status.

	All in one savepoint: if anything fails, the old members stay as they were.
	Returns the number of active members."""
	doc = frappe.get_doc("Target List", target_list_name)
	progress = _progress(doc)
	progress(5)
	tree = q.compile_for(doc.member_doctype, doc.conditions) if doc.list_type == "Dynamic" else None
	savepoint = "target_list_refresh"
	frappe.db.savepoint(savepoint)
	try:
		if tree is not None:
			rows_table = frappe.qb.DocType(MEMBER)
			frappe.qb.from_(rows_table).delete().where(
				(rows_table.target_list == doc.name) & (rows_table.source == "Rule")
			).run()
			progress(30)
			rows = q.member_rows(doc, tree, exclude_unsubscribed=bool(doc.exclude_unsubscribed))[0]
			_insert(doc, rows, "Rule")
		progress(80)
		tlm = member_table()
		# rule rows were just read from their records; re-read the others
		sync_members(doc.member_doctype, (tlm.target_list == doc.name) & (tlm.source != "Rule"))
		count = recount([doc.name], refreshed=True)[doc.name]
	except frappe.QueryDeadlockError:
		raise  # the server has rolled the whole transaction back already, savepoint included
	except Exception:
		frappe.db.rollback(save_point=savepoint)
		raise
	progress(100)
	frappe.publish_realtime(
		"target_list_refreshed", {"name": doc.name}, doctype=doc.doctype, docname=doc.name
	)
	return count


def _progress(doc):
	def publish(percent):
		frappe.publish_progress(percent, title=_("Refreshing members"), doctype=doc.doctype, docname=doc.name)

	return publish


def sync_members(member_doctype: str, where) -> None:
	"""Re-reads name, email, phone and the Active/Unsubscribed status of the member rows
	of `member_doctype` matching `where` from their records (Bounced/Excluded stay)."""
	tlm, table = member_table(), frappe.qb.DocType(member_doctype).as_("m")
	name, email, phone, own_flag = q.contact_columns(member_doctype, table)
	unsubscribed = q.unsubscribed_criterion(member_doctype, tlm.target_list, table.name, email, own_flag)
	(
		frappe.qb.update(tlm)
		.join(table)
		.on(table.name == tlm.member)
		.set(tlm.member_name, name)
		.set(tlm.email, email)
		.set(tlm.phone, phone)
		.set(tlm.status, Case().when(unsubscribed, "Unsubscribed").else_("Active"))
		.where((tlm.member_doctype == member_doctype) & tlm.status.isin(["Active", "Unsubscribed"]) & where)
		.run()
	)


def recount(names: list[str], refreshed: bool = False) -> dict[str, int]:
	"""Sets member_count (active members) of the lists `names`; returns the counts."""
	if not names:
		return {}
	target, tlm = frappe.qb.DocType("Target List").as_("tl"), member_table()
	active = (
		frappe.qb.from_(tlm)
		.select(Count("*"))
		.where((tlm.target_list == target.name) & (tlm.status == "Active"))
	)
	update = (
		frappe.qb.update(target).set(target.member_count, SubQuery(active)).where(target.name.isin(names))
	)
	if refreshed:
		update = update.set(target.last_refreshed_on, now_datetime())
	update.run()
	return dict(
		frappe.get_all(
			"Target List", filters={"name": ("in", names)}, fields=["name", "member_count"], as_list=True
		)
	)


def bump_count(target_list: str, delta: int) -> None:
	target = frappe.qb.DocType("Target List")
	frappe.qb.update(target).set(target.member_count, target.member_count + delta).where(
		target.name == target_list
	).run()


def lists_of(where) -> list[str]:
	tlm = member_table()
	return frappe.qb.from_(tlm).select(tlm.target_list).distinct().where(where).run(pluck=True)


def check_holds(target_list, member_doctype: str) -> None:
	if member_doctype != target_list.member_doctype:
		frappe.throw(
			_("Target List {0} holds {1} records, not {2}").format(
				target_list.name, _(target_list.member_doctype), _(member_doctype)
			)
		)


def add_members(target_list, member_doctype: str, members: list[str], source: str = "Manual") -> int:
	"""Adds existing records to a list (those already on it are skipped); returns how many were added."""
	check_holds(target_list, member_doctype)
	members = list(dict.fromkeys(m for m in members if m))
	found = (
		set(frappe.get_all(member_doctype, filters={"name": ("in", members)}, pluck="name"))
		if members
		else set()
	)
	if missing := [m for m in members if m not in found]:
		frappe.throw(_("{0} not found: {1}").format(_(member_doctype), ", ".join(missing[:20])))
	if not members:
		return 0
	rows, table = q.member_rows(target_list)
	added = _insert(target_list, rows.where(table.name.isin(members)), source)
	recount([target_list.name])
	return added


def _check_same_kind(target_list, other) -> None:
	if target_list.member_doctype != other.member_doctype:
		frappe.throw(
			_("Lists {0} ({1}) and {2} ({3}) hold different kinds of records").format(
				target_list.name, _(target_list.member_doctype), other.name, _(other.member_doctype)
			)
		)


def copy_rows(source_list, into_list, source: str) -> int:
	"""Adds the members of `source_list` missing from `into_list`, keeping their details and status."""
	_check_same_kind(source_list, into_list)
	tlm = frappe.qb.DocType(MEMBER)
	rows = (
		frappe.qb.from_(tlm)
		.select(tlm.member, tlm.member_name, tlm.email, tlm.phone, tlm.status)
		.where(tlm.target_list == source_list.name)
	)
	added = _insert(into_list, rows, source)
	recount([into_list.name])
	return added


def merge(target_list, other, mode: str) -> int:
	"""union adds the other list's members, intersect keeps only members also on it,
	subtract removes members also on it. Returns the active member count."""
	if mode not in MERGE_MODES:
		frappe.throw(_("Merge mode must be one of {0}").format(", ".join(MERGE_MODES)))
	_check_same_kind(target_list, other)
	if mode == "union":
		copy_rows(other, target_list, "Merge")
	else:
		tlm = frappe.qb.DocType(MEMBER)
		# MariaDB reads the table it deletes from only through a derived table
		other_members = (
			frappe.qb.from_(tlm).select(tlm.member).where(tlm.target_list == other.name).as_("other_members")
		)
		on_other = tlm.member.isin(frappe.qb.from_(other_members).select(other_members.member))
		frappe.qb.from_(tlm).delete().where(
			(tlm.target_list == target_list.name) & (on_other if mode == "subtract" else on_other.negate())
		).run()
	return recount([target_list.name])[target_list.name]


def export_to_email_group(target_list) -> str:
	"""Adds the emails of the list's active members to an Email Group named after the list
	(created if missing), for Frappe's Newsletter. Returns the group's name."""
	if not frappe.db.exists("Email Group", target_list.list_name):
		frappe.get_doc({"doctype": "Email Group", "title": target_list.list_name}).insert()
	group = frappe.get_doc("Email Group", target_list.list_name)
	tlm, egm = frappe.qb.DocType(MEMBER), frappe.qb.DocType("Email Group Member")
	in_group = frappe.qb.from_(egm).select(egm.email).where(egm.email_group == group.name)
	emails = (
		frappe.qb.from_(tlm)
		.select(tlm.email)
		.distinct()
		.where(
			(tlm.target_list == target_list.name)
			& (tlm.status == "Active")
			& Criterion.all([tlm.email.notnull(), tlm.email != ""])
			& tlm.email.notin(in_group)
		)
	).as_("e")
	insert_select(
		"Email Group Member",
		emails,
		{"email_group": ValueWrapper(group.name), "email": emails.email, "unsubscribed": ValueWrapper(0)},
		name=Function("MD5", Concat(group.name, "\n", emails.email)),
	)
	group.update_total_subscribers()
	return group.name


def on_person_update(doc, method=None) -> None:
	"""Lead / Contact on_update: a change of `unsubscribed` or contact details reaches their list rows."""
	if doc.flags.in_insert or not any(
		doc.has_value_changed(f) for f in ("unsubscribed", "email_id", "mobile_no", "phone")
	):
		return
	tlm = member_table()
	where = (tlm.member_doctype == doc.doctype) & (tlm.member == doc.name)
	sync_members(doc.doctype, where)
	recount(lists_of(where))


def on_email_unsubscribe(doc, method=None) -> None:
	"""Email Unsubscribe after_insert / on_trash: re-read the status of the rows with that address."""
	tlm = member_table()
	where = tlm.email == doc.email
	if doc.reference_doctype in q.MEMBER_DOCTYPES and doc.reference_name:
		where = where | ((tlm.member_doctype == doc.reference_doctype) & (tlm.member == doc.reference_name))
	names = lists_of(where)
	for member_doctype in q.MEMBER_DOCTYPES:
		sync_members(member_doctype, where)
	recount(names)


def refresh_dynamic_lists(target_list: str | None = None) -> dict[str, int]:
	"""Refreshes one list, or every Dynamic list, each in its own transaction
	(crm_marketing_app.jobs.commit_chunk): a list that fails is logged and keeps its old members, the others go on.
	Safe to re-run. Returns the active member count per list refreshed."""
	names = (
		[target_list]
		if target_list
		else frappe.get_all("Target List", filters={"list_type": "Dynamic"}, pluck="name", order_by="name")
	)
	counts = {}
	for name in names:
		try:
			counts[name] = refresh(name)
		except Exception:
			if target_list:
				raise
			frappe.log_error(
				title=_("Target List refresh failed: {0}").format(name),
				reference_doctype="Target List",
				reference_name=name,
			)
			continue
		jobs.commit_chunk()
	return counts
