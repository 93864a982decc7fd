"""Marketing Triggers: one set-based daily run against a per-customer Python loop.

    cd /opt/bench && CRM_SITE=<site> env/bin/python apps/crm_marketing_app/benchmarks/triggers.py [customers]

Builds `customers` customers (default 100,000) with three submitted Sales Orders
each, over 2.5 years, by bulk SQL inserts into tabCustomer, tabSales Order and
tabSales Order Item (real submits would take hours; the rows carry what sales
history reads: docstatus 1, customer, date, item, item group, amounts). Then 10
triggers (After Order on items / item groups with various offsets, No Order
Since) are evaluated for one day:

- baseline: a per-customer loop: one query for the customer's order lines, the
  triggers evaluated in Python with the same engine date arithmetic, one log
  look-up per due record;
- selection: the set-based due-record queries the daily job runs (same results,
  asserted);
- daily run: the full job, claiming in the log and creating the ToDos.

Everything it created is deleted at the end (also after a failure).
"""

import random
import sys
import time
from datetime import date, timedelta

import frappe
from common import connect

PREFIX = "BENCH-TRG-"
TODAY = date(2026, 7, 1)
FIRST_DAY = date(2024, 1, 1)
DAYS = 900
ITEMS = [(f"{PREFIX}ITEM-{i:02d}", "Services" if i < 3 else "Products") for i in range(10)]
BATCH = 2000


def insert_rows(table: str, columns: list[str], rows):
	cols = ", ".join(f"`{c}`" for c in columns)
	marks = "(" + ", ".join(["%s"] * len(columns)) + ")"
	for i in range(0, len(rows), BATCH):
		chunk = rows[i : i + BATCH]
		frappe.db.sql(
			f"INSERT INTO `{table}` ({cols}) VALUES {', '.join([marks] * len(chunk))}",
			[v for row in chunk for v in row],
		)


def build(customers: int, company: str) -> None:
	now = frappe.utils.now_datetime()
	std = [now, now, "Administrator", "Administrator"]
	insert_rows(
		"tabItem",
		[
			"name",
			"creation",
			"modified",
			"owner",
			"modified_by",
			"item_code",
			"item_name",
			"item_group",
			"stock_uom",
			"is_stock_item",
		],
		[[code, *std, code, code, group, "Nos", 0] for code, group in ITEMS],
	)
	groups = ["Commercial", "Individual", "Government"]
	insert_rows(
		"tabCustomer",
		[
			"name",
			"creation",
			"modified",
			"owner",
			"modified_by",
			"customer_name",
			"customer_type",
			"customer_group",
			"territory",
		],
		[
			[f"{PREFIX}C{c:06d}", *std, f"{PREFIX}C{c:06d}", "Company", groups[c % 3], "All Territories"]
			for c in range(customers)
		],
	)
	orders, lines, rng = [], [], random.Random(7)
	for c in range(customers):
		for k in range(3):
			n = c * 3 + k
			day = FIRST_DAY + timedelta(days=rng.randrange(DAYS))
			code, group = rng.choice(ITEMS)
			name = f"{PREFIX}SO{n:07d}"
			orders.append(
				[
					name,
					*std,
					1,
					f"{PREFIX}C{c:06d}",
					company,
					day,
					day,
					100.0,
					100.0,
					100.0,
					100.0,
					"To Deliver and Bill",
				]
			)
			lines.append(
				[
					f"{name}-1",
					*std,
					1,
					name,
					"Sales Order",
					"items",
					1,
					code,
					code,
					group,
					1,
					100.0,
					100.0,
					100.0,
					100.0,
					day,
					"Nos",
					1,
				]
			)
	insert_rows(
		"tabSales Order",
		[
			"name",
			"creation",
			"modified",
			"owner",
			"modified_by",
			"docstatus",
			"customer",
			"company",
			"transaction_date",
			"delivery_date",
			"net_total",
			"base_net_total",
			"grand_total",
			"base_grand_total",
			"status",
		],
		orders,
	)
	insert_rows(
		"tabSales Order Item",
		[
			"name",
			"creation",
			"modified",
			"owner",
			"modified_by",
			"docstatus",
			"parent",
			"parenttype",
			"parentfield",
			"idx",
			"item_code",
			"item_name",
			"item_group",
			"qty",
			"rate",
			"amount",
			"net_amount",
			"base_net_amount",
			"delivery_date",
			"uom",
			"conversion_factor",
		],
		lines,
	)
	frappe.db.commit()


TRIGGERS = [
	dict(item=f"{PREFIX}ITEM-03", offset_months=11, offset_days=2),
	dict(item=f"{PREFIX}ITEM-04", offset_months=1),
	dict(item=f"{PREFIX}ITEM-05", offset_months=6),
	dict(item=f"{PREFIX}ITEM-06", offset_days=45),
	dict(item=f"{PREFIX}ITEM-07", offset_months=12),
	dict(item_group="Services", offset_months=1),
	dict(item_group="Services", offset_months=3, customer_group="Government"),
	dict(item_group="Products", offset_months=2, offset_days=10),
	dict(event="No Order Since", offset_months=6),
	dict(event="No Order Since", offset_months=12, customer_group="Commercial"),
]


