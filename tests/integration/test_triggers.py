"""Marketing Triggers on the live site, with time frozen by freezegun.

frappe.utils.nowdate()/getdate() read datetime.now(), which freezegun replaces;
test_freezegun_moves_frappe_today proves it on this bench.
"""

import json
import threading
from unittest.mock import patch

import frappe
import pytest
from frappe.utils import getdate, random_string
from freezegun import freeze_time

from crm_marketing_app.automation import runner
from crm_marketing_app.automation.runner import preview, run_trigger
from crm_marketing_app.target_lists.members import add_members, member_row_name
from crm_marketing_app.tasks import run_marketing_triggers
from tests.integration.helpers import make_customer, make_item, make_sales_order, make_user


def make_trigger(**fields):
	doc = frappe.get_doc(
		{
			"doctype": "Marketing Trigger",
			"trigger_name": f"Test Trigger {random_string(8)}",
			"event": "After Order",
			"action": "Create ToDo",
			"catch_up_days": 0,
			"description": "Call {{ party.customer_name }} about {{ doc.name }}",
			**fields,
		}
	)
	return doc.insert()


def on(day: str, trigger=None):
	"""Runs the daily job (or one trigger) as if today were `day`."""
	with freeze_time(f"{day} 12:00:00"):
		return run_trigger(trigger.name) if trigger else run_marketing_triggers()


def todos_for(reference_name: str) -> list[dict]:
	return frappe.get_all(
		"ToDo",
		filters={"reference_name": reference_name},
		fields=["allocated_to", "description", "date", "name"],
	)


def logs_of(trigger) -> list[dict]:
	return frappe.get_all(
		"Marketing Trigger Log",
		filters={"marketing_trigger": trigger.name},
		fields=[
			"reference_doctype",
			"reference_name",
			"party",
			"status",
			"action_doctype",
			"action_name",
			"error",
		],
		order_by="reference_name",
	)


def make_customer_group() -> str:
	"""A group of our own, so that other records on the shared site never match."""
	return (
		frappe.get_doc(
			{
				"doctype": "Customer Group",
				"customer_group_name": f"CRM Trigger Group {random_string(6)}",
				"parent_customer_group": "All Customer Groups",
			}
		)
		.insert()
		.name
	)


def test_freezegun_moves_frappe_today():
	with freeze_time("2026-03-02 12:00:00"):
		assert frappe.utils.nowdate() == "2026-03-02"
		assert getdate() == getdate("2026-03-02")


def test_renewal_task_exactly_11_months_2_days_after_the_order_once():
	manager = make_user(["Sales User"], prefix="account-manager")
	customer = make_customer(account_manager=manager)
	licence = make_item(item_name="Licence")
	other = make_item()
	order = make_sales_order(customer, [(licence, 1, 1000)], "2025-03-31")
	unrelated = make_sales_order(customer, [(other, 1, 10)], "2025-03-31")
	trigger = make_trigger(
		item=licence,
		offset_months=11,
		offset_days=2,
		catch_up_days=3,
		description="Offer {{ party.customer_name }} to renew {{ doc.items[0].item_code }}",
	)

	# 31 March + 11 months = 28 February 2026, + 2 days = 2 March
	on("2026-03-01")
	assert todos_for(order.name) == []
	on("2026-03-02")
	on("2026-03-02")
	on("2026-03-03")
	todos = todos_for(order.name)
	assert len(todos) == 1
	assert todos[0].allocated_to == manager
	assert todos[0].description == f"Offer {customer} to renew {licence}"
	assert str(todos[0].date) == "2026-03-02"
	assert todos_for(unrelated.name) == []
	# as a ToDo document would: the order shows it under "Assigned To" and on its timeline
	assert json.loads(frappe.db.get_value("Sales Order", order.name, "_assign")) == [manager]
	assert frappe.get_all(
		"Comment",
		filters={
			"reference_doctype": "Sales Order",
			"reference_name": order.name,
			"comment_type": "Assigned",
		},
		pluck="content",
	) == [f"Administrator assigned {frappe.utils.get_fullname(manager)}: {todos[0].description}"]
	assert logs_of(trigger) == [
		{
			"reference_doctype": "Sales Order",
			"reference_name": order.name,
			"party": customer,
			"status": "Done",
			"action_doctype": "ToDo",
			"action_name": todos[0].name,
			"error": None,
		}
	]


