import frappe
from frappe.model.document import Document
from frappe.utils import getdate, nowdate

from crm_marketing_app.engine import relative_dates
from crm_marketing_app.engine.errors import EngineError
from crm_marketing_app.target_lists.query import field_label


class TargetListCondition(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		campaign: DF.Link | None
		campaign_activity: DF.Link | None
		field: DF.Data
		group: DF.Int
		operator: DF.Literal[
			"=", "!=", ">", ">=", "<", "<=", "in", "not in", "like", "not like", "is set", "is not set"
		]
		parent: DF.Data
		parentfield: DF.Data
		parenttype: DF.Data
		value: DF.Data | None
		within_days: DF.Int
	# end: auto-generated types

	@property
	def field_label(self) -> str | None:
		"""The field's label in the reader's language (virtual: `field` stays the stored fieldname)."""
		if not self.field:
			return None
		parent = self.parent_doc
		member_doctype = (
			parent.member_doctype
			if parent
			else frappe.db.get_value("Target List", self.parent, "member_doctype")
		)
		return field_label(member_doctype)(self.field.strip()) if member_doctype else self.field

	@property
	def resolves_to(self):
		"""The day a relative date value means today (virtual: it moves with the calendar)."""
		if not relative_dates.looks_relative(self.value):
			return None
		try:
			return relative_dates.resolve(self.value, getdate(nowdate()))
		except EngineError:
			return None
