import frappe
from frappe import _
from frappe.utils import formatdate


def get_context(context):
	"""Names the event (the campaign of the invitation link) above the form."""
	campaign = frappe.form_dict.get("campaign")
	event = campaign and frappe.db.get_value(
		"Campaign", campaign, ["campaign_name", "start_date", "end_date"], as_dict=True
	)
	if event:
		dates = " - ".join(formatdate(d) for d in (event.start_date, event.end_date) if d)
		context.introduction_text = _("Register for {0}").format(frappe.bold(event.campaign_name)) + (
			f"<br>{dates}" if dates else ""
		)