def test_add_on_offer_a_month_after_the_implementation_service():
	seller = make_user(["Sales User"], prefix="seller")
	group = make_customer_group()
	customer = make_customer(
		customer_group=group
	)  # no account manager: the trigger's Assign To gets the task
	outsider = make_customer()  # in another customer group
	service = make_item(item_group="Services")
	product = make_item(item_group="Products")
	service_order = make_sales_order(customer, [(service, 1, 500)], "2026-01-31")
	product_order = make_sales_order(customer, [(product, 1, 500)], "2026-01-31")
	outsider_order = make_sales_order(outsider, [(service, 1, 500)], "2026-01-31")
	trigger = make_trigger(
		item_group="Services",
		customer_group=group,
		offset_months=1,
		assign_to=seller,
		description="Offer the add-on module",
	)

	assert on("2026-02-27", trigger) == {"fired": 0, "failed": 0}
	assert on("2026-02-28", trigger) == {"fired": 1, "failed": 0}  # 31 January + 1 month
	assert [(t.allocated_to, t.description) for t in todos_for(service_order.name)] == [
		(seller, "Offer the add-on module")
	]
	assert todos_for(product_order.name) == [] and todos_for(outsider_order.name) == []


def test_a_run_works_through_several_chunks_and_one_failing_record_stops_none():
	group = make_customer_group()
	manager = make_user(["Sales User"], prefix="manager")
	item = make_item()
	customers = [make_customer(customer_group=group, account_manager=manager) for _ in range(5)]
	orders = [make_sales_order(customer, [(item, 1, 100)], "2026-01-15") for customer in customers]
	trigger = make_trigger(
		item=item,
		customer_group=group,
		offset_months=1,
		# fails to render for one order only
		description="{{ 1 // 0 if doc.name == '" + orders[2].name + "' else 'Follow up ' ~ doc.name }}",
	)

	with patch.object(runner, "CHUNK", 2):
		assert on("2026-02-15", trigger) == {"fired": 4, "failed": 1}
		assert on("2026-02-15", trigger) == {"fired": 0, "failed": 0}
	for number, order in enumerate(orders):
		expected = [] if number == 2 else [(manager, f"Follow up {order.name}")]
		assert [(t.allocated_to, t.description) for t in todos_for(order.name)] == expected
	assert [log.status for log in logs_of(trigger)] == ["Done", "Done", "Failed", "Done", "Done"]
	# each order's _assign holds the manager once, as the ToDo documents would have left it
	assigned = frappe.get_all(
		"Sales Order", filters={"name": ("in", [o.name for o in orders])}, fields=["name", "_assign"]
	)
	assert {a.name: a._assign and json.loads(a._assign) for a in assigned} == {
		o.name: None if number == 2 else [manager] for number, o in enumerate(orders)
	}


def test_no_order_since_puts_the_customer_on_the_win_back_list_once():
	win_back = frappe.get_doc(
		{
			"doctype": "Target List",
			"list_name": f"Win-back {random_string(6)}",
			"member_doctype": "Customer",
			"list_type": "Static",
		}
	).insert()
	item = make_item()
	group = make_customer_group()
	lapsed, active, known = (make_customer(customer_group=group) for _ in range(3))
	make_sales_order(lapsed, [(item, 1, 100)], "2026-01-10")
	make_sales_order(active, [(item, 1, 100)], "2026-01-10")
	make_sales_order(active, [(item, 1, 100)], "2026-02-05")
	make_sales_order(known, [(item, 1, 100)], "2026-01-10")
	add_members(win_back, "Customer", [known], source="Manual")
	trigger = make_trigger(
		event="No Order Since",
		customer_group=group,
		offset_months=1,
		action="Add To Target List",
		target_list=win_back.name,
	)

	on("2026-02-10", trigger)
	on("2026-02-10", trigger)
	members = frappe.get_all(
		"Target List Member",
		filters={"target_list": win_back.name},
		fields=["member", "member_name", "source", "status"],
	)
	assert sorted((m.member, m.source) for m in members) == sorted([(lapsed, "Rule"), (known, "Manual")])
	assert {m.member: m.member_name for m in members}[lapsed] == lapsed
	logs = {log.party: log for log in logs_of(trigger)}
	assert set(logs) == {lapsed, known}
	assert logs[known].action_name == member_row_name(win_back.name, known) and logs[known].status == "Done"
	assert logs[lapsed].action_doctype == "Target List Member"


