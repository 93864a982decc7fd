import frappe
from frappe import _
from frappe.model.document import Document


class CRMMarketingSettings(Document):
	def validate(self):
		if self.warm_threshold >= self.hot_threshold:
			frappe.throw(
				_("Warm Threshold ({0}) must be lower than Hot Threshold ({1})").format(
					self.warm_threshold, self.hot_threshold
				)
			)
		if self.attribution_window_days <= 0:
			frappe.throw(_("Attribution Window (Days) must be at least 1"))
