import frappe
from frappe import _
from frappe.model.document import Document
from frappe.utils import getdate, today

from crm_marketing_app import jobs
from crm_marketing_app.campaign_execution import milestones
from crm_marketing_app.campaign_execution.distribution import check_distributable, render_letters
from crm_marketing_app.engine import activity
from crm_marketing_app.suppliers import costs
from crm_marketing_app.utils import engine_errors


class CampaignActivity(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		from crm_marketing_app.crm_marketing_app.doctype.campaign_activity_milestone.campaign_activity_milestone import (
			CampaignActivityMilestone,
		)
		from crm_marketing_app.crm_marketing_app.doctype.campaign_activity_purchase_invoice.campaign_activity_purchase_invoice import (
			CampaignActivityPurchaseInvoice,
		)
		from crm_marketing_app.crm_marketing_app.doctype.campaign_activity_target_list.campaign_activity_target_list import (
			CampaignActivityTargetList,
		)

		actual_cost: DF.Currency
		campaign: DF.Link
		channel: DF.Literal[
			"Email",
			"Phone Call",
			"Meeting",
			"Letter",
			"SMS",
			"Social",
			"Webinar",
			"Exhibition",
			"Advertising",
			"Other",
		]
		description: DF.TextEditor | None
		distributed_count: DF.Int
		distribution_log: DF.JSON | None
		email_template: DF.Link | None
		end_date: DF.Date | None
		landing_page: DF.Data | None
		last_distributed_on: DF.Datetime | None
		marketing_supplier: DF.Link | None
		milestones: DF.Table[CampaignActivityMilestone]
		planned_cost: DF.Currency
		purchase_invoices: DF.Table[CampaignActivityPurchaseInvoice]
		responsible: DF.Link | None
		scheduled_date: DF.Date
		status: DF.Literal["Planned", "In Progress", "Distributed", "Completed", "Cancelled"]
		subject: DF.Data
		target_lists: DF.Table[CampaignActivityTargetList]

	# end: auto-generated types
	def onload(self):
		# the form offers Distribute for exactly the channels the job knows
		self.set_onload("distributable_channels", activity.DISTRIBUTABLE_CHANNELS)

	def validate(self):
		self.validate_schedule()
		costs.validate_purchase_invoices(self)

	def on_update(self):
		milestones.sync_todos(self)
		costs.on_activity_change(self, self.get_doc_before_save())

	def on_trash(self):
		milestones.remove_todos(self)

	def after_delete(self):
		costs.on_activity_change(self)

	def validate_schedule(self):
		scheduled = self.scheduled_date and getdate(self.scheduled_date)
		end = self.end_date and getdate(self.end_date)
		with engine_errors(_("Invalid Campaign Activity")):
			activity.check_dates(scheduled, end)
			activity.check_milestones(
				[(m.milestone, m.due_date and getdate(m.due_date)) for m in self.milestones], scheduled, end
			)
		for milestone in self.milestones:
			if milestone.completed and not milestone.completed_on:
				milestone.completed_on = today()
			elif not milestone.completed:
				milestone.completed_on = None

	@frappe.whitelist()
	def distribute(self) -> None:
		"""Queues `crm_marketing_app.tasks.distribute_activity` once for this activity."""
		self.check_permission("write")
		check_distributable(self)
		if self.status == "Planned":
			self.db_set("status", "In Progress")
		jobs.enqueue_for(
			"crm_marketing_app.tasks.distribute_activity", self.name, timeout=6 * 3600, activity=self.name
		)
		frappe.msgprint(_("Distribution started; the progress bar shows how far it got."), alert=True)

	def letters(self) -> list[str]:
		"""Letter texts for the print format "Campaign Letters" (the current run's, else all Sent)."""
		return render_letters(self, self.flags.letter_responses)