def test_score_reached_gives_the_lead_to_its_owner():
	owner = make_user(["Sales User"], prefix="lead-owner")
	hot, warm = make_lead(lead_owner=owner), make_lead(lead_owner=owner)
	frappe.db.set_value("Lead", hot, "marketing_score", 80)
	frappe.db.set_value("Lead", warm, "marketing_score", 50)
	trigger = make_trigger(
		event="Score Reached",
		threshold=70,
		description="Call {{ doc.lead_name }}: score {{ doc.marketing_score|int }}",
	)

	on("2026-05-04", trigger)
	assert [(t.allocated_to, t.description) for t in todos_for(hot)] == [
		(owner, f"Call {frappe.db.get_value('Lead', hot, 'lead_name')}: score 80")
	]
	assert todos_for(warm) == []
	frappe.db.set_value("Lead", warm, "marketing_score", 75)
	on("2026-05-05", trigger)
	assert len(todos_for(warm)) == 1 and len(todos_for(hot)) == 1


def make_lead(**fields) -> str:
	return (
		frappe.get_doc({"doctype": "Lead", "first_name": f"Lead {random_string(6)}", **fields}).insert().name
	)


def test_idle_lead_gets_a_mail_from_the_template():
	idle = make_lead(email_id=f"idle-{random_string(6)}@example.com")
	fresh = make_lead(email_id=f"fresh-{random_string(6)}@example.com")  # created today, never written to
	frappe.get_doc(
		{
			"doctype": "Communication",
			"subject": "Intro call",
			"communication_type": "Communication",
			"communication_medium": "Phone",
			"sent_or_received": "Sent",
			"reference_doctype": "Lead",
			"reference_name": idle,
			"communication_date": "2026-05-01 10:00:00",
		}
	).insert(ignore_permissions=True)
	template = frappe.get_doc(
		{
			"doctype": "Email Template",
			"name": f"Come back {random_string(6)}",
			"subject": "We miss you, {{ party.lead_name }}",
			"response": "Hello {{ party.lead_name }}",
		}
	).insert()
	trigger = make_trigger(
		event="Lead Idle", offset_days=30, action="Send Email", email_template=template.name
	)

	# queued, never sent: a muted site stands in for the outgoing Email Account, which has no address
	muted = frappe.flags.mute_emails
	frappe.flags.mute_emails = True
	try:
		with patch.object(
			runner, "get_settings", return_value=frappe._dict(default_sender="marketing@example.com")
		):
			on("2026-05-30", trigger)
			assert [log for log in logs_of(trigger) if log.reference_name in (idle, fresh)] == []
			on("2026-05-31", trigger)
	finally:
		frappe.flags.mute_emails = muted
	[log] = [log for log in logs_of(trigger) if log.reference_name in (idle, fresh)]
	assert (log.reference_name, log.status, log.action_doctype, log.error) == (
		idle,
		"Done",
		"Email Queue",
		None,
	)
	queue = frappe.get_doc("Email Queue", log.action_name)
	assert queue.reference_name == idle and [r.recipient for r in queue.recipients] == [
		frappe.db.get_value("Lead", idle, "email_id")
	]
	assert f"We miss you, {frappe.db.get_value('Lead', idle, 'lead_name')}" in queue.message


def test_requested_info_becomes_an_opportunity_of_the_lead_owner():
	owner = make_user(["Sales User"], prefix="lead-owner")
	lead = make_lead(lead_owner=owner)
	response = frappe.get_doc(
		{
			"doctype": "Campaign Response",
			"respondent_doctype": "Lead",
			"respondent": lead,
			"response_type": "Requested Info",
			"response_date": "2026-08-03 10:00:00",
		}
	).insert()
	trigger = make_trigger(
		event="Response Received",
		response_type="Requested Info",
		action="Create Opportunity",
		description="Asked via {{ doc.name }}",
	)

	on("2026-08-03", trigger)
	[log] = [log for log in logs_of(trigger) if log.reference_name == response.name]
	opportunity = frappe.get_doc("Opportunity", log.action_name)
	assert (log.reference_name, log.action_doctype) == (response.name, "Opportunity")
	assert (opportunity.opportunity_from, opportunity.party_name, opportunity.opportunity_owner) == (
		"Lead",
		lead,
		owner,
	)
	assert [n.note for n in opportunity.notes] == [f"Asked via {response.name}"]


