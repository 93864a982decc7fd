import frappe
from frappe import _
from frappe.utils import escape_html, formatdate

from crm_marketing_app.campaign_execution.registration import CLOSED_STATUSES


def get_context(context):
	"""Names the event (the campaign of the invitation link) above the form.

	Guests read this: only an open campaign is named, and its name is escaped as it goes into HTML.
	"""
	campaign = frappe.form_dict.get("campaign")
	event = campaign and frappe.db.get_value(
		"Campaign", campaign, ["campaign_name", "campaign_status", "start_date", "end_date"], as_dict=True
	)
	if event and event.campaign_status not in CLOSED_STATUSES:
		dates = " - ".join(formatdate(d) for d in (event.start_date, event.end_date) if d)
		context.introduction_text = _("Register for {0}").format(
			frappe.bold(escape_html(event.campaign_name))
		) + (f"<br>{dates}" if dates else "")
