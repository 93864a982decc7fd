"""Target Lists on a live site: the three exhibition groups, merge modes, import,
unsubscribe, bad input and a refresh that fails half-way."""

import csv
import io

import frappe
import pytest
from frappe.utils import random_string

from crm_marketing_app.target_lists import api, members
from tests.integration.helpers import (
	make_customer,
	make_item,
	make_sales_invoice,
	make_sales_order,
	make_user,
)

CUTOFF = "2025-07-01"
UPSELL = "crm_tl_upsell_potential"


def drop_upsell_field():
	"""Frappe keeps the column of a deleted Custom Field: drop both (DDL, commits)."""
	frappe.db.rollback()
	frappe.db.delete("Custom Field", {"dt": "Customer", "fieldname": UPSELL})
	if frappe.db.has_column("Customer", UPSELL):
		frappe.db.sql_ddl(f"ALTER TABLE `tabCustomer` DROP COLUMN `{UPSELL}`")
	frappe.db.commit()
	frappe.clear_cache(doctype="Customer")


def make_lead(**fields) -> str:
	tag = random_string(8).lower()
	return (
		frappe.get_doc(
			{
				"doctype": "Lead",
				"first_name": f"TL {tag}",
				"email_id": fields.pop("email_id", f"tl-{tag}@example.com"),
				**fields,
			}
		)
		.insert()
		.name
	)


def make_list(member_doctype="Lead", conditions=(), **fields):
	return frappe.get_doc(
		{
			"doctype": "Target List",
			"list_name": f"TL {random_string(10)}",
			"member_doctype": member_doctype,
			"list_type": "Dynamic" if conditions else "Static",
			# (field, operator, value), or a dict with group, campaign, … too
			"conditions": [
				c if isinstance(c, dict) else dict(zip(("field", "operator", "value"), c, strict=True))
				for c in conditions
			],
			**fields,
		}
	).insert()


def member_status(target_list) -> dict[str, str]:
	name = target_list if isinstance(target_list, str) else target_list.name
	rows = frappe.get_all("Target List Member", filters={"target_list": name}, fields=["member", "status"])
	return {r.member: r.status for r in rows}


def member_count(target_list) -> int:
	return frappe.db.get_value("Target List", target_list.name, "member_count")


