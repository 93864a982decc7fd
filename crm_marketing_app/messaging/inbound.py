"""Incoming mail: delivery-status notifications about our mails become bounces, not Communications."""

from frappe.email.doctype.email_account.email_account import EmailAccount

from crm_marketing_app.messaging import bounces


class EmailAccountWithBounces(EmailAccount):
	"""Frappe's Email Account; a pulled mail that is a bounce report of one of our mails is
	recorded as a bounce (matched by the bounced mail's Message-ID) and not kept in the inbox."""

	def get_inbound_mails(self):
		return [mail for mail in super().get_inbound_mails() if not bounces.take_dsn(mail.raw_message)]
