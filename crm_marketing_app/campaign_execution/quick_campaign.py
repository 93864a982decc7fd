"""Quick campaign (the Dynamics "quick campaign"): records selected in a list view become, in one
step, a campaign, a static Target List of exactly them and the campaign's first activity."""

import json

import frappe
from frappe import _
from frappe.utils import getdate

from crm_marketing_app.target_lists.members import add_members

# The list views that offer it: the people and companies a campaign reaches.
QUICK_CAMPAIGN_DOCTYPES = ("Lead", "Contact", "Customer")


@frappe.whitelist()
def create_quick_campaign(
	member_doctype: str,
	names: str | list,
	campaign_name: str,
	channel: str,
	scheduled_date: str,
	campaign_type: str | None = None,
	subject: str | None = None,
) -> dict:
	"""Creates the campaign (Draft), the list and the activity in one transaction; returns their names."""
	if member_doctype not in QUICK_CAMPAIGN_DOCTYPES:
		frappe.throw(
			_("A quick campaign is made from Leads, Contacts or Customers, not {0}").format(_(member_doctype))
		)
	for doctype in ("Campaign", "Target List", "Campaign Activity"):
		frappe.has_permission(doctype, "create", throw=True)
	frappe.has_permission(member_doctype, "read", throw=True)
	selected = json.loads(names) if isinstance(names, str) else list(names or [])
	campaign_name = (campaign_name or "").strip()
	if not selected:
		frappe.throw(_("Select the records to add first"))
	if not campaign_name:
		frappe.throw(_("Enter a name for the new campaign"))
	if frappe.db.exists("Campaign", {"campaign_name": campaign_name}):
		frappe.throw(_("Campaign {0} already exists").format(frappe.bold(campaign_name)))
	start = getdate(scheduled_date)
	# A selection the list refuses (a record gone, say) leaves no campaign or list behind.
	frappe.db.savepoint(SAVEPOINT)
	try:
		return _create(member_doctype, selected, campaign_name, channel, start, campaign_type, subject)
	except Exception:
		frappe.db.rollback(save_point=SAVEPOINT)
		raise


SAVEPOINT = "quick_campaign"


def _create(member_doctype, selected, campaign_name, channel, start, campaign_type, subject) -> dict:
	campaign = frappe.get_doc(
		{
			"doctype": "Campaign",
			"campaign_name": campaign_name,
			"campaign_type": campaign_type,
			"start_date": start,
			"responsible": frappe.session.user,
		}
	).insert()
	target_list = frappe.get_doc(
		{
			"doctype": "Target List",
			"list_name": campaign_list_name(campaign_name),
			"member_doctype": member_doctype,
			"list_type": "Static",
			"description": _("Selected for the quick campaign {0}").format(campaign_name),
		}
	).insert()
	added = add_members(target_list, member_doctype, selected)
	activity = frappe.get_doc(
		{
			"doctype": "Campaign Activity",
			"subject": (subject or "").strip() or campaign_name,
			"campaign": campaign.name,
			"channel": channel,
			"scheduled_date": start,
			"responsible": frappe.session.user,
			"target_lists": [{"target_list": target_list.name}],
		}
	).insert()
	return {
		"campaign": campaign.name,
		"target_list": target_list.name,
		"campaign_activity": activity.name,
		"member_count": added,
	}


def campaign_list_name(campaign_name: str) -> str:
	"""The list is named after the campaign; a second one of the same name gets a number."""
	name, n = campaign_name, 1
	while frappe.db.exists("Target List", name):
		n += 1
		name = f"{campaign_name} ({n})"
	return name