def test_three_exhibition_groups():
	"""Customers who bought refrigeration after the cut-off with medium/high upsell potential;
	customers still running equipment bought before it; Leads of the target segments
	who never bought."""
	drop_upsell_field()  # left over by an interrupted run
	upsell = frappe.get_doc(
		{
			"doctype": "Custom Field",
			"dt": "Customer",
			"fieldname": UPSELL,
			"label": "Upsell Potential",
			"fieldtype": "Select",
			"options": "\nLow\nMedium\nHigh",
			"insert_after": "customer_group",
		}
	).insert()  # DDL: commits
	try:
		group = frappe.get_doc(
			{
				"doctype": "Item Group",
				"item_group_name": f"TL Refrigeration {random_string(6)}",
				"parent_item_group": "All Item Groups",
			}
		).insert()
		fridge = make_item(item_group=group.name)
		other = make_item()

		def customer(potential=""):
			return make_customer(**{upsell.fieldname: potential})

		new_high, new_low, mixed_medium, old_only, old_by_invoice, other_item, draft_only = (
			customer("High"), customer("Low"), customer("Medium"), customer("High"), customer(), customer("High"), customer("High")
		)  # fmt: skip
		make_sales_order(new_high, [(fridge, 1, 5000)], "2025-09-10")
		make_sales_order(new_low, [(fridge, 1, 4000)], "2025-08-01")
		make_sales_order(mixed_medium, [(fridge, 1, 3000)], "2025-02-01")
		make_sales_order(mixed_medium, [(fridge, 2, 3000), (other, 1, 10)], "2025-10-01")
		make_sales_order(old_only, [(fridge, 1, 3500)], "2025-03-10")
		make_sales_invoice(old_by_invoice, [(fridge, 1, 2500)], "2025-04-01")
		make_sales_order(other_item, [(other, 5, 100)], "2025-09-01")
		make_sales_order(draft_only, [(fridge, 1, 3500)], "2025-03-10", submit=False)

		recent_buyers = make_list(
			"Customer",
			[
				("ordered_item_group", "=", group.name),
				("ordered_after", "=", CUTOFF),
				(upsell.fieldname, "in", "Medium,High"),
			],
			channel="Meeting",
		)
		recent_buyers.refresh_members()
		assert member_status(recent_buyers) == {new_high: "Active", mixed_medium: "Active"}
		assert member_count(recent_buyers) == 2

		old_equipment = make_list(
			"Customer",
			[
				("ordered_item_group", "=", group.name),
				("ordered_before", "=", CUTOFF),
				("last_order_date", "<", CUTOFF),
			],
			channel="Postal Mail",
		)
		old_equipment.refresh_members()
		assert set(member_status(old_equipment)) == {old_only, old_by_invoice}

		# Contacts reach sales history through their Customer
		contact = frappe.get_doc(
			{
				"doctype": "Contact",
				"first_name": f"TL {random_string(6)}",
				"links": [{"link_doctype": "Customer", "link_name": new_high}],
			}
		).insert()
		contacts = make_list("Contact", [("ordered_item_group", "=", group.name), ("order_count", ">=", "1")])
		contacts.refresh_members()
		assert set(member_status(contacts)) == {contact.name}

		# Leads of the target segment: never bought (plain or having enquired), not unsubscribed
		segment = (
			frappe.get_doc({"doctype": "Market Segment", "market_segment": f"TL Segment {random_string(6)}"})
			.insert()
			.name
		)
		prospect = make_lead(market_segment=segment)
		enquired = make_lead(market_segment=segment)
		frappe.get_doc(
			{
				"doctype": "Opportunity",
				"opportunity_from": "Lead",
				"party_name": enquired,
				"company": frappe.get_all("Company", pluck="name")[0],
			}
		).insert()
		buying = make_lead(market_segment=segment)
		make_sales_order(
			make_customer(lead_name=buying),
			[(other, 1, 10)],
			frappe.utils.add_days(frappe.utils.nowdate(), -30),
		)
		make_lead(market_segment=segment, unsubscribed=1)
		make_lead()  # another segment
		conditions = [
			("market_segment", "=", segment),
			("activity_status", "in", "Prospect, Enquired, never bought"),
		]
		potential = make_list("Lead", conditions, channel="Email")

		preview = api.preview("Lead", [{"field": f, "operator": o, "value": v} for f, o, v in conditions])
		assert preview["count"] == 2 and {r.member for r in preview["rows"]} == {prospect, enquired}

		potential.refresh_members()
		assert member_status(potential) == {prospect: "Active", enquired: "Active"}
		buying_now = make_list(
			"Lead", [("market_segment", "=", segment), ("activity_status", "=", "Buying now")]
		)
		buying_now.refresh_members()
		assert set(member_status(buying_now)) == {buying}

		# the dashboard of a Lead links to the lists it is on
		dashboard = frappe.get_meta("Lead").get_dashboard_data()
		assert dashboard.non_standard_fieldnames["Target List Member"] == "member"
		from frappe.desk.notifications import get_open_count

		counts = get_open_count("Lead", prospect)["count"]["external_links_found"]
		assert {"doctype": "Target List Member", "count": 1, "open_count": 0} in counts
	finally:
		drop_upsell_field()


def test_refresh_replaces_rule_members_and_keeps_manual_ones():
	segment = (
		frappe.get_doc({"doctype": "Market Segment", "market_segment": f"TL Segment {random_string(6)}"})
		.insert()
		.name
	)
	first, second, manual = make_lead(market_segment=segment), make_lead(market_segment=segment), make_lead()
	target = make_list("Lead", [("market_segment", "=", segment)])
	target.refresh_members()
	assert member_status(target) == {first: "Active", second: "Active"}

	assert members.add_members(target, "Lead", [manual, first]) == 1
	frappe.db.set_value("Lead", second, "market_segment", None)
	assert members.refresh_dynamic_lists(target.name) == {target.name: 2}
	rows = frappe.get_all(
		"Target List Member",
		filters={"target_list": target.name},
		fields=["member", "source", "member_name", "email"],
	)
	assert {(r.member, r.source) for r in rows} == {(first, "Rule"), (manual, "Manual")}
	lead = frappe.db.get_value("Lead", manual, ["lead_name", "email_id"], as_dict=True)
	assert {(r.member_name, r.email) for r in rows if r.member == manual} == {(lead.lead_name, lead.email_id)}
	assert frappe.db.get_value("Target List", target.name, "last_refreshed_on")


