"""Campaign (ERPNext) document events: its own checks, and its rollups kept true on every save."""

import frappe
from frappe import _
from frappe.model.workflow import get_workflow
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
	check_status_follows_workflow(doc)


def check_status_follows_workflow(doc):
	"""`campaign_status` is the workflow's: a change the workflow state does not make is refused."""
	workflow_name = frappe.get_meta("Campaign").get_workflow()
	if not workflow_name:
		return  # a shop without the approval workflow sets the status by hand
	workflow = get_workflow("Campaign")
	state_name = doc.get(workflow.workflow_state_field) or workflow.states[0].state
	state = next((s for s in workflow.states if s.state == state_name), None)
	if not state or state.update_field != "campaign_status" or doc.campaign_status == state.update_value:
		return
	if doc.is_new() or doc.has_value_changed("campaign_status"):
		frappe.throw(
			_("Campaign Status follows the approval workflow: in state {0} it is {1}").format(
				_(state_name), _(state.update_value)
			),
			title=_("Invalid Campaign"),
		)
	doc.campaign_status = state.update_value  # data from before the workflow: brought in line


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
