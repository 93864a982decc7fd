import frappe
from frappe.model.document import Document


class EmailBounce(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		bounce_type: DF.Literal["Hard", "Soft"]
		bounced_on: DF.Datetime | None
		campaign_activity: DF.Link | None
		email: DF.Data
		message_id: DF.Data | None
		reason: DF.SmallText | None
		source: DF.Literal["SMTP", "Delivery Status Notification"]
	# end: auto-generated types
	pass


def on_doctype_update():
	# one row per bounced mail and address, whichever source reported it first
	frappe.db.add_unique("Email Bounce", ["message_id", "email"], "unique_bounced_mail")
