import frappe
from frappe import _
from frappe.model.document import Document
from frappe.utils import nowdate
from frappe.utils.nestedset import get_ancestors_of

from crm_marketing_app import jobs
from crm_marketing_app.automation import runner
from crm_marketing_app.engine import templating
from crm_marketing_app.engine.triggers import check_action, check_item_group, check_trigger, unused_fields
from crm_marketing_app.utils import engine_errors


class MarketingTrigger(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		action: DF.Literal["Create ToDo", "Add To Target List", "Send Email", "Create Opportunity"]
		assign_to: DF.Link | None
		catch_up_days: DF.Int
		customer_group: DF.Link | None
		description: DF.Code | None
		email_template: DF.Link | None
		enabled: DF.Check
		event: DF.Literal["After Order", "No Order Since", "Lead Idle", "Score Reached", "Response Received"]
		item: DF.Link | None
		item_group: DF.Link | None
		last_run_failed: DF.Int
		last_run_fired: DF.Int
		last_run_on: DF.Datetime | None
		offset_days: DF.Int
		offset_months: DF.Int
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
			"Declined",
			"Requested Info",
			"Purchased",
			"Unsubscribed",
		]
		target_list: DF.Link | None
		threshold: DF.Float
		trigger_name: DF.Data

	# end: auto-generated types
	def before_validate(self):
		for fieldname in unused_fields(self.event, self.action):
			self.set(fieldname, None)

	def validate(self):
		with engine_errors():
			check_trigger(
				self.event,
				self.action,
				self.offset_months or 0,
				self.offset_days or 0,
				self.catch_up_days or 0,
				self.threshold or 0,
				self.response_type,
			)
			if self.item and self.item_group:
				group = frappe.db.get_value("Item", self.item, "item_group")
				check_item_group(self.item, self.item_group, [group, *get_ancestors_of("Item Group", group)])
			list_member_doctype = self.target_list and frappe.db.get_value(
				"Target List", self.target_list, "member_doctype"
			)
			check_action(
				self.action,
				self.event,
				self.target_list,
				list_member_doctype,
				self.email_template,
				self.description,
			)
		if self.description and self.action in ("Create ToDo", "Create Opportunity"):
			self._check_template()

	def _check_template(self):
		"""The template parses, and renders for the newest record of the event's kind."""
		with engine_errors(_("Invalid template")):
			templating.check(self.description)
		ctx = runner.sample_context(self, frappe.utils.getdate(nowdate()))
		if ctx is None:
			return
		try:
			runner.render(self.description, ctx)
		except frappe.ValidationError as e:
			frappe.throw(
				_("The Description template fails to render for {0} {1}: {2}").format(
					_(ctx["doc"].doctype), ctx["doc"].name, e
				)
			)

	@frappe.whitelist()
	def run_now(self) -> None:
		"""Fires what is due today, in a background job."""
		self.check_permission("write")
		if not self.enabled:
			frappe.throw(_("Marketing Trigger {0} is disabled").format(self.name))
		jobs.enqueue_for("crm_marketing_app.automation.runner.run_trigger", self.name, trigger_name=self.name)
		frappe.msgprint(_("Marketing Trigger {0} is running in the background").format(self.name), alert=True)

	@frappe.whitelist()
	def preview(self, limit: int = 100) -> list[dict]:
		"""What a run today would fire for, without acting."""
		self.check_permission("read")
		return runner.preview(self, limit=min(int(limit), 1000))
