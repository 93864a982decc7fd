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
		if (self.buying_now_days or 0) < 1:
			frappe.throw(_("Buying Now (Days) must be at least 1"))
		if self.lapsed_after_days and self.lapsed_after_days < self.buying_now_days:
			frappe.throw(
				_("Lapsed After (Days) ({0}) must be 0 or at least Buying Now (Days) ({1})").format(
					self.lapsed_after_days, self.buying_now_days
				)
			)
