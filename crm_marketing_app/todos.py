"""ToDos in bulk: what `frappe.get_doc("ToDo").insert()` leaves behind, for many at a time.

A ToDo document costs ~40 queries (its own insert, the assignment comment loading the
reference document, `_assign` re-read and re-written); a campaign's calls or a trigger's
tasks are thousands. Here the ToDo rows, their "Assigned" comments and the references'
`_assign` are written with a few statements per chunk.
"""

import frappe
from frappe import _
from frappe.utils import get_fullname, now

from crm_marketing_app.bulk import insert_rows


def insert_todos(todos: list[dict], assignment_comments: bool = False) -> list[str]:
	"""Inserts open ToDos; returns their names in the order given.

	Each dict has `reference_type`, `reference_name`, `allocated_to`, `description`, `date`
	and `assigned_by`. The references' `_assign` gets the users; with `assignment_comments`
	each reference also gets ToDo's own "Assigned" comment on its timeline.
	"""
	if not todos:
		return []
	timestamp, user = now(), frappe.session.user
	names = insert_rows(
		"ToDo",
		[
			{
				"status": "Open",
				"priority": "Medium",
				"date": todo["date"],
				"description": todo["description"],
				"reference_type": todo["reference_type"],
				"reference_name": todo["reference_name"],
				"allocated_to": todo["allocated_to"],
				"assigned_by": todo["assigned_by"],
			}
			for todo in todos
		],
		timestamp=timestamp,
	)
	if assignment_comments:
		insert_rows(
			"Comment",
			[
				{
					"comment_type": "Assigned",
					"comment_email": user,
					"reference_doctype": todo["reference_type"],
					"reference_name": todo["reference_name"],
					"content": assignment_message(todo),
				}
				for todo in todos
			],
			timestamp=timestamp,
		)
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
