"""Fixes to host bugs that would otherwise leak data through the app's permission levels.

Applied once, when the package is imported (every request imports it through the app's
`before_request` hook).

Frappe 15.72's `DatabaseQuery.apply_fieldlevel_read_permissions` removes unreadable fields from
`self.fields` while enumerating it, so the field right after a removed one is never checked:
`get_list("Campaign Activity", fields=["planned_cost", "actual_cost"])` returned `actual_cost` to a
Sales User. Running the removal until nothing more is removed checks every field; a pass that removes
nothing changes nothing. Fixed upstream in frappe/frappe#32192.
"""


def apply() -> None:
	try:
		from frappe.model.db_query import DatabaseQuery
	except ImportError:  # the package imported without Frappe (a build reading __version__)
		return
	original = DatabaseQuery.apply_fieldlevel_read_permissions
	if getattr(original, "checks_every_field", False):
		return

	def apply_fieldlevel_read_permissions(self):
		while True:
			before = list(self.fields)
			original(self)
			if self.fields == before:
				return

	apply_fieldlevel_read_permissions.checks_every_field = True
	DatabaseQuery.apply_fieldlevel_read_permissions = apply_fieldlevel_read_permissions
