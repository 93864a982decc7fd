import frappe
from frappe import _
from frappe.model.document import Document
from frappe.utils import getdate, today

from crm_marketing_app.campaign_execution import milestones
from crm_marketing_app.campaign_execution.distribution import (
	check_distributable,
	distribute_activity,
	render_letters,
)
from crm_marketing_app.engine import activity as rules
from crm_marketing_app.offers import coupons
from crm_marketing_app.utils import engine_errors


class CampaignActivity(Document):
	def validate(self):
		self.validate_schedule()

	def on_update(self):
		milestones.sync_todos(self)

	def on_trash(self):
		milestones.remove_todos(self)

	def validate_schedule(self):
		scheduled = self.scheduled_date and getdate(self.scheduled_date)
		end = self.end_date and getdate(self.end_date)
		with engine_errors(_("Invalid Campaign Activity")):
			rules.check_dates(scheduled, end)
			rules.check_milestones(
				[(m.milestone, m.due_date and getdate(m.due_date)) for m in self.milestones], scheduled, end
			)
		for milestone in self.milestones:
			if milestone.completed and not milestone.completed_on:
				milestone.completed_on = today()
			elif not milestone.completed:
				milestone.completed_on = None

	@frappe.whitelist()
	def distribute(self):
		"""Queues `crm_marketing_app.tasks.distribute_activity` (inline under tests)."""
		self.check_permission("write")
		check_distributable(self)
		if frappe.flags.in_test:
			return distribute_activity(self.name)
		frappe.enqueue(
			"crm_marketing_app.tasks.distribute_activity",
			queue="long",
			timeout=6 * 3600,
			job_id=f"distribute_activity::{self.name}",
			deduplicate=True,
			activity=self.name,
		)
		if self.status == "Planned":
			self.db_set("status", "In Progress")
		frappe.msgprint(_("Distribution started; the progress bar shows how far it got."), alert=True)

	@frappe.whitelist()
	def generate_personal_coupons(self) -> dict | None:
		"""Queues `crm_marketing_app.offers.coupons.generate_personal_coupons` (inline under tests)."""
		self.check_permission("write")
		coupons.check_issuable(self)
		if frappe.flags.in_test:
			return coupons.generate_personal_coupons(self.name)
		frappe.enqueue(
			"crm_marketing_app.offers.coupons.generate_personal_coupons",
			queue="long",
			timeout=3600,
			job_id=f"personal_coupons::{self.name}",
			deduplicate=True,
			activity=self.name,
		)
		frappe.msgprint(_("Issuing personal coupons; the progress bar shows how far it got."), alert=True)

	def letters(self) -> list[str]:
		"""Letter texts for the print format "Campaign Letters" (the current run's, else all Sent)."""
		return render_letters(self, self.flags.letter_responses)