def test_refresh_failing_half_way_keeps_old_members(monkeypatch):
	segment = (
		frappe.get_doc({"doctype": "Market Segment", "market_segment": f"TL Segment {random_string(6)}"})
		.insert()
		.name
	)
	old, new = make_lead(market_segment=segment), make_lead()
	target = make_list("Lead", [("market_segment", "=", segment)])
	target.refresh_members()
	frappe.db.set_value("Lead", old, "market_segment", None)
	frappe.db.set_value("Lead", new, "market_segment", segment)

	def fail(*args, **kwargs):
		raise RuntimeError("database went away")

	# fails after the old rule rows were deleted and the new ones inserted
	monkeypatch.setattr(members, "sync_members", fail)
	with pytest.raises(RuntimeError):
		target.refresh_members()
	assert member_status(target) == {old: "Active"}
	assert member_count(target) == 1

	monkeypatch.undo()
	target.refresh_members()
	assert member_status(target) == {new: "Active"}


def test_daily_refresh_goes_on_past_a_broken_list():
	segment = (
		frappe.get_doc({"doctype": "Market Segment", "market_segment": f"TL Segment {random_string(6)}"})
		.insert()
		.name
	)
	lead = make_lead(market_segment=segment)
	good, broken = (
		make_list("Lead", [("market_segment", "=", segment)]),
		make_list("Lead", [("market_segment", "=", segment)]),
	)
	broken.refresh_members()
	# a field removed after the list was saved
	frappe.db.set_value("Target List Condition", broken.conditions[0].name, "field", "gone_field")
	counts = members.refresh_dynamic_lists()
	assert counts[good.name] == 1 and broken.name not in counts
	assert member_status(good) == {lead: "Active"} and member_status(broken) == {lead: "Active"}
	assert frappe.db.exists("Error Log", {"reference_doctype": "Target List", "reference_name": broken.name})


def test_merge_modes_and_copy():
	a, b, c, d = (make_lead() for _ in range(4))

	def static(*leads):
		target = make_list("Lead")
		members.add_members(target, "Lead", list(leads))
		return target

	other = static(b, c, d)
	union, intersect, subtract = static(a, b, c), static(a, b, c), static(a, b, c)
	assert union.merge(other.name, "union") == 4
	assert (
		frappe.db.get_value("Target List Member", {"target_list": union.name, "member": d}, "source")
		== "Merge"
	)
	assert intersect.merge(other.name, "intersect") == 2
	assert set(member_status(intersect)) == {b, c}
	assert subtract.merge(other.name, "subtract") == 1
	assert set(member_status(subtract)) == {a}

	copy = static(d)
	assert subtract.copy_members(copy.name) == 1
	assert set(member_status(copy)) == {a, d} and member_count(copy) == 2

	contacts = make_list("Contact")
	for call in (lambda: union.merge(contacts.name, "union"), lambda: union.copy_members(contacts.name)):
		with pytest.raises(frappe.ValidationError, match="hold different kinds of records"):
			call()
	with pytest.raises(frappe.ValidationError, match="Merge mode must be one of"):
		union.merge(other.name, "xor")
	assert set(member_status(union)) == {a, b, c, d} and member_status(contacts) == {}


