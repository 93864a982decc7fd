"""The one writer of bulk rows: many records of a DocType in a few INSERTs, with the standard columns.

`insert_rows` writes rows built in Python, `insert_select` rows an INSERT … SELECT builds in SQL.
Both fill `name` by the caller's naming rule and the standard columns (`creation`, `modified`,
`owner`, `modified_by`, `docstatus`, `idx`) unless a row sets them itself, and check every field
name against the DocType's meta.

Bulk rows skip what `Document.insert()` runs: Frappe's naming, the controller (`validate`,
`after_insert`, `on_update`) and every `doc_events` hook on the DocType. Each caller compensates
where it matters:

- Campaign Response `Sent` rows (campaign_execution/distribution.py) never reach the controller's
  `rescore_respondents` or the lead rollups. A Sent row names no lead, so `leads_generated` stays
  true; a Lead Score Rule that counts `Sent` sees them at the next full rescore (the daily
  `tasks.rescore_all`), not at once.
- Meeting Events and their participants (meetings.py: distribution, journeys) skip ERPNext's `after_insert`
  `link_events_with_prospect`, and hard-code Event's naming series "EV.#####" (`series_name`).
- ToDos and their "Assigned" comments (todos.py) skip ToDo's own `on_update`: todos.py writes the
  comment and the references' `_assign` itself.
- Campaign Attribution (attribution/records.py) shifts the Campaign revenue rollups itself.
- Target List Members (target_lists/members.py) are recounted on their lists; their names are the
  digest of (list, member), so SQL and the controller name a member alike.
- Email Group Members: the Email Group's subscriber count is updated by the caller.
- Marketing Trigger Log claims (automation/runner.py) are INSERT IGNOREd under the log's unique key;
  nothing to compensate. Journey Step Log claims (journeys/runner.py) likewise; their outcomes and
  the Journey Enrolments they move are written back by `update_rows`.
- Email Queue and Email Queue Recipient rows (messaging/outbox.py) are what Frappe's own
  `QueueBuilder` would write, MIME text included; Frappe's flush sends them as any queued mail.
- Failed, Bounced and Accepted Campaign Responses (messaging/) are like Sent ones: no rescore at once.
- Email Bounce rows are INSERT IGNOREd under (message_id, email); the caller marks the lists.
- Personal Coupon Codes (offers/coupons.py) are named by their code, as Coupon Code's own
  `field:coupon_name` naming would; its controller only checks Gift Cards, which these are not.
"""

from collections.abc import Callable, Iterable
from contextlib import contextmanager

import frappe
from frappe import _
from frappe.model import child_table_fields, default_fields
from frappe.model.naming import getseries
from frappe.query_builder.terms import NamedParameterWrapper, ValueWrapper
from frappe.utils import now

STANDARD_COLUMNS = ("creation", "modified", "owner", "modified_by", "docstatus", "idx")
BATCH = 500  # rows per INSERT: 500 mails with their MIME text stay far below max_allowed_packet


def random_name(row: dict) -> str:
	"""Frappe's hash naming (`autoname: hash`), ten characters."""
	return frappe.generate_hash(length=10)


def series_name(prefix: str, digits: int = 5) -> Callable[[dict], str]:
	"""A naming series `prefix.#####` as Frappe's naming would give it, for DocTypes named that way."""
	return lambda row: prefix + getseries(prefix, digits)


def insert_rows(
	doctype: str,
	rows: Iterable[dict],
	*,
	name: Callable[[dict], str] = random_name,
	timestamp: str | None = None,
	ignore_duplicates: bool = False,
) -> list[str]:
	"""Inserts `rows` (dicts of the same fields) into `doctype`; returns their names in order.

	`name(row)` names each row; `ignore_duplicates` makes it INSERT IGNORE (a row whose unique key
	exists already is left out)."""
	rows = list(rows)
	if not rows:
		return []
	fields = list(rows[0])
	check_fields(doctype, fields)
	stamp, user = timestamp or now(), frappe.session.user
	standard = {
		"creation": stamp,
		"modified": stamp,
		"owner": user,
		"modified_by": user,
		"docstatus": 0,
		"idx": 0,
	}
	filled = [column for column in STANDARD_COLUMNS if column not in fields]
	names = [name(row) for row in rows]
	columns = ["name", *filled, *fields]
	values = [
		(row_name, *(standard[column] for column in filled), *(row[field] for field in fields))
		for row_name, row in zip(names, rows, strict=True)
	]
	# One multi-row INSERT per batch with the values as parameters: `frappe.db.bulk_insert` builds
	# the same statement through pypika, which costs ~5 µs a value (more than rendering a mail).
	placeholders = "(" + ", ".join(["%s"] * len(columns)) + ")"
	head = "INSERT IGNORE INTO" if ignore_duplicates else "INSERT INTO"
	column_sql = ", ".join(f"`{column}`" for column in columns)
	with quotes_only():
		for start in range(0, len(values), BATCH):
			batch = values[start : start + BATCH]
			frappe.db.sql(
				f"{head} `tab{doctype}` ({column_sql}) VALUES {', '.join([placeholders] * len(batch))}",
				[value for row in batch for value in row],
			)
	return names


