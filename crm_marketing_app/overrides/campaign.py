"""Campaign (ERPNext) document events: its own checks, and its rollups kept true on every save."""

import frappe
from frappe import _
from frappe.utils import getdate

from crm_marketing_app.campaigns import rollups
from crm_marketing_app.engine import campaign
from crm_marketing_app.utils import engine_errors


def validate(doc, method=None):
	with engine_errors(_("Invalid Campaign")):
		campaign.check_dates(
			doc.start_date and getdate(doc.start_date), doc.end_date and getdate(doc.end_date)
		)
		campaign.check_budget(doc.budget)
		campaign.check_parent(
			doc.name,
			doc.parent_campaign,
			lambda name: frappe.db.get_value("Campaign", name, "parent_campaign"),
		)
	validate_promo_code(doc)


def on_update(doc, method=None):
	rollups.on_campaign_update(doc)


def validate_promo_code(doc):
	if not doc.promo_code:
		return
	doc.promo_code = doc.promo_code.strip()
	other = frappe.db.get_value(
		"Campaign", {"promo_code": doc.promo_code, "name": ("!=", doc.name or "")}, "name"
	)
	if other:
		frappe.throw(
			_("Promo Code {0} is already used by Campaign {1}").format(frappe.bold(doc.promo_code), other),
			frappe.ValidationError,
			title=_("Invalid Campaign"),
		)
