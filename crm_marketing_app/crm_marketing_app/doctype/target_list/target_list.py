import frappe
from frappe import _
from frappe.model.document import Document

from crm_marketing_app.offers import segments
from crm_marketing_app.target_lists import members
from crm_marketing_app.target_lists.query import compile_for


class TargetList(Document):
	def validate(self):
		if self.list_type == "Dynamic":
			if not self.conditions:
				frappe.throw(_("A Dynamic list needs at least one condition"))
			compile_for(self.member_doctype, self.conditions)
		segments.validate(self)

	def on_trash(self):
		tlm = frappe.qb.DocType("Target List Member")
		frappe.qb.from_(tlm).delete().where(tlm.target_list == self.name).run()

	@frappe.whitelist()
	def refresh_members(self) -> dict:
		"""Rebuilds the members in a background job (inline in tests); the form shows its progress."""
		self.check_permission("write")
		if frappe.flags.in_test:
			members.refresh_dynamic_lists(self.name)
			return {"queued": False}
		frappe.enqueue(
			"crm_marketing_app.tasks.refresh_dynamic_lists",
			queue="long",
			job_id=f"target_list_refresh::{self.name}",
			deduplicate=True,
			target_list=self.name,
		)
		return {"queued": True}

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