def test_unsubscribed_are_marked_or_excluded_and_never_counted():
	segment = (
		frappe.get_doc({"doctype": "Market Segment", "market_segment": f"TL Segment {random_string(6)}"})
		.insert()
		.name
	)
	flagged, by_email, reachable = (make_lead(market_segment=segment) for _ in range(3))
	static = make_list("Lead")
	members.add_members(static, "Lead", [flagged, by_email, reachable])
	assert member_count(static) == 3

	lead = frappe.get_doc("Lead", flagged)
	lead.unsubscribed = 1
	lead.save()
	frappe.get_doc(
		{
			"doctype": "Email Unsubscribe",
			"email": frappe.db.get_value("Lead", by_email, "email_id"),
			"global_unsubscribe": 1,
		}
	).insert()
	assert member_status(static) == {flagged: "Unsubscribed", by_email: "Unsubscribed", reachable: "Active"}
	assert member_count(static) == 1

	excluding = make_list("Lead", [("market_segment", "=", segment)])
	excluding.refresh_members()
	assert member_status(excluding) == {reachable: "Active"}
	keeping = make_list("Lead", [("market_segment", "=", segment)], exclude_unsubscribed=0)
	keeping.refresh_members()
	assert member_status(keeping) == {flagged: "Unsubscribed", by_email: "Unsubscribed", reachable: "Active"}
	assert member_count(keeping) == 1

	group = keeping.export_to_email_group()
	emails = frappe.get_all("Email Group Member", filters={"email_group": group}, pluck="email")
	assert emails == [frappe.db.get_value("Lead", reachable, "email_id")]
	assert keeping.export_to_email_group() == group  # twice: nobody added twice
	assert frappe.db.get_value("Email Group", group, "total_subscribers") == 1


@pytest.mark.parametrize(
	"condition, message",
	[
		(("no_such_field", "=", "x"), "unknown field no_such_field"),
		(("territory", ">", "x"), "operator > does not fit field territory"),
		(("qualified_on", "=", "not a date"), "not a date is not a valid value for qualified_on"),
		(("name`) OR 1=1; DROP TABLE `tabLead`; --", "=", "x"), "unknown field"),
		(("annual_revenue", ">", "0 OR 1=1"), "is not a valid value for annual_revenue"),
	],
)
def test_bad_conditions_leave_list_and_members_unchanged(condition, message):
	segment = (
		frappe.get_doc({"doctype": "Market Segment", "market_segment": f"TL Segment {random_string(6)}"})
		.insert()
		.name
	)
	lead = make_lead(market_segment=segment)
	target = make_list("Lead", [("market_segment", "=", segment)])
	target.refresh_members()
	target.append("conditions", dict(zip(("field", "operator", "value"), condition, strict=True)))
	with pytest.raises(frappe.ValidationError, match=message.replace("(", r"\(")):
		target.save()
	with pytest.raises(frappe.ValidationError):
		api.preview("Lead", [c.as_dict() for c in target.conditions])
	assert len(frappe.get_doc("Target List", target.name).conditions) == 1
	assert member_status(target) == {lead: "Active"}


def test_sql_in_a_value_is_only_a_value():
	tricky = f"x{random_string(6)}' OR '1'='1"
	literal, _other = make_lead(city=tricky), make_lead(city="Kyiv")
	target = make_list("Lead", [("city", "=", tricky)])
	target.refresh_members()
	assert member_status(target) == {literal: "Active"}


def test_members_of_the_wrong_kind_or_missing_are_refused():
	lead, customer = make_lead(), make_customer()
	target = make_list("Lead")
	with pytest.raises(frappe.ValidationError, match="holds Lead records, not Customer"):
		api.add_members(target.name, "Customer", [customer])
	with pytest.raises(frappe.ValidationError, match="not found: NO-SUCH-LEAD"):
		api.add_members(target.name, "Lead", [lead, "NO-SUCH-LEAD"])
	with pytest.raises(frappe.ValidationError, match="holds Lead records, not Customer"):
		frappe.get_doc(
			{
				"doctype": "Target List Member",
				"target_list": target.name,
				"member_doctype": "Customer",
				"member": customer,
			}
		).insert()
	assert member_status(target) == {}
	assert api.add_members(target.name, "Lead", f'["{lead}"]') == 1
	with pytest.raises(frappe.ValidationError, match="already on Target List"):
		frappe.get_doc(
			{
				"doctype": "Target List Member",
				"target_list": target.name,
				"member_doctype": "Lead",
				"member": lead,
			}
		).insert()
	with pytest.raises(frappe.ValidationError, match="needs at least one condition"):
		make_list("Lead", list_type="Dynamic")