def test_preview_equals_what_the_run_then_does():
	manager = make_user(["Sales User"], prefix="account-manager")
	customers = [make_customer(account_manager=manager) for _ in range(3)]
	item = make_item()
	orders = [make_sales_order(c, [(item, 1, 10)], "2026-04-10").name for c in customers]
	make_sales_order(customers[0], [(item, 1, 10)], "2026-04-11")  # due a day later
	trigger = make_trigger(item=item, offset_days=20)

	with freeze_time("2026-04-30 12:00:00"):
		previewed = trigger.preview()
	assert sorted(r.reference_name for r in previewed) == sorted(orders)
	assert {str(r.due_date) for r in previewed} == {"2026-04-30"}
	assert {r.assign_to for r in previewed} == {manager}
	on("2026-04-30", trigger)
	assert [
		(r.reference_doctype, r.reference_name, r.party)
		for r in sorted(previewed, key=lambda r: r.reference_name)
	] == [(log.reference_doctype, log.reference_name, log.party) for log in logs_of(trigger)]
	assert preview(trigger, "2026-04-30") == []


def test_disabled_trigger_does_nothing_and_an_edit_does_not_fire_again():
	customer, item = make_customer(), make_item()
	order = make_sales_order(customer, [(item, 1, 10)], "2026-06-01")
	trigger = make_trigger(item=item, offset_days=1, enabled=0, assign_to="Administrator")

	on("2026-06-02")
	assert todos_for(order.name) == [] and logs_of(trigger) == []
	with pytest.raises(frappe.ValidationError):
		trigger.run_now()
	trigger.enabled = 1
	trigger.save()
	with freeze_time("2026-06-02 12:00:00"):
		# run_now queues this job (inline under tests); the job itself reports its counts
		assert run_trigger(trigger.name) == {"fired": 1, "failed": 0}
	trigger.description = "Another text"
	trigger.catch_up_days = 5
	trigger.save()
	on("2026-06-03")
	assert len(todos_for(order.name)) == 1


def test_render_failure_is_logged_on_the_trigger_and_the_others_go_on():
	customer, item = make_customer(), make_item()
	with_po = make_sales_order(customer, [(item, 1, 10)], "2026-07-01", po_no="PO-42")
	without_po = make_sales_order(customer, [(item, 1, 10)], "2026-07-01")
	trigger = make_trigger(item=item, offset_days=3, assign_to="Administrator")
	# a template that renders for some records only (saved before the data changed)
	frappe.db.set_value("Marketing Trigger", trigger.name, "description", "Follow up {{ doc.po_no.lower() }}")

	assert on("2026-07-04", trigger) == {"fired": 1, "failed": 1}
	assert [t.description for t in todos_for(with_po.name)] == ["Follow up po-42"]
	assert todos_for(without_po.name) == []
	failed = [log for log in logs_of(trigger) if log.status == "Failed"]
	assert [log.reference_name for log in failed] == [without_po.name] and "lower" in failed[0].error
	assert frappe.db.get_value("Marketing Trigger", trigger.name, "last_run_failed") == 1
	comments = frappe.get_all(
		"Comment",
		filters={"reference_doctype": "Marketing Trigger", "reference_name": trigger.name},
		pluck="content",
	)
	assert any(without_po.name in c for c in comments)


@pytest.mark.parametrize(
	"fields,message",
	[
		(dict(offset_months=0, offset_days=0), "needs an offset"),
		(dict(item_group="Services", offset_days=1), "not within Item Group"),
		(dict(action="Add To Target List", offset_days=1, description=None), "needs a Target List"),
		(dict(action="Send Email", offset_days=1), "needs an Email Template"),
		(dict(offset_days=1, description="Call {{ party.customer_name "), "has an error on line 1"),
		(dict(offset_days=1, description="Call {{ doc.no_such_field.upper() }}"), "fails to render"),
		(dict(event="Score Reached", threshold=0), "needs a Threshold"),
	],
)
def test_bad_input_is_refused_on_save(fields, message):
	customer, product = make_customer(), make_item(item_group="Products")
	make_sales_order(customer, [(product, 1, 10)], "2026-01-05")  # a sample for the template check
	name = f"Bad Trigger {random_string(8)}"
	with pytest.raises(frappe.ValidationError, match=message):
		make_trigger(trigger_name=name, **{"item": product, **fields})
	assert not frappe.db.exists("Marketing Trigger", name)