@contextmanager
def quotes_only():
	"""The session's SQL mode with NO_BACKSLASH_ESCAPES while the block runs.

	Escaping the parameters is most of a multi-row INSERT of long texts (a mail's MIME text):
	PyMySQL translates each string character by character, unless the server says backslashes
	are plain characters, when doubling the quotes is the whole escape (one `str.replace`,
	~10x faster). The values stay parameters; the session's mode is put back afterwards."""
	mode = frappe.db.sql("SELECT @@SESSION.sql_mode")[0][0]
	if "NO_BACKSLASH_ESCAPES" in mode.split(","):
		yield
		return
	frappe.db.sql("SET SESSION sql_mode = %s", (",".join(filter(None, (mode, "NO_BACKSLASH_ESCAPES"))),))
	try:
		yield
	finally:
		frappe.db.sql("SET SESSION sql_mode = %s", (mode,))


def update_rows(doctype: str, rows: Iterable[dict]) -> None:
	"""Sets each row's own values (dicts of the same fields, with `name`) on existing records of
	`doctype`: one INSERT … ON DUPLICATE KEY UPDATE per batch, where a CASE per column would grow with
	the square of the chunk. Every name must exist (a missing one would be inserted): callers update
	only rows they hold in this transaction (journey claims)."""
	rows = list(rows)
	if not rows:
		return
	fields = [field for field in rows[0] if field != "name"]
	check_fields(doctype, fields)
	columns = ["name", *fields]
	placeholders = "(" + ", ".join(["%s"] * len(columns)) + ")"
	column_sql = ", ".join(f"`{column}`" for column in columns)
	updates = ", ".join(f"`{field}` = VALUES(`{field}`)" for field in fields)
	for start in range(0, len(rows), BATCH):
		batch = rows[start : start + BATCH]
		frappe.db.sql(
			f"INSERT INTO `tab{doctype}` ({column_sql}) VALUES {', '.join([placeholders] * len(batch))}"
			f" ON DUPLICATE KEY UPDATE {updates}",
			[row[column] for row in batch for column in columns],
		)


def insert_select(
	doctype: str, source, values: dict, *, name, where=None, ignore_duplicates: bool = False
) -> int:
	"""INSERT INTO `doctype` … SELECT `name`, the standard columns and `values` (field: term) FROM
	`source` [WHERE `where`]; the query's values go as parameters. Returns the rows inserted.
	`ignore_duplicates` makes it INSERT IGNORE (rows whose unique key exists are left out)."""
	check_fields(doctype, list(values))
	stamp, user = now(), frappe.session.user
	select = frappe.qb.from_(source).select(
		name, *map(ValueWrapper, (stamp, stamp, user, user, 0, 0)), *values.values()
	)
	if where is not None:
		select = select.where(where)
	columns = ", ".join(f"`{column}`" for column in ("name", *STANDARD_COLUMNS, *values))
	params = NamedParameterWrapper()
	sql = select.get_sql(param_wrapper=params)
	head = "INSERT IGNORE INTO" if ignore_duplicates else "INSERT INTO"
	frappe.db.sql(f"{head} `tab{doctype}` ({columns}) {sql}", params.get_parameters())
	return frappe.db._cursor.rowcount


def check_fields(doctype: str, fields: list[str]) -> None:
	meta = frappe.get_meta(doctype)
	unknown = [
		field
		for field in fields
		if field not in default_fields and field not in child_table_fields and not meta.has_field(field)
	]
	if unknown:
		frappe.throw(_("{0} has no field {1}").format(_(doctype), ", ".join(unknown)))
