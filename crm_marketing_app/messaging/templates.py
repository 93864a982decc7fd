"""An Email Template compiled once and rendered per person.

Email Templates are written by System Managers, so they render in Frappe's own Jinja
environment (as `frappe.render_template` does), without its per-call compilation, and
strict: a variable the context lacks fails that person's mail instead of being mailed
as "{{ name }}".
"""

import frappe
from frappe import _
from frappe.utils.jinja import get_jenv
from jinja2 import StrictUndefined, Template, TemplateError


class EmailTemplateRenderer:
	def __init__(self, template_name: str, default_subject: str = ""):
		template = frappe.get_cached_doc("Email Template", template_name)
		self.name = template_name
		body = (template.response_html if template.use_html else template.response) or ""
		subject = template.subject or default_subject or ""
		for source in (subject, body):
			if ".__" in source:  # as frappe.render_template: no dunder access from templates
				frappe.throw(
					_("Email Template {0} is not allowed: it reads private attributes").format(self.name)
				)
		try:
			self.subject = strict_jenv().from_string(subject)
			self.body = strict_jenv().from_string(body)
		except TemplateError as e:
			frappe.throw(
				_("Email Template {0} does not compile: {1}").format(self.name, e),
				title=_("Invalid Email Template"),
			)

		# Jinja copies the environment's globals (Frappe's: dozens) into every render's context;
		# copied once here, each render passes them with the person's values as its own context.
		self.globals = dict(self.body.globals)

	def render(self, context: dict) -> tuple[str, str]:
		"""(subject, HTML body) for one person; raises the template's own error when it fails."""
		values = {**self.globals, **context}
		return render(self.subject, values), render(self.body, values)


def render(template: Template, values: dict) -> str:
	"""`template.render(values)` with `values` as the whole context (globals included)."""
	try:
		return template.environment.concat(
			template.root_render_func(template.new_context(values, shared=True))
		)
	except Exception:
		return template.environment.handle_exception()


def strict_jenv():
	if not getattr(frappe.local, "crm_strict_jenv", None):
		frappe.local.crm_strict_jenv = get_jenv().overlay(undefined=StrictUndefined)
	return frappe.local.crm_strict_jenv
