"""Issue 13, critical: a Marketing Manager's Marketing Trigger template reaches nothing but its data.

Each payload of the probe is tried as a Marketing Manager on save, on Preview and on Run now; the
role of another user, the trigger, the order, the API secret and a local web server must stay
untouched, and no text the run leaves (ToDos, log errors, comments, messages) shows a secret.
"""

import http.server
import threading

import frappe
import pytest
from frappe.utils import add_days, nowdate, random_string
from frappe.utils.password import set_encrypted_password

from tests.integration.helpers import make_customer, make_item, make_sales_order, make_user


@pytest.fixture
def listener():
	"""A local web server that records every request it gets (none may come)."""
	hits = []

	class Handler(http.server.BaseHTTPRequestHandler):
		def do_GET(self):
			hits.append(self.path)
			self.send_response(200)
			self.end_headers()
			self.wfile.write(b"reached")

		def log_message(self, *args):
			pass

	server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
	thread = threading.Thread(target=server.serve_forever, daemon=True)
	thread.start()
	yield f"http://127.0.0.1:{server.server_address[1]}/", hits
	server.shutdown()
	server.server_close()


def make_todo_trigger(item: str, assign_to: str, description: str):
	"""An After Order trigger due one day after an order of `item`, making a ToDo from `description`."""
	return frappe.get_doc(
		{
			"doctype": "Marketing Trigger",
			"trigger_name": f"Probe {random_string(8)}",
			"event": "After Order",
			"item": item,
			"offset_days": 1,
			"catch_up_days": 0,
			"action": "Create ToDo",
			"assign_to": assign_to,
			"description": description,
		}
	).insert()


def payloads(victim_role_row: str, url: str) -> list[str]:
	return [
		f"{{{{ frappe.db.set_value('Has Role', '{victim_role_row}', 'role', 'System Manager') }}}}",
		"{{ frappe.utils.password.get_decrypted_password('User', 'Administrator', 'api_secret') }}",
		"{{ frappe.get_doc('User', 'Administrator').get_password('api_secret') }}",
		"{{ frappe.get_all('User', fields=['name', 'api_key']) }}",
		f"{{{{ frappe.make_get_request('{url}') }}}}",
		f"{{{{ frappe.integrations.utils.make_get_request('{url}') }}}}",
		"{{ frappe.request.headers }}",
		"{{ doc.__class__.__mro__[1].__subclasses__() }}",
		"{{ ''.__class__.__mro__[1].__subclasses__() }}",
		"{{ doc['__class__'] }} {{ doc|attr('__class__') }} {{ '{0.__class__}'.format(doc) }}",
		"{{ doc.db_set('status', 'Closed') }}",
		"{{ trigger.db_set('enabled', 0) }}{{ trigger.save() }}",
		"{{ party.get_password('api_secret') }}",
		"{{ doc.update({'status': 'Closed'}) }}{{ doc.items.append(1) }}",
		"{{ self.__init__.__globals__ }}{{ cycler.__init__.__globals__ }}{{ lipsum.__globals__ }}",
		"{{ range.__self__ }}{{ namespace() }}",
	]


def test_trigger_template_payloads_change_nothing_and_leak_nothing(listener):
	url, hits = listener
	secret = f"SECRET-{random_string(16)}"
	set_encrypted_password("User", "Administrator", secret, "api_secret")
	victim = make_user(["Sales User"], prefix="victim")
	victim_row = frappe.db.get_value("Has Role", {"parent": victim, "role": "Sales User"})
	manager = make_user(["Marketing Manager"], prefix="manager")
	customer, item = make_customer(), make_item()
	# due today for an After Order trigger with a one-day offset, and the sample of the save check
	order = make_sales_order(customer, [(item, 1, 10)], add_days(nowdate(), -1))
	order_status = frappe.db.get_value("Sales Order", order.name, "status")

	frappe.set_user(manager)
	trigger = make_todo_trigger(item, manager, "Call {{ party.customer_name }} about {{ doc.name }}")

	texts = []
	for payload in payloads(victim_row, url):
		frappe.set_user(manager)
		doc = frappe.get_doc("Marketing Trigger", trigger.name)
		doc.description = payload
		try:
			doc.save()  # on save: refused, or saved because it renders as harmless text
		except frappe.ValidationError as e:
			texts.append(str(e))
		# as if saved before this fix: Preview and Run now on the payload itself
		frappe.db.set_value("Marketing Trigger", trigger.name, "description", payload)
		frappe.db.delete("Marketing Trigger Log", {"marketing_trigger": trigger.name})
		doc = frappe.get_doc("Marketing Trigger", trigger.name)
		texts.append(frappe.as_json(doc.preview()))
		doc.run_now()  # a background job: inline under tests
		assert frappe.db.count("Marketing Trigger Log", {"marketing_trigger": trigger.name}) == 1, payload
		texts += frappe.get_all("ToDo", {"reference_name": order.name}, pluck="description")
		texts += frappe.get_all("Marketing Trigger Log", {"marketing_trigger": trigger.name}, pluck="error")
		texts += [str(m) for m in frappe.get_message_log()]
		frappe.clear_messages()

	frappe.set_user("Administrator")
	texts += frappe.get_all(
		"Comment", {"reference_doctype": "Marketing Trigger", "reference_name": trigger.name}, pluck="content"
	)
	texts += frappe.get_all("Error Log", {"reference_name": trigger.name}, pluck="error")
	assert frappe.db.get_value("Has Role", victim_row, "role") == "Sales User"
	assert "System Manager" not in frappe.get_roles(victim)
	assert frappe.db.get_value("Marketing Trigger", trigger.name, "enabled") == 1
	assert frappe.db.get_value("Sales Order", order.name, "status") == order_status
	assert hits == []
	joined = "\n".join(str(t) for t in texts if t)
	assert secret not in joined
	for leaked in ("Traceback", "<class", "<function", "<module", "<bound method", "Cookie", "Authorization"):
		assert leaked not in joined, leaked


def test_templates_render_the_documented_variables_as_data():
	customer, item = make_customer(), make_item()
	order = make_sales_order(customer, [(item, 2, 10)], add_days(nowdate(), -1))
	manager = make_user(["Marketing Manager"], prefix="manager")
	frappe.set_user(manager)
	trigger = make_todo_trigger(
		item,
		manager,
		"{{ trigger.trigger_name }}|{{ party.customer_name }}|{{ doc.items[0].item_code }}"
		"|{{ doc.items|length }}|{{ today }}",
	)
	trigger.run_now()
	assert frappe.db.get_value("Marketing Trigger", trigger.name, ["last_run_fired", "last_run_failed"]) == (
		1,
		0,
	)
	frappe.set_user("Administrator")
	[description] = frappe.get_all("ToDo", {"reference_name": order.name}, pluck="description")
	assert description == f"{trigger.trigger_name}|{customer}|{item}|1|{nowdate()}"