def test_only_marketing_manager_edits_triggers():
	trigger = make_trigger(offset_days=1, assign_to="Administrator")
	marketing_user = make_user(["Marketing User"])
	manager = make_user(["Marketing Manager"])
	sales_user = make_user(["Sales User"])

	frappe.set_user(marketing_user)
	doc = frappe.get_doc("Marketing Trigger", trigger.name)
	assert doc.preview() == []
	doc.description = "Changed"
	with pytest.raises(frappe.PermissionError):
		doc.save()
	with pytest.raises(frappe.PermissionError):
		doc.run_now()
	with pytest.raises(frappe.PermissionError):
		make_trigger(offset_days=1)
	frappe.set_user(sales_user)
	assert not frappe.has_permission("Marketing Trigger", "read")
	assert not frappe.has_permission("Marketing Trigger Log", "read")
	frappe.set_user(manager)
	doc = frappe.get_doc("Marketing Trigger", trigger.name)
	doc.description = "Changed"
	doc.save()
	make_trigger(offset_days=1, assign_to=manager)


@pytest.fixture
def committed_renewal():
	"""A licence order and its renewal trigger, committed so that other connections see
	them (as the scheduler's workers would), and removed afterwards."""
	customer, item = make_customer(), make_item()
	order = make_sales_order(customer, [(item, 1, 10)], "2025-03-31")
	trigger = make_trigger(
		item=item, offset_months=11, offset_days=2, catch_up_days=3, assign_to="Administrator"
	)
	frappe.db.commit()
	try:
		yield order, trigger
	finally:
		frappe.db.rollback()
		frappe.db.delete("ToDo", {"reference_name": order.name})
		frappe.db.delete("Marketing Trigger Log", {"marketing_trigger": trigger.name})
		frappe.db.delete(
			"Comment", {"reference_doctype": "Marketing Trigger", "reference_name": trigger.name}
		)
		frappe.delete_doc("Marketing Trigger", trigger.name, force=True)
		order.reload()
		order.cancel()
		frappe.delete_doc("Sales Order", order.name, force=True)
		frappe.delete_doc("Customer", customer, force=True)
		frappe.delete_doc("Item", item, force=True)
		frappe.db.commit()


def in_workers(count: int, job) -> tuple[list, list]:
	"""Runs `job()` in `count` threads at once, each with its own site connection that
	commits as a background worker does (no test flag); returns (results, errors)."""
	site, start, results, errors = frappe.local.site, threading.Barrier(count), [], []

	def worker():
		frappe.init(site=site, sites_path=".")
		frappe.connect()
		try:
			frappe.set_user("Administrator")
			start.wait()
			results.append(job())
		except Exception as e:
			errors.append(e)
		finally:
			frappe.destroy()  # closes the connection: whatever is not committed is rolled back

	threads = [threading.Thread(target=worker) for _ in range(count)]
	for t in threads:
		t.start()
	for t in threads:
		t.join()
	frappe.db.rollback()  # a fresh snapshot that sees the workers' commits
	return results, errors


def test_two_workers_racing_fire_once(committed_renewal):
	order, trigger = committed_renewal
	results, errors = in_workers(2, lambda: run_trigger(trigger.name, "2026-03-02"))
	assert errors == []
	assert sorted(r["fired"] for r in results) == [0, 1]
	assert len(todos_for(order.name)) == 1
	assert [log.status for log in logs_of(trigger)] == ["Done"]


def test_a_worker_dying_between_claim_and_action_leaves_the_record_to_the_next_run(committed_renewal):
	order, trigger = committed_renewal

	def dies_after_claiming(trigger, rows, today, run_id):
		assert [row.reference_name for row in rows] == [order.name]  # claimed, not yet acted on
		raise SystemError("worker killed")

	with patch.dict(runner.ACTIONS, {"Create ToDo": dies_after_claiming}):
		results, errors = in_workers(1, lambda: run_trigger(trigger.name, "2026-03-02"))
	assert [str(e) for e in errors] == ["worker killed"]
	assert logs_of(trigger) == [] and todos_for(order.name) == []

	results, errors = in_workers(
		1, lambda: run_trigger(trigger.name, "2026-03-03")
	)  # the next day's run, inside catch-up
	assert errors == [] and results == [{"fired": 1, "failed": 0}]
	assert len(todos_for(order.name)) == 1
