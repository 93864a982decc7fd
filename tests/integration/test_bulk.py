"""The one bulk-row writer: what goes in comes back, whatever the characters, and the session's SQL
mode it changes for its escaping is put back, also when an INSERT fails."""

import frappe
import pytest
from pymysql.err import IntegrityError

from crm_marketing_app.bulk import insert_rows


def sql_mode() -> str:
	return frappe.db.sql("SELECT @@SESSION.sql_mode")[0][0]


def test_insert_rows_keeps_every_character_and_puts_the_sql_mode_back():
	mode = sql_mode()
	assert "NO_BACKSLASH_ESCAPES" not in mode
	texts = [
		'O\'Brien said "hi"',
		"back\\slash \\' \\\" \\n \\\\ and a real\nnewline\r\n\ttab",
		"=3D quoted-printable=\nsoft break, \x1a, Київ, Москва ''",
	]
	names = insert_rows(
		"ToDo", [{"description": text, "status": "Open", "allocated_to": "Administrator"} for text in texts]
	)

	assert [frappe.db.get_value("ToDo", name, "description") for name in names] == texts
	assert sql_mode() == mode
	# a failing INSERT (the name exists) leaves the mode as it was, too
	with pytest.raises(IntegrityError):
		insert_rows("ToDo", [{"description": "again", "status": "Open"}], name=lambda row: names[0])
	assert sql_mode() == mode
	# and a quote in a value still cannot end the string early
	(name,) = insert_rows("ToDo", [{"description": "x'), ('injected", "status": "Open"}])
	assert frappe.db.get_value("ToDo", name, "description") == "x'), ('injected"
	assert not frappe.db.exists("ToDo", {"description": "injected"})
