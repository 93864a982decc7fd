import frappe
from frappe import _
from frappe.utils import escape_html


def get_context(context):
	"""Names the list (from the link, ?target_list=…) above the form, if it takes subscriptions."""
	name = frappe.form_dict.get("target_list")
	if name and frappe.db.get_value("Target List", name, "allow_subscription"):
		context.introduction_text = _("Subscribe to {0}").format(frappe.bold(escape_html(name)))
