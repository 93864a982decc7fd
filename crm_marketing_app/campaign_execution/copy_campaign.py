"""Copy as new campaign: a campaign used as a template for the next one."""

import frappe
from frappe import _
from frappe.utils import getdate

from crm_marketing_app.activities import COUNTED_FILTER
from crm_marketing_app.engine.activity import copy_offset, shift

# Figures that belong to the campaign that ran, not to its copy.
CAMPAIGN_RESULTS = (
	"planned_cost",
	"actual_cost",
	"attributed_revenue",
	"roi",
	"leads_generated",
	"orders_count",
)
ACTIVITY_RESULTS = ("actual_cost", "distributed_count")


@frappe.whitelist()
def copy_campaign(campaign: str, campaign_name: str, start_date: str) -> str:
	"""Copies the campaign with its target products and budget, and its activities with their lists
	and milestones, every date moved so that the copy starts on `start_date`. Returns the new name."""
	frappe.has_permission("Campaign", "read", doc=campaign, throw=True)
	frappe.has_permission("Campaign", "create", throw=True)
	frappe.has_permission("Campaign Activity", "create", throw=True)
	campaign_name = (campaign_name or "").strip()
	if not campaign_name:
		frappe.throw(_("Enter a name for the new campaign"))
	if frappe.db.exists("Campaign", {"campaign_name": campaign_name}):
		frappe.throw(_("Campaign {0} already exists").format(frappe.bold(campaign_name)))

	source = frappe.get_doc("Campaign", campaign)
	start = getdate(start_date)
	days = copy_offset(source.start_date and getdate(source.start_date), start)

	copy = frappe.copy_doc(source)
	copy.campaign_name = campaign_name
	copy.start_date = start
	copy.end_date = shift(source.end_date and getdate(source.end_date), days)
	copy.campaign_status = "Planned"
	copy.promo_code = None
	copy.workflow_state = None
	for field in CAMPAIGN_RESULTS:
		if copy.meta.has_field(field):
			copy.set(field, 0)
	copy.insert()

	activities = frappe.get_all(
		"Campaign Activity",
		filters={"campaign": campaign, **COUNTED_FILTER},
		pluck="name",
		order_by="scheduled_date, creation",
	)
	for name in activities:
		copy_activity(frappe.get_doc("Campaign Activity", name), copy.name, days)
	return copy.name


def copy_activity(source, campaign: str, days: int) -> None:
	activity = frappe.copy_doc(source)
	activity.campaign = campaign
	activity.status = "Planned"
	activity.scheduled_date = shift(getdate(source.scheduled_date), days)
	activity.end_date = shift(source.end_date and getdate(source.end_date), days)
	activity.distribution_log = None
	activity.last_distributed_on = None
	activity.purchase_invoices = []
	for field in ACTIVITY_RESULTS:
		activity.set(field, 0)
	for milestone in activity.milestones:
		milestone.due_date = shift(getdate(milestone.due_date), days)
		milestone.completed = 0
		milestone.completed_on = None
		milestone.todo = None
	activity.insert()
