"""Campaign status follows the workflow state again (Pending Approval got a status of its own), and
approval-free states leave no Open Workflow Action behind (they became optional states)."""

import frappe
from frappe.utils.fixtures import sync_fixtures

from crm_marketing_app.install import WORKFLOW


def execute():
	sync_fixtures("crm_marketing_app")  # the new workflow states, styles and status options first
	states = frappe.qb.DocType("Workflow Document State")
	statuses = (
		frappe.qb.from_(states)
		.select(states.state, states.update_value)
		.where((states.parent == WORKFLOW) & (states.update_field == "campaign_status"))
		.distinct()
		.run()
	)
	campaign = frappe.qb.DocType("Campaign")
	for state, status in statuses:
		frappe.qb.update(campaign).set(campaign.campaign_status, status).where(
			campaign.workflow_state == state
		).run()
	action = frappe.qb.DocType("Workflow Action")
	pending = (
		frappe.qb.from_(campaign).select(campaign.name).where(campaign.workflow_state == "Pending Approval")
	)
	(
		frappe.qb.update(action)
		.set(action.status, "Completed")
		.where(
			(action.reference_doctype == "Campaign")
			& (action.status == "Open")
			& action.reference_name.notin(pending)
		)
		.run()
	)
