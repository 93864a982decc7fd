import frappe
from frappe import _
from frappe.model.document import Document

from crm_marketing_app import jobs
from crm_marketing_app.engine.target_lists import list_dependencies
from crm_marketing_app.offers import segments
from crm_marketing_app.target_lists import members, query


class TargetList(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		from crm_marketing_app.crm_marketing_app.doctype.target_list_condition.target_list_condition import (
			TargetListCondition,
		)

		allow_subscription: DF.Check
		channel: DF.Literal["", "Email", "Postal Mail", "Phone", "SMS", "Meeting", "Social"]
		conditions: DF.Table[TargetListCondition]
		description: DF.SmallText | None
		exclude_unsubscribed: DF.Check
		last_refreshed_on: DF.Datetime | None
		list_name: DF.Data
		list_type: DF.Literal["Static", "Dynamic"]
		member_count: DF.Int
		member_doctype: DF.Literal["Lead", "Contact", "Customer", "Prospect"]
		members_without_address: DF.Int
		requires_consent: DF.Check
		rule_description: DF.SmallText | None
		segment_customer_group: DF.Link | None

	# end: auto-generated types
	def validate(self):
		self.rule_description = None
		if self.list_type == "Dynamic":
			if not self.conditions:
				frappe.throw(_("A Dynamic list needs at least one condition"))
			query.compile_for(self.member_doctype, self.conditions, self.name)
			rows = query.condition_rows(self.conditions)
			query.refresh_order([self.name], {self.name: list_dependencies(rows)})
			self.rule_description = query.describe(self.member_doctype, self.conditions, self.name)
		segments.validate(self)

	def on_trash(self):
		tlm = frappe.qb.DocType("Target List Member")
		frappe.qb.from_(tlm).delete().where(tlm.target_list == self.name).run()

	@frappe.whitelist()
	def refresh_members(self) -> None:
		"""Rebuilds the members in a background job; the form shows its progress."""
		self.check_permission("write")
		jobs.enqueue_for("crm_marketing_app.tasks.refresh_dynamic_lists", self.name, target_list=self.name)
		frappe.msgprint(_("Refreshing members in the background"), alert=True)

	@frappe.whitelist()
	def merge(self, other_list: str, mode: str) -> int:
		self.check_permission("write")
		other = frappe.get_doc("Target List", other_list)
		other.check_permission("read")
		return members.merge(self, other, mode)

	@frappe.whitelist()
	def copy_members(self, to_list: str) -> int:
		self.check_permission("read")
		target = frappe.get_doc("Target List", to_list)
		target.check_permission("write")
		return members.copy_rows(self, target, "Copy")

	@frappe.whitelist()
	def export_to_email_group(self) -> str:
		self.check_permission("read")
		frappe.has_permission("Email Group", "create", throw=True)
		return members.export_to_email_group(self)

	@frappe.whitelist()
	def make_contact_list(self, which: str = "all", designation: str | None = None) -> str:
		"""A Customer list's Contacts (all, primary, or of a designation) as a Contact list."""
		self.check_permission("read")
		frappe.has_permission("Target List", "create", throw=True)
		frappe.has_permission("Contact", "read", throw=True)
		return members.contacts_of_customers(self, which, designation)
