import frappe
from frappe import _
from frappe.model.document import Document
from frappe.utils import getdate, today

from crm_marketing_app import jobs
from crm_marketing_app.campaign_execution import milestones
from crm_marketing_app.campaign_execution.distribution import check_distributable, render_letters
from crm_marketing_app.engine import activity
from crm_marketing_app.offers import coupons
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
		personal_coupons: DF.Check
		planned_cost: DF.Currency
		purchase_invoices: DF.Table[CampaignActivityPurchaseInvoice]
		requires_consent: DF.Check
		responsible: DF.Link | None
		scheduled_date: DF.Date
		send_rate: DF.Int
		send_window_end: DF.Literal[
			"",
			"00:00",
			"00:30",
			"01:00",
			"01:30",
			"02:00",
			"02:30",
			"03:00",
			"03:30",
			"04:00",
			"04:30",
			"05:00",
			"05:30",
			"06:00",
			"06:30",
			"07:00",
			"07:30",
			"08:00",
			"08:30",
			"09:00",
			"09:30",
			"10:00",
			"10:30",
			"11:00",
			"11:30",
			"12:00",
			"12:30",
			"13:00",
			"13:30",
			"14:00",
			"14:30",
			"15:00",
			"15:30",
			"16:00",
			"16:30",
			"17:00",
			"17:30",
			"18:00",
			"18:30",
			"19:00",
			"19:30",
			"20:00",
			"20:30",
			"21:00",
			"21:30",
			"22:00",
			"22:30",
			"23:00",
			"23:30",
		]
		send_window_start: DF.Literal[
			"",
			"00:00",
			"00:30",
			"01:00",
			"01:30",
			"02:00",
			"02:30",
			"03:00",
			"03:30",
			"04:00",
			"04:30",
			"05:00",
			"05:30",
			"06:00",
			"06:30",
			"07:00",
			"07:30",
			"08:00",
			"08:30",
			"09:00",
			"09:30",
			"10:00",
			"10:30",
			"11:00",
			"11:30",
			"12:00",
			"12:30",
			"13:00",
			"13:30",
			"14:00",
			"14:30",
			"15:00",
			"15:30",
			"16:00",
			"16:30",
			"17:00",
			"17:30",
			"18:00",
			"18:30",
			"19:00",
			"19:30",
			"20:00",
			"20:30",
			"21:00",
			"21:30",
			"22:00",
			"22:30",
			"23:00",
			"23:30",
		]
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

	@frappe.whitelist()
	def generate_personal_coupons(self) -> dict | None:
		"""Queues `crm_marketing_app.tasks.generate_personal_coupons` once for this activity;
		under tests it runs inline and its counts are returned."""
		self.check_permission("write")
		coupons.check_issuable(self)
		result = jobs.enqueue_for(
			"crm_marketing_app.tasks.generate_personal_coupons",
			self.name,
			timeout=3600,
			activity=self.name,
		)
		frappe.msgprint(_("Issuing personal coupons; the progress bar shows how far it got."), alert=True)
		return result if isinstance(result, dict) else None

	def letters(self) -> list[str]:
		"""Every Sent letter, for printing "Campaign Letters" from the desk (distribution
		renders the letters of its own run and hands them to the print format itself)."""
		return render_letters(self)