def test_whitelisted_methods_check_permissions():
	city = f"Kolomyia {random_string(6)}"
	lead, other_lead = make_lead(city=city), make_lead()
	target = make_list("Lead", [("city", "=", city)])
	other = make_list("Lead")
	members.add_members(other, "Lead", [other_lead])
	conditions = [{"field": "city", "operator": "=", "value": city}]

	frappe.set_user(make_user(["Sales User"]))  # reads lists and Leads, changes no list
	seen = api.preview("Lead", conditions)
	assert seen["count"] == 1 and seen["rows"][0].member == lead
	refused = (
		lambda: api.add_members(target.name, "Lead", [lead]),
		lambda: frappe.get_doc("Target List", target.name).refresh_members(),
		lambda: frappe.get_doc("Target List", target.name).merge(other.name, "union"),
		lambda: frappe.get_doc("Target List", other.name).copy_members(target.name),
		lambda: frappe.get_doc("Target List", target.name).export_to_email_group(),
	)
	for call in refused:
		with pytest.raises(frappe.PermissionError):
			call()

	frappe.set_user(make_user(["Accounts User"]))  # no access to lists at all
	with pytest.raises(frappe.PermissionError):
		api.preview("Lead", conditions)

	frappe.set_user("Administrator")
	with pytest.raises(frappe.ValidationError, match="Member Type must be one of"):
		api.preview("User", conditions)
	assert member_status(target) == {}
	assert not frappe.db.exists("Email Group", target.list_name)


def test_errors_speak_the_users_language():
	frappe.local.lang = "uk"
	with pytest.raises(frappe.ValidationError) as raised:
		make_list("Lead", [("no_such_field", "=", "x")])
	assert "невідоме поле no_such_field" in str(raised.value)


def test_import_reports_bad_rows_and_keeps_good_ones():
	"""Through Frappe's Data Import, which commits every good row: the test removes what it made."""
	good_1, good_2, customer = make_lead(), make_lead(), make_customer()
	target = make_list("Lead")
	members.add_members(target, "Lead", [good_1])
	rows = [
		("Lead", good_2),  # good
		("Lead", "NO-SUCH-LEAD"),  # missing record
		("Customer", customer),  # wrong kind
		("Lead", good_1),  # already on the list
		("User", "Administrator"),  # not a member DocType at all
	]
	content = io.StringIO()
	writer = csv.writer(content)
	writer.writerow(["Target List", "Member Type", "Member"])
	writer.writerows((target.name, doctype, member) for doctype, member in rows)
	file = frappe.get_doc(
		{
			"doctype": "File",
			"file_name": f"tl-members-{random_string(6)}.csv",
			"content": content.getvalue(),
			"is_private": 1,
		}
	).insert()
	data_import = frappe.get_doc(
		{
			"doctype": "Data Import",
			"reference_doctype": "Target List Member",
			"import_type": "Insert New Records",
			"import_file": file.file_url,
		}
	).insert()
	frappe.db.commit()
	try:
		data_import.start_import()
		log = frappe.get_all(
			"Data Import Log",
			filters={"data_import": data_import.name},
			fields=["row_indexes", "success", "messages"],
		)
		outcome = {tuple(frappe.parse_json(entry.row_indexes)): bool(entry.success) for entry in log}
		assert outcome == {(2,): True, (3,): False, (4,): False, (5,): False, (6,): False}
		assert frappe.db.get_value("Data Import", data_import.name, "status") == "Partial Success"
		assert member_status(target) == {good_1: "Active", good_2: "Active"}
		assert (
			frappe.db.get_value(
				"Target List Member", {"target_list": target.name, "member": good_2}, "source"
			)
			== "Import"
		)
		assert member_count(target) == 2
		messages = " ".join(entry.messages or "" for entry in log)
		assert (
			"NO-SUCH-LEAD" in messages and "not Customer" in messages and "already on Target List" in messages
		)
	finally:
		frappe.db.rollback()
		frappe.delete_doc("Data Import", data_import.name, force=True)
		frappe.delete_doc("File", file.name, force=True)
		frappe.db.delete("Target List Member", {"target_list": target.name})
		frappe.db.delete("Target List", {"name": target.name})
		frappe.db.delete("Lead", {"name": ("in", [good_1, good_2])})
		frappe.db.delete("Customer", {"name": customer})
		frappe.db.commit()
