"""The public "Event Registration" web form: a guest registers for a campaign's event.

The web form only fills campaign, name, email, organization and phone; everything
else of the response is decided here, so a guest cannot record anything but a
registration of a known or newly created Lead.
"""

import json

import frappe
from frappe import _
from frappe.utils import now_datetime, validate_email_address

from crm_marketing_app import jobs
from crm_marketing_app.campaign_execution import web_tracking
from crm_marketing_app.campaign_execution.responses import make_lead

CLOSED_STATUSES = ("Completed", "Cancelled")
WEB_FORM = "Event Registration"


def register(data: dict):
	"""Submits the Event Registration web form as a visitor does (as Guest) and returns the response.

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


def prepare(response) -> None:
	status = (
		frappe.db.get_value("Campaign", response.campaign, "campaign_status") if response.campaign else None
	)
	if not response.campaign or status is None:
		frappe.throw(
			_("Open the registration form from the event's invitation link"), title=_("Event Registration")
		)
	if status in CLOSED_STATUSES:
		frappe.throw(_("Registration for this event is closed"), title=_("Event Registration"))
	email = validate_email_address((response.email or "").strip(), throw=True)
	if not (response.full_name or "").strip():
		frappe.throw(_("Enter your name"), title=_("Event Registration"))

	doctype, person = find_person(email)
	if person and frappe.db.exists(
		"Campaign Response",
		{
			"campaign": response.campaign,
			"respondent_doctype": doctype,
			"respondent": person,
			"response_type": "Registered",
		},
	):
		frappe.throw(
			_("{0} is already registered for this event").format(email), title=_("Event Registration")
		)

	if person:
		hold_until_confirmed(response, email, doctype, person)

	response.update(
		{
			"email": email,
			"full_name": response.full_name.strip(),
			"campaign_activity": None,
			"response_type": "Registered",
			"response_date": now_datetime(),
			"channel": "Web Form",
			"promo_code": None,
			"notes": None,
			"opportunity": None,
			"lead": None,
		}
	)
	doctype, person = "Lead", new_lead(response, email)
	response.respondent_doctype, response.respondent, response.lead = doctype, person, person
	web_tracking.identify(doctype, person, response.campaign)
	# a new address registers at once; its email consent waits for the confirmation link
	frappe.db.set_value("Lead", person, "email_consent", "Pending")
	request_confirmation(response, email, "Lead", person, after_commit=True)


def new_lead(response, email: str) -> str:
	return make_lead(
		response, response.full_name, response.organization, email, response.phone, ignore_permissions=True
	)


def hold_until_confirmed(response, email: str, doctype: str, person: str) -> None:
	"""A registration for an address already known waits for that address to confirm: the
	confirmation is made by a job outside this request, which then fails with the notice, so
	nothing of the registration is recorded until the link is opened."""
	request_confirmation(response, email, doctype, person, after_commit=False)
	frappe.throw(
		_("We have sent a confirmation link to {0}. Your registration is recorded when you open it.").format(
			email
		),
		title=_("Please confirm your registration"),
	)


def request_confirmation(response, email: str, doctype: str, person: str, after_commit: bool) -> None:
	"""A Marketing Confirmation of the registration, with its mail (messaging.optin), as a job."""
	jobs.enqueue_for(
		"crm_marketing_app.messaging.optin.request",
		email,
		after_commit=after_commit,
		purpose="Event Registration",
		email=email,
		full_name=response.full_name.strip(),
		campaign=response.campaign,
		organization=response.organization,
		phone=response.phone,
		person_doctype=doctype,
		person=person,
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
