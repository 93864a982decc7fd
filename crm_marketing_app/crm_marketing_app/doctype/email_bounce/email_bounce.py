import frappe
from frappe.model.document import Document


class EmailBounce(Document):
	pass


def on_doctype_update():
	# one row per bounced mail and address, whichever source reported it first
	frappe.db.add_unique("Email Bounce", ["message_id", "email"], "unique_bounced_mail")
