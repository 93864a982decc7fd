"""The public pages behind signed links: the preference page every marketing mail links to as its
unsubscribe footer, and the confirmation of a double opt-in.

No login: the signature is the permission. A forged or altered link gets 403 and changes nothing.
Leaving a list or everything goes through Frappe's own Email Unsubscribe (which the lists and
every send honour); leaving a channel sets that channel's consent to Refused on the person.
"""

import frappe
from frappe import _
from frappe.rate_limiter import rate_limit
from frappe.utils import escape_html, now_datetime

from crm_marketing_app.engine.messaging import CONSENT_FIELDS
from crm_marketing_app.messaging import links

CONSENT_DOCTYPES = ("Lead", "Contact")
CHANNEL_CHOICES = {"email": "Email", "sms": "SMS", "phone": "Phone Call"}


def check_signed(params: dict, signature: str | None) -> None:
	if not links.verify(params, signature):
		raise frappe.PermissionError(_("This link is not valid"))


@frappe.whitelist(allow_guest=True, methods=["GET"])
@rate_limit(limit=60, seconds=60)
def page(p: str, d: str, r: str, m: str, s: str, a: str | None = None) -> None:
	"""The preference page of one person (signed): leave a list, a channel or everything."""
	params = links.preference_params(d, r, m, a)
	if p != "preferences":
		raise frappe.PermissionError(_("This link is not valid"))
	check_signed(params, s)
	choices = [(f"list:{name}", _("Emails of the list {0}").format(name)) for name in person_lists(d, r)]
	if d in CONSENT_DOCTYPES:
		choices += [
			("email", _("All marketing email")),
			("sms", _("Marketing text messages (SMS)")),
			("phone", _("Marketing calls")),
		]
	choices.append(("everything", _("Everything: no marketing messages at all")))
	hidden = "".join(
		f'<input type="hidden" name="{key}" value="{escape_html(value)}">'
		for key, value in {**params, "s": s}.items()
		if value is not None
	)
	options = "".join(
		f'<div class="radio"><label><input type="radio" name="choice" value="{escape_html(value)}"'
		f"{' checked' if index == 0 else ''}> {escape_html(label)}</label></div>"
		for index, (value, label) in enumerate(choices)
	)
	html = (
		f"<p>{escape_html(_('Choose what {0} no longer wants to receive:').format(m))}</p>"
		f'<form method="post" action="/api/method/crm_marketing_app.messaging.preferences.update">'
		f'{hidden}{options}<p><button type="submit" class="btn btn-primary">{escape_html(_("Save"))}</button></p></form>'
	)
	frappe.respond_as_web_page(_("Your email preferences"), html, indicator_color="blue")


@frappe.whitelist(allow_guest=True, methods=["POST"])
@rate_limit(limit=30, seconds=60)
def update(p: str, d: str, r: str, m: str, s: str, choice: str, a: str | None = None) -> None:
	"""Applies the choice made on the preference page (the same signed parameters)."""
	params = links.preference_params(d, r, m, a)
	if p != "preferences":
		raise frappe.PermissionError(_("This link is not valid"))
	check_signed(params, s)
	message = leave(d, r, m, choice, a)  # committed with the POST request
	frappe.respond_as_web_page(_("Your email preferences"), escape_html(message), indicator_color="green")


def leave(person_doctype: str, person: str, email: str, choice: str, activity: str | None = None) -> str:
	"""What the preference page does for `choice`; returns the message shown."""
	if choice.startswith("list:"):
		target_list = choice[5:]
		if target_list not in person_lists(person_doctype, person):
			frappe.throw(_("{0} is not on the list {1}").format(email, target_list))
		unsubscribe(email, "Target List", target_list)
		return _("{0} gets no more emails of the list {1}").format(email, target_list)
	if choice in CHANNEL_CHOICES:
		if person_doctype not in CONSENT_DOCTYPES:
			frappe.throw(_("Choose one of the options shown"))
		set_consent(person_doctype, person, {CHANNEL_CHOICES[choice]: "Refused"}, _("Preference page"))
		if choice == "email":
			unsubscribe(email, "Campaign Activity", activity)
		return _("Done: no more {0} for {1}").format(_(CHANNEL_CHOICES[choice]), email)
	if choice == "everything":
		if person_doctype in CONSENT_DOCTYPES:
			set_consent(
				person_doctype, person, dict.fromkeys(CONSENT_FIELDS, "Refused"), _("Preference page")
			)
			frappe.db.set_value(person_doctype, person, "unsubscribed", 1)
		unsubscribe(email, "Campaign Activity", activity, global_unsubscribe=True)
		return _("Done: {0} gets no marketing messages at all").format(email)
	frappe.throw(_("Choose one of the options shown"))


def person_lists(person_doctype: str, person: str) -> list[str]:
	"""The lists the person is an active member of."""
	return frappe.get_all(
		"Target List Member",
		{"member_doctype": person_doctype, "member": person, "status": "Active"},
		pluck="target_list",
		order_by="target_list",
	)


def unsubscribe(
	email: str, reference_doctype: str, reference_name: str | None, global_unsubscribe=False
) -> None:
	"""Frappe's own Email Unsubscribe (its hooks update the lists and record the response)."""
	if not reference_name and not global_unsubscribe:
		return
	filters = {"email": email, "global_unsubscribe": 1} if global_unsubscribe else {
		"email": email, "reference_doctype": reference_doctype, "reference_name": reference_name
	}  # fmt: skip
	if frappe.db.exists("Email Unsubscribe", filters):
		return
	frappe.get_doc(
		{
			"doctype": "Email Unsubscribe",
			"email": email,
			"global_unsubscribe": int(global_unsubscribe),
			"reference_doctype": reference_doctype if reference_name else None,
			"reference_name": reference_name,
		}
	).insert(ignore_permissions=True)


def set_consent(person_doctype: str, person: str, by_channel: dict[str, str], source: str) -> None:
	"""Sets the consent of channels ({"Email": "Granted"}) with its date and source."""
	values = {CONSENT_FIELDS[channel]: value for channel, value in by_channel.items()}
	frappe.db.set_value(
		person_doctype, person, {**values, "consent_date": now_datetime(), "consent_source": source}
	)
