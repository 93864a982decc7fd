import frappe
from frappe import _
from frappe.model.document import Document

from crm_marketing_app.journeys import checks
from crm_marketing_app.journeys.enrolments import end_open_enrolments


class MarketingJourney(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		from crm_marketing_app.crm_marketing_app.doctype.marketing_journey_step.marketing_journey_step import (
			MarketingJourneyStep,
		)

		campaign: DF.Link | None
		catch_up_days: DF.Int
		customer_group: DF.Link | None
		entry_target_list: DF.Link | None
		entry_type: DF.Literal["Manual", "Target List", "Event"]
		event: DF.Literal[
			"", "After Order", "No Order Since", "Lead Idle", "Score Reached", "Response Received"
		]
		first_order_only: DF.Check
		goal: DF.Literal["", "Sales Order", "Opportunity", "Response", "Score"]
		goal_response_type: DF.Literal[
			"",
			"Sent",
			"Opened",
			"Clicked",
			"Website Visit",
			"Downloaded",
			"Registered",
			"Attended",
			"Replied",
			"Accepted",
			"Declined",
			"Requested Info",
			"Purchased",
			"Unsubscribed",
			"Bounced",
		]
		goal_threshold: DF.Float
		item: DF.Link | None
		item_group: DF.Link | None
		journey_name: DF.Data
		last_run_on: DF.Datetime | None
		offset_days: DF.Int
		offset_months: DF.Int
		reentry: DF.Literal["Never", "After Exit", "Per Source Document"]
		response_type: DF.Literal[
			"",
			"Sent",
			"Opened",
			"Clicked",
			"Website Visit",
			"Downloaded",
			"Registered",
			"Attended",
			"Replied",
			"Accepted",
			"Declined",
			"Requested Info",
			"Purchased",
			"Unsubscribed",
			"Bounced",
		]
		status: DF.Literal["Draft", "Active", "Paused", "Stopped"]
		steps: DF.Table[MarketingJourneyStep]
		threshold: DF.Float
	# end: auto-generated types

	def validate(self):
		checks.validate(self)

	@frappe.whitelist()
	def activate(self) -> None:
		"""Draft or Paused → Active: people enter and move on from the next run."""
		self.check_permission("write")
		if self.status not in ("Draft", "Paused"):
			frappe.throw(_("Only a Draft or Paused journey can be activated"), title=_("Cannot activate"))
		checks.check_activation(self)
		self.status = "Active"
		self.save()

	@frappe.whitelist()
	def pause(self) -> None:
		"""Nobody enters or moves on until the journey is active again."""
		self.check_permission("write")
		if self.status != "Active":
			frappe.throw(_("Only an Active journey can be paused"), title=_("Cannot pause"))
		self.status = "Paused"
		self.save()

	@frappe.whitelist()
	def stop(self) -> int:
		"""Ends the journey for good: every open enrolment exits. Returns how many."""
		self.check_permission("write")
		if self.status == "Stopped":
			return 0
		self.status = "Stopped"
		self.save()
		return end_open_enrolments(self.name, "Exited")
