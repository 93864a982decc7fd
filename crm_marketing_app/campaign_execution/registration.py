"""The public "Event Registration" web form: a guest registers for a campaign's event.

The web form makes a Marketing Confirmation (double opt-in, `messaging.optin`) of campaign,
name, email, organization and phone; what it records is decided here: a registration of a
known or newly created Lead, never more, and the same answer whether the address is known.
"""

import json

import frappe
from frappe import _
from frappe.utils import now_datetime

from crm_marketing_app.campaign_execution import web_tracking
from crm_marketing_app.campaign_execution.responses import make_lead

CLOSED_STATUSES = ("Completed", "Cancelled")
WEB_FORM = "Event Registration"


def register(data: dict):
	"""Submits the Event Registration web form as a visitor does (as Guest); returns the form's
	Marketing Confirmation.

	For registrations taken on someone's behalf (the demo's visitors at the stand, tests): they
	go through exactly the web form's path and its guards, whoever the current user is.
	"""
	from frappe.website.doctype.web_form.web_form import accept

	user = frappe.session.user
	frappe.set_user("Guest")
	try:
		return accept(WEB_FORM, json.dumps(data, default=str))
	finally:
		frappe.flags.in_web_form = False  # accept() leaves it set for the rest of the request
		frappe.set_user(user)


def prepare(confirmation) -> None:
	"""Marketing Confirmation validate, for the Event Registration web form: the campaign must be
	open for registration; everything else the guest sent but campaign, name, email, organization
	and phone is reset."""
	status = (
		frappe.db.get_value("Campaign", confirmation.campaign, "campaign_status")
		if confirmation.campaign
		else None
	)
	if status is None:
		frappe.throw(
			_("Open the registration form from the event's invitation link"), title=_("Event Registration")
		)
	if status in CLOSED_STATUSES:
		frappe.throw(_("Registration for this event is closed"), title=_("Event Registration"))
	confirmation.update({"purpose": "Event Registration", "target_list": None})


def register_new_address(confirmation) -> None:
	"""A registration from the web form (Marketing Confirmation after_insert): a new address
	registers at once, its Lead's email consent Pending until the link is opened; an address
	already known (or registered) waits for its link, so nobody can register someone else.

	Both get the same confirmation mail and the same answer, so the form tells nobody whether
	an address is known."""
	doctype, person = find_person(confirmation.email)
	if person:
		return
	doctype, person = record_registration(confirmation, None, None)
	frappe.db.set_value(doctype, person, "email_consent", "Pending")


def new_lead(response, email: str) -> str:
	return make_lead(
		response, response.full_name, response.organization, email, response.phone, ignore_permissions=True
	)


def record_registration(confirmation, doctype: str | None, person: str | None) -> tuple[str, str]:
	"""The Registered response of a confirmed registration (once per event and person)."""
	if not person:
		details = frappe._dict(
			campaign=confirmation.campaign,
			full_name=confirmation.full_name,
			organization=confirmation.organization,
			phone=confirmation.phone,
		)
		doctype, person = "Lead", new_lead(details, confirmation.email)
	registered = {
		"campaign": confirmation.campaign,
		"respondent_doctype": doctype,
		"respondent": person,
		"response_type": "Registered",
	}
	if not frappe.db.exists("Campaign Response", registered):
		frappe.get_doc(
			{
				"doctype": "Campaign Response",
				**registered,
				"response_date": now_datetime(),
				"channel": "Web Form",
				"full_name": confirmation.full_name,
				"email": confirmation.email,
				"organization": confirmation.organization,
				"phone": confirmation.phone,
				"lead": person if doctype == "Lead" else None,
			}
		).insert(ignore_permissions=True)
	web_tracking.identify(doctype, person, confirmation.campaign)
	return doctype, person


def find_person(email: str) -> tuple[str, str | None]:
	"""The Lead, else the Contact, with this email."""
	lead = frappe.db.get_value("Lead", {"email_id": email})
	if lead:
		return "Lead", lead
	contact = frappe.db.get_value("Contact Email", {"email_id": email, "parenttype": "Contact"}, "parent")
	return ("Contact", contact) if contact else ("Lead", None)
