import frappe
from frappe import _
from frappe.model.document import Document


class MarketingFunnel(Document):
	def validate(self):
		for stage in self.stages:
			for field in ("planned_conversion", "reference_conversion"):
				value = stage.get(field) or 0
				if not 0 <= value <= 100:
					frappe.throw(
						_("Row {0}: {1} must be between 0 and 100, not {2}").format(
							stage.idx, _(stage.meta.get_label(field)), value
						)
					)
