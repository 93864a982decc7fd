"""Milestone ToDos of a Campaign Activity, kept in step with its milestones."""

import frappe
from frappe import _


def sync_todos(activity) -> None:
	"""One ToDo per milestone for its responsible (else the activity's); safe to run on every save.

	A completed milestone closes its ToDo, a removed milestone or a cancelled
	activity cancels it, a changed date or responsible updates it.
	"""
	kept = set()
	existing = set(
		frappe.get_all(
			"ToDo",
			filters={"name": ("in", [r.todo for r in activity.milestones if r.todo] or [""])},
			pluck="name",
		)
	)
	for row in activity.milestones:
		user = row.responsible or activity.responsible
		if not user:
			continue
		wanted = {
			"allocated_to": user,
			"date": row.due_date,
			"description": _("Milestone {0} of {1}").format(row.milestone, activity.subject),
			"status": "Cancelled"
			if activity.status == "Cancelled"
			else ("Closed" if row.completed else "Open"),
		}
		todo = frappe.get_doc("ToDo", row.todo) if row.todo in existing else None
		if todo is None:
			todo = frappe.get_doc(
				{
					"doctype": "ToDo",
					"reference_type": activity.doctype,
					"reference_name": activity.name,
					"assigned_by": frappe.session.user,
					**wanted,
				}
			).insert(ignore_permissions=True)
			row.db_set("todo", todo.name, update_modified=False)
		elif any(str(todo.get(k) or "") != str(v or "") for k, v in wanted.items()):
			todo.update(wanted)
			todo.save(ignore_permissions=True)
		kept.add(todo.name)
	before = activity.get_doc_before_save()
	dropped = {row.todo for row in (before.milestones if before else []) if row.todo} - kept
	if dropped:
		frappe.db.set_value("ToDo", {"name": ("in", list(dropped))}, "status", "Cancelled")


def remove_todos(activity) -> None:
	todos = [row.todo for row in activity.milestones if row.todo]
	if todos:
		frappe.db.delete("ToDo", {"name": ("in", todos)})
