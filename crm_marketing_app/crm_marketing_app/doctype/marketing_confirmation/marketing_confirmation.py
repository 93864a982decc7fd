from frappe.model.document import Document

from crm_marketing_app.messaging import optin


class MarketingConfirmation(Document):
	def validate(self):
		optin.validate(self)

	def after_insert(self):
		optin.after_insert(self)
