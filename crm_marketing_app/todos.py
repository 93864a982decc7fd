"""ToDos in bulk: what `frappe.get_doc("ToDo").insert()` leaves behind, for many at a time.

A ToDo document costs ~40 queries (its own insert, the assignment comment loading the
reference document, `_assign` re-read and re-written); a campaign's calls or a trigger's
tasks are thousands. Here the ToDo rows, their "Assigned" comments and the references'
`_assign` are written with a few statements per chunk.
"""

import frappe
from frappe import _
from frappe.utils import get_fullname, now

TODO_FIELDS = [
	"name", "creation", "modified", "modified_by", "owner", "status", "priority", "date",
	"description", "reference_type", "reference_name", "allocated_to", "assigned_by",
]  # fmt: skip
COMMENT_FIELDS = [
	"name", "creation", "modified", "modified_by", "owner", "comment_type", "comment_email",
	"reference_doctype", "reference_name", "content",
]  # fmt: skip


def insert_todos(todos: list[dict], assignment_comments: bool = False) -> list[str]:
	"""Inserts open ToDos; returns their names in the order given.

	Each dict has `reference_type`, `reference_name`, `allocated_to`, `description`, `date`
	and `assigned_by`. The references' `_assign` gets the users; with `assignment_comments`
	each reference also gets ToDo's own "Assigned" comment on its timeline.
	"""
	if not todos:
		return []
	timestamp, user = now(), frappe.session.user
	names = [frappe.generate_hash(length=10) for _todo in todos]
	frappe.db.bulk_insert(
		"ToDo",
		TODO_FIELDS,
		[
			(name, timestamp, timestamp, user, user, "Open", "Medium", todo["date"], todo["description"],
			 todo["reference_type"], todo["reference_name"], todo["allocated_to"], todo["assigned_by"])
			for name, todo in zip(names, todos, strict=True)
		],
	)  # fmt: skip
	if assignment_comments:
		frappe.db.bulk_insert(
			"Comment",
			COMMENT_FIELDS,
			[
				(frappe.generate_hash(length=10), timestamp, timestamp, user, user, "Assigned", user,
				 todo["reference_type"], todo["reference_name"], assignment_message(todo))
				for todo in todos
			],
		)  # fmt: skip
	mark_assigned([(todo["reference_type"], todo["reference_name"], todo["allocated_to"]) for todo in todos])
	return names


def assignment_message(todo: dict) -> str:
	"""The comment text ToDo.validate writes for a new assignment."""
	if todo["assigned_by"] == todo["allocated_to"]:
		return _("{0} self assigned this task: {1}").format(
			get_fullname(todo["assigned_by"]), todo["description"]
		)
	return _("{0} assigned {1}: {2}").format(
		get_fullname(todo["assigned_by"]), get_fullname(todo["allocated_to"]), todo["description"]
	)


def mark_assigned(assignments: list[tuple[str, str, str]]) -> None:
	"""Adds the user to `_assign` of each (doctype, name, user), as a ToDo's own on_update would,
	so the tasks show under "Assigned To" on the records; one UPDATE per (DocType, user)."""
	groups: dict[tuple[str, str], list[str]] = {}
	for doctype, name, user in assignments:
		groups.setdefault((doctype, user), []).append(name)
	for (doctype, user), names in groups.items():
		meta = frappe.get_meta(doctype)  # the table name below is that of an existing DocType
		if meta.istable or meta.issingle or meta.is_virtual:
			continue
		frappe.db.sql(
			f"""UPDATE `tab{meta.name}` SET `_assign` = CASE
				WHEN `_assign` IS NULL OR `_assign` IN ('', '[]') THEN JSON_ARRAY(%(user)s)
				WHEN JSON_CONTAINS(`_assign`, JSON_QUOTE(%(user)s)) THEN `_assign`
				ELSE JSON_ARRAY_APPEND(`_assign`, '$', %(user)s) END
			WHERE `name` IN %(names)s""",
			{"user": user, "names": names},
		)
