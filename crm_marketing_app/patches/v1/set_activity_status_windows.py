"""CRM Marketing Settings gained the activity_status windows: an existing site keeps the
365 days it had, so saving the settings does not trip over an empty field."""

import frappe


def execute():
	if not frappe.db.get_single_value("CRM Marketing Settings", "buying_now_days"):
		frappe.db.set_single_value("CRM Marketing Settings", "buying_now_days", 365)
