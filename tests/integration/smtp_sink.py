"""A real SMTP server on 127.0.0.1 (aiosmtpd) that keeps what it receives, and an outgoing
Email Account pointed at it, so that tests run Frappe's own flush and read what arrived."""

import email
import email.policy
import socket

import frappe
import frappe.email.queue
from aiosmtpd.controller import Controller


class Handler:
	def __init__(self):
		self.messages: list[email.message.EmailMessage] = []
		self.refused: dict[str, str] = {}  # address -> SMTP reply, e.g. "550 5.1.1 No such user"

	async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
		if address.lower() in self.refused:
			return self.refused[address.lower()]
		envelope.rcpt_tos.append(address)
		return "250 OK"

	async def handle_DATA(self, server, session, envelope):
		message = email.message_from_bytes(envelope.content, policy=email.policy.default)
		message["X-Envelope-To"] = ", ".join(envelope.rcpt_tos)
		self.messages.append(message)
		return "250 Message accepted for delivery"


class SmtpSink:
	def __init__(self):
		with socket.socket() as probe:
			probe.bind(("127.0.0.1", 0))
			self.port = probe.getsockname()[1]
		self.handler = Handler()
		self.controller = Controller(self.handler, hostname="127.0.0.1", port=self.port)

	def __enter__(self):
		self.controller.start()
		return self

	def __exit__(self, *exc):
		self.controller.stop()

	@property
	def messages(self):
		return self.handler.messages

	def refuse(self, address: str, reply: str = "550 5.1.1 No such user here") -> None:
		self.handler.refused[address.lower()] = reply

	def clear(self) -> None:
		self.handler.messages.clear()
		self.handler.refused.clear()


def make_sink_account(port: int, name: str = "CRM Test Sink", commit: bool = True) -> str:
	"""The site's default outgoing Email Account, pointed at the sink (committed unless told not to:
	distribution commits, and the flush reads it)."""
	if frappe.db.exists("Email Account", name):
		frappe.delete_doc("Email Account", name, force=True, ignore_permissions=True)
	frappe.get_doc(
		{
			"doctype": "Email Account",
			"email_account_name": name,
			"email_id": f"{frappe.scrub(name).replace('_', '-')}@windpower.example.com",
			"smtp_server": "127.0.0.1",
			"smtp_port": port,
			"use_tls": 0,
			"use_ssl_for_outgoing": 0,
			"no_smtp_authentication": 1,
			"enable_outgoing": 1,
			"default_outgoing": 1,
			"enable_incoming": 0,
		}
	).insert(ignore_permissions=True)
	if commit:
		frappe.db.commit()
	return name


def drop_account(name: str = "CRM Test Sink") -> None:
	if frappe.db.exists("Email Account", name):
		frappe.delete_doc("Email Account", name, force=True, ignore_permissions=True)
	frappe.db.commit()


def flush() -> None:
	"""Frappe's own scheduler job, sending for real (tests mute mail unless told otherwise)."""
	frappe.flags.testing_email = True
	try:
		frappe.email.queue.flush()
	finally:
		frappe.flags.testing_email = False


def html_part(message) -> str:
	return message.get_body(preferencelist=("html",)).get_content()


def text_part(message) -> str:
	return message.get_body(preferencelist=("plain",)).get_content()