def make_triggers() -> list:
	docs = []
	for i, fields in enumerate(TRIGGERS):
		docs.append(
			frappe.get_doc(
				{
					"doctype": "Marketing Trigger",
					"trigger_name": f"{PREFIX}{i:02d}",
					"event": fields.pop("event", "After Order"),
					"action": "Create ToDo",
					"assign_to": "Administrator",
					"catch_up_days": 0,
					"description": "Call {{ party.customer_name }} about {{ doc.name }}",
					**fields,
				}
			).insert()
		)
	frappe.db.commit()
	return docs


def per_customer_loop(triggers, customers: list[str]) -> set:
	"""The baseline: each customer's orders fetched and every trigger evaluated in Python."""
	from frappe.utils.nestedset import get_descendants_of

	from crm_marketing_app.engine.triggers import due_date

	allowed = {
		t.name: {t.customer_group, *get_descendants_of("Customer Group", t.customer_group)}
		for t in triggers
		if t.customer_group
	}
	group_of = dict(
		frappe.db.sql(f"select name, customer_group from tabCustomer where name like '{PREFIX}%%'")
	)
	due = set()
	for customer in customers:
		lines = frappe.db.sql(
			"""select so.name, so.transaction_date, soi.item_code, soi.item_group
			from `tabSales Order` so join `tabSales Order Item` soi on soi.parent = so.name
			where so.customer = %s and so.docstatus = 1""",
			customer,
		)
		last_order = max((line[1] for line in lines), default=None)
		for t in triggers:
			if t.customer_group and group_of[customer] not in allowed[t.name]:
				continue
			if t.event == "No Order Since":
				hits = (
					[("Customer", customer)]
					if last_order and due_date(last_order, t.offset_months or 0, t.offset_days or 0) == TODAY
					else []
				)
			else:
				hits = {
					("Sales Order", name)
					for name, day, item, group in lines
					if (not t.item or item == t.item)
					and (not t.item_group or group == t.item_group)
					and due_date(day, t.offset_months or 0, t.offset_days or 0) == TODAY
				}
			for reference in hits:
				if not frappe.db.exists(
					"Marketing Trigger Log", {"marketing_trigger": t.name, "reference_name": reference[1]}
				):
					due.add((t.name, *reference))
	return due


def set_based(triggers) -> set:
	from crm_marketing_app.automation.selection import due_records

	return {
		(t.name, row.reference_doctype, row.reference_name)
		for t in triggers
		for row in due_records(t, TODAY).run(as_dict=True)
	}


def cleanup():
	frappe.db.rollback()
	names = frappe.get_all("Marketing Trigger", filters={"name": ("like", f"{PREFIX}%")}, pluck="name")
	frappe.db.sql("delete from `tabToDo` where reference_name like %s", f"{PREFIX}%")
	frappe.db.sql("delete from `tabMarketing Trigger Log` where marketing_trigger like %s", f"{PREFIX}%")
	# the run's failure reports on the triggers, the ToDos' assignment comments on orders and customers
	frappe.db.sql("delete from `tabComment` where reference_name like %s", f"{PREFIX}%")
	for name in names:
		frappe.delete_doc("Marketing Trigger", name, force=True)
	for table in ("tabSales Order Item", "tabSales Order", "tabCustomer", "tabItem"):
		frappe.db.sql(f"delete from `{table}` where name like %s", f"{PREFIX}%")
	frappe.db.commit()


def main():
	customers = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
	connect()
	from crm_marketing_app.automation.runner import run_trigger

	cleanup()
	company = (
		frappe.db.get_single_value("Global Defaults", "default_company")
		or frappe.get_all("Company", pluck="name")[0]
	)
	try:
		started = time.perf_counter()
		build(customers, company)
		print(
			f"built {customers:,} customers, {customers * 3:,} orders in {time.perf_counter() - started:.1f} s"
		)
		triggers = make_triggers()
		names = [f"{PREFIX}C{c:06d}" for c in range(customers)]

		started = time.perf_counter()
		expected = per_customer_loop(triggers, names)
		loop_s = time.perf_counter() - started

		started = time.perf_counter()
		selected = set_based(triggers)
		select_s = time.perf_counter() - started
		assert selected == expected, (sorted(selected - expected)[:5], sorted(expected - selected)[:5])

		started = time.perf_counter()
		fired = sum(run_trigger(t.name, TODAY)["fired"] for t in triggers)
		run_s = time.perf_counter() - started
		assert fired == len(expected), (fired, len(expected))

		acting_s = run_s - select_s
		print(f"due today: {len(expected):,} records across {len(triggers)} triggers")
		print(f"{'':44}{'seconds':>10}{'vs loop':>10}")
		print(f"{'per-customer loop: finds the due records':44}{loop_s:10.2f}{1:10.1f}x")
		print(f"{'set-based selection: the same records':44}{select_s:10.2f}{loop_s / select_s:10.1f}x")
		print(f"{'daily run: selection, claims, ToDos':44}{run_s:10.2f}{loop_s / run_s:10.1f}x")
		# acting (claims, renders, ToDos) costs the same whichever way the due records were found
		print(f"{'  of which claiming and acting':44}{acting_s:10.2f}{'':>10}")
		print(
			f"{'loop + the same acting, vs the daily run':44}{loop_s + acting_s:10.2f}{(loop_s + acting_s) / run_s:10.1f}x"
		)
	finally:
		cleanup()
		frappe.destroy()


if __name__ == "__main__":
	main()
