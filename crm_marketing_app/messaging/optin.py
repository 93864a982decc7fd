"""Double opt-in: a confirmation mail with a signed link, and what opening it records.

Two public web forms make one: Event Registration (a registration for an address already known
is held here until the address confirms, so nobody can register someone else; a new address
gets its Lead and registration at once, with email consent Pending) and the Subscription form of
a Target List that allows it (the person joins the list on confirmation). Either form answers
alike whether or not the address is known. Confirming records
the registration or the membership, and Granted email consent with its date and source.
"""

import frappe
from frappe import _
from frappe.rate_limiter import rate_limit
from frappe.utils import escape_html, now_datetime, validate_email_address

from crm_marketing_app.campaign_execution import registration
from crm_marketing_app.messaging import links
from crm_marketing_app.messaging.outbox import EmailOutbox, Mail, outgoing_account
from crm_marketing_app.messaging.preferences import set_consent

DOCTYPE = "Marketing Confirmation"
PURPOSE_SOURCE = {
	"Event Registration": "Double opt-in: Event Registration",
	"Subscription": "Double opt-in: Subscription",
}


def validate(doc) -> None:
	"""Marketing Confirmation validate. A guest's web form fills only the campaign (Event
	Registration) or the list (Subscription), name and email (and organization and phone)."""
	doc.email = validate_email_address((doc.email or "").strip(), throw=True)
	doc.full_name = (doc.full_name or "").strip()
	if not doc.full_name:
		frappe.throw(_("Enter your name"))
	if frappe.flags.in_web_form and doc.is_new():
		# who the address belongs to is looked up on confirmation, never in the guest's answer
		doc.update({"status": "Pending", "person_doctype": None, "person": None, "confirmed_on": None})
		if doc.campaign:
			registration.prepare(doc)
		else:
			check_subscription(doc)
	if doc.purpose == "Subscription" and not doc.target_list:
		frappe.throw(_("A subscription needs a Target List"))


def check_subscription(doc) -> None:
	allowed = doc.target_list and frappe.db.get_value("Target List", doc.target_list, "allow_subscription")
	if not allowed:
		frappe.throw(
			_("Open the subscription form from the list's subscription link"), title=_("Subscription")
		)
	doc.update({"purpose": "Subscription", "campaign": None})


def after_insert(doc) -> None:
	"""Marketing Confirmation after_insert: a web form registration of a new address is recorded
	at once; then the confirmation mail goes."""
	if frappe.flags.in_web_form and doc.purpose == "Event Registration":
		registration.register_new_address(doc)
	send_confirmation(doc)


def send_confirmation(doc) -> None:
	"""The confirmation mail with the signed link (Marketing Confirmation after_insert)."""
	if doc.status != "Pending" or not outgoing_account(raise_error=False):
		return  # no mail can go out: the address stays unconfirmed (Pending), and unmailed where consent is required
	url = links.confirmation_url(doc.name)
	what = (
		_("your registration for {0}").format(frappe.db.get_value("Campaign", doc.campaign, "campaign_name"))
		if doc.purpose == "Event Registration"
		else _("your subscription to {0}").format(doc.target_list)
	)
	body = (
		f"<p>{escape_html(_('Hello {0},').format(doc.full_name))}</p>"
		f"<p>{escape_html(_('Please confirm {0} by opening this link:').format(what))}</p>"
		f'<p><a href="{escape_html(url)}">{escape_html(_("Confirm my email address"))}</a></p>'
		f"<p>{escape_html(_('If it was not you, ignore this mail: nothing is recorded without your confirmation.'))}</p>"
	)
	EmailOutbox().queue(
		[
			Mail(
				recipient=doc.email,
				subject=_("Please confirm your email address"),
				html=body,
				reference_doctype=DOCTYPE,
				reference_name=doc.name,
			)
		]
	)


@frappe.whitelist(allow_guest=True, methods=["GET"])
@rate_limit(limit=30, seconds=60)
def confirm(p: str, t: str, s: str) -> None:
	"""The signed confirmation link: records what was waiting for it, once."""
	if p != "confirm" or not links.verify(links.confirmation_params(t), s):
		raise frappe.PermissionError(_("This link is not valid"))
	doc = frappe.get_doc(DOCTYPE, t) if frappe.db.exists(DOCTYPE, t) else None
	if not doc:
		raise frappe.PermissionError(_("This link is not valid"))
	if doc.status == "Pending":
		record(doc)
		frappe.local.flags.commit = True  # GET requests are not committed by default
	frappe.respond_as_web_page(
		_("Thank you"), escape_html(_("{0} is confirmed.").format(doc.email)), indicator_color="green"
	)


def record(doc) -> None:
	"""What the confirmation was for, with the address's consent Granted."""
	person_doctype, person = doc.person_doctype, doc.person
	if not person:
		person_doctype, person = registration.find_person(doc.email)
	if doc.purpose == "Event Registration":
		person_doctype, person = registration.record_registration(doc, person_doctype, person)
	else:
		person_doctype, person = subscribe(doc, person_doctype, person)
	set_consent(person_doctype, person, {"Email": "Granted"}, _(PURPOSE_SOURCE[doc.purpose]))
	doc.db_set(
		{
			"status": "Confirmed",
			"confirmed_on": now_datetime(),
			"person_doctype": person_doctype,
			"person": person,
		}
	)


def subscribe(doc, person_doctype: str | None, person: str | None) -> tuple[str, str]:
	from crm_marketing_app.campaign_execution.responses import make_lead
	from crm_marketing_app.target_lists.members import add_members

	target_list = frappe.get_doc("Target List", doc.target_list)
	if target_list.member_doctype != "Lead" and person_doctype != target_list.member_doctype:
		frappe.throw(
			_("Target List {0} takes subscriptions of known {1} only").format(
				doc.target_list, _(target_list.member_doctype)
			)
		)
	if not person or person_doctype != target_list.member_doctype:
		person_doctype = "Lead"
		person = make_lead(
			frappe._dict(campaign=None),
			doc.full_name,
			doc.organization,
			doc.email,
			doc.phone,
			ignore_permissions=True,
		)
	add_members(target_list, person_doctype, [person], source="Manual")
	return person_doctype, person
