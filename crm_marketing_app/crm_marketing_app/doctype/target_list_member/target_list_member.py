import frappe
from frappe import _
from frappe.model.document import Document

from crm_marketing_app.campaign_execution import eligibility
from crm_marketing_app.target_lists import members
from crm_marketing_app.target_lists.query import member_rows


class TargetListMember(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		email: DF.Data | None
		member: DF.DynamicLink
		member_doctype: DF.Link
		member_name: DF.Data | None
		phone: DF.Data | None
		source: DF.Literal["Manual", "Rule", "Import", "Merge", "Copy"]
		status: DF.Literal["Active", "Unsubscribed", "Bounced", "Excluded"]
		target_list: DF.Link

	# end: auto-generated types
	def autoname(self):
		self.name = members.member_row_name(self.target_list, self.member)

	def validate(self):
		target_list = frappe.get_cached_doc("Target List", self.target_list)
		members.check_holds(target_list, self.member_doctype)
		if self.is_new():
			if frappe.db.exists(members.MEMBER, {"target_list": self.target_list, "member": self.member}):
				frappe.throw(_("{0} is already on Target List {1}").format(self.member, self.target_list))
			if frappe.flags.in_import:
				self.source = "Import"
			self._fill_from_record(target_list)
		elif self.status == "Active" and self.has_value_changed("status"):
			self._check_reachable()

	def _check_reachable(self):
		member = {"member_doctype": self.member_doctype, "member": self.member, "email": self.email}
		if eligibility.unsubscribed([member], target_list=self.target_list):
			frappe.throw(
				_("{0} has unsubscribed and cannot be made Active again on a list").format(
					self.member_name or self.member
				),
				title=_("Unsubscribed"),
			)

	def _fill_from_record(self, target_list):
		rows, table = member_rows(target_list)
		row = rows.where(table.name == self.member).run(as_dict=True)[0]
		self.member_name, self.email, self.phone = row.member_name, row.email, row.phone
		if self.status in (None, "", "Active"):
			self.status = row.status

	# member_count moves by one per row instead of a recount, so imports of many rows stay linear
	def after_insert(self):
		if self.status == "Active":
			members.bump_count(self.target_list, 1)

	def on_update(self):
		before = self.get_doc_before_save()
		if before and (before.status == "Active") != (self.status == "Active"):
			members.bump_count(self.target_list, 1 if self.status == "Active" else -1)

	def after_delete(self):
		if self.status == "Active":
			members.bump_count(self.target_list, -1)


def on_doctype_update():
	frappe.db.add_unique("Target List Member", ["target_list", "member"])
