"""Turning a Campaign Response into a Lead or an Opportunity that point back to the campaign, one
from its form or many from the list."""

import json

import frappe
from frappe import _
from frappe.query_builder.functions import IfNull

from crm_marketing_app.campaign_execution.distribution import MEMBER_FIELDS, member_details

# Above this many selected responses the conversion runs as a background job.
CONVERT_NOW_AT_MOST = 20

# Where each respondent DocType keeps its email and phone.
CONTACT_FIELDS = {
	"Lead": ("email_id", "mobile_no"),
	"Contact": ("email_id", "mobile_no"),
	"Customer": ("email_id", "mobile_no"),
	"Prospect": (None, None),
}


def create_lead(response) -> str:
	if response.lead:
		return response.lead
	if response.respondent_doctype == "Lead":
		lead = response.respondent
	else:
		frappe.has_permission("Lead", "create", throw=True)
		email, phone = respondent_contact(response)
		lead = find_lead(email) or make_lead(
			response,
			full_name=response.full_name,
			organization=response.organization,
			email=email,
			phone=phone,
		)
	response.db_set("lead", lead)
	return lead


def respondent_contact(response) -> tuple[str | None, str | None]:
	email_field, phone_field = CONTACT_FIELDS.get(response.respondent_doctype, (None, None))
	stored = frappe.db.get_value(
		response.respondent_doctype,
		response.respondent,
		[f for f in (email_field, phone_field) if f] or "name",
		as_dict=True,
	)
	return (
		response.email or (stored.get(email_field) if email_field else None),
		response.phone or (stored.get(phone_field) if phone_field else None),
	)


def find_lead(email: str | None) -> str | None:
	return frappe.db.get_value("Lead", {"email_id": email}) if email else None


def make_lead(
	response, full_name=None, organization=None, email=None, phone=None, ignore_permissions=False
) -> str:
	"""A Lead from what the response knows about the person, tagged with the campaign."""
	if response.respondent_doctype and response.respondent:
		details = member_details(
			[{"member_doctype": response.respondent_doctype, "member": response.respondent}]
		)
		info = details.get((response.respondent_doctype, response.respondent), {})
		organization = organization or info.get("company")
		if response.respondent_doctype != "Customer":
			full_name = full_name or info.get("name")
	lead = frappe.get_doc(
		{
			"doctype": "Lead",
			"lead_name": full_name,
			"first_name": full_name,
			"company_name": organization,
			"email_id": email,
			"mobile_no": phone,
			"campaign_name": response.campaign,
			"source": "Campaign" if frappe.db.exists("Lead Source", "Campaign") else None,
			"lead_owner": campaign_owner(response.campaign),
		}
	)
	lead.insert(ignore_permissions=ignore_permissions)
	return lead.name


def campaign_owner(campaign: str | None) -> str | None:
	return frappe.db.get_value("Campaign", campaign, "responsible") if campaign else None


def create_opportunity(response) -> str:
	if response.opportunity:
		return response.opportunity
	frappe.has_permission("Opportunity", "create", throw=True)
	if response.respondent_doctype in ("Customer", "Prospect"):
		party_doctype, party = response.respondent_doctype, response.respondent
	else:
		party_doctype, party = "Lead", create_lead(response)
	company = (
		response.campaign and frappe.db.get_value("Campaign", response.campaign, "company")
	) or frappe.defaults.get_user_default("Company")
	if not company:
		frappe.throw(_("Set a Company on Campaign {0} to create an Opportunity").format(response.campaign))
	opportunity = frappe.get_doc(
		{
			"doctype": "Opportunity",
			"opportunity_from": party_doctype,
			"party_name": party,
			"company": company,
			"campaign": response.campaign,
			"source": "Campaign" if frappe.db.exists("Lead Source", "Campaign") else None,
			"contact_email": response.email,
		}
	).insert()
	response.db_set("opportunity", opportunity.name)
	return opportunity.name


def respondent_name(response) -> str | None:
	"""The respondent's name as its record spells it (the response's title)."""
	if not (response.respondent_doctype and response.respondent):
		return None
	key = (response.respondent_doctype, response.respondent)
	return member_details([{"member_doctype": key[0], "member": key[1]}]).get(key, {}).get("name")


def fill_respondent_names() -> None:
	"""Responses without a name get their respondent's, one UPDATE per respondent DocType (a
	correlated subquery: Contact has a full_name too, which a JOIN would make ambiguous in SET)."""
	cr = frappe.qb.DocType("Campaign Response")
	for doctype, fields in MEMBER_FIELDS.items():
		person = frappe.qb.DocType(doctype)
		name = frappe.qb.from_(person).select(person[fields["name"]]).where(person.name == cr.respondent)
		(
			frappe.qb.update(cr)
			.set(cr.full_name, IfNull(name, ""))  # the call parenthesises the subquery
			.where((cr.respondent_doctype == doctype) & (IfNull(cr.full_name, "") == ""))
			.run()
		)


CONVERSIONS = {"Lead": create_lead, "Opportunity": create_opportunity}


@frappe.whitelist()
def convert_responses(names: str | list, to: str) -> dict:
	"""Creates a Lead or an Opportunity for each selected response (those that have one keep it);
	a large selection runs in the background with a progress bar."""
	if to not in CONVERSIONS:
		frappe.throw(_("Responses turn into a Lead or an Opportunity, not {0}").format(to))
	frappe.has_permission("Campaign Response", "write", throw=True)
	frappe.has_permission(to, "create", throw=True)
	names = json.loads(names) if isinstance(names, str) else list(names)
	if not names:
		frappe.throw(_("Select the records to add first"))
	if len(names) > CONVERT_NOW_AT_MOST:
		frappe.enqueue(_convert, names=names, to=to, queue="long", enqueue_after_commit=True)
		return {"queued": len(names)}
	return _convert(names, to)


def _convert(names: list[str], to: str) -> dict:
	"""Each response in its own savepoint: one that fails is reported, the others are kept."""
	created, failed = {}, {}
	for i, name in enumerate(names):
		response = frappe.get_doc("Campaign Response", name)
		response.check_permission("write")
		frappe.db.savepoint("convert_response")
		try:
			created[name] = CONVERSIONS[to](response)
		except frappe.ValidationError as e:
			frappe.db.rollback(save_point="convert_response")
			failed[name] = str(e)
		frappe.publish_progress(100 * (i + 1) / len(names), title=_("Creating {0}").format(_(to)))
	return {"created": created, "failed": failed}
