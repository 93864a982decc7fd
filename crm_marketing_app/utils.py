"""Small helpers shared by the desk layer."""

from contextlib import contextmanager

import frappe
from frappe import _

from crm_marketing_app.engine.errors import EngineError


@contextmanager
def engine_errors(title: str | None = None):
	"""Turns an engine error into a translated frappe.ValidationError."""
	try:
		yield
	except EngineError as e:
		frappe.throw(_(e.template).format(*e.params), frappe.ValidationError, title=title)


def get_settings():
	return frappe.get_cached_doc("CRM Marketing Settings")
