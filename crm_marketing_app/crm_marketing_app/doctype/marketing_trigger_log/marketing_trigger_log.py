import frappe
from frappe.model.document import Document


class MarketingTriggerLog(Document):
	pass


def on_doctype_update():
	# a (trigger, record) pair fires at most once, whatever runs concurrently
	frappe.db.add_unique(
		"Marketing Trigger Log",
		["marketing_trigger", "reference_doctype", "reference_name"],
		"unique_trigger_record",
	)
	frappe.db.add_index("Marketing Trigger Log", ["run_id"])
