from frappe.model.document import Document

from crm_marketing_app.messaging import optin


class MarketingConfirmation(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		campaign: DF.Link | None
		confirmed_on: DF.Datetime | None
		email: DF.Data
		full_name: DF.Data
		organization: DF.Data | None
		person: DF.DynamicLink | None
		person_doctype: DF.Link | None
		phone: DF.Data | None
		purpose: DF.Literal["Event Registration", "Subscription"]
		status: DF.Literal["Pending", "Confirmed"]
		target_list: DF.Link | None

	# end: auto-generated types
	def validate(self):
		optin.validate(self)

	def after_insert(self):
		optin.after_insert(self)
