import frappe
from frappe import _
from frappe.model.document import Document

from crm_marketing_app.engine import attribution
from crm_marketing_app.scoring.bulk import on_settings_change
from crm_marketing_app.utils import engine_errors


class CRMMarketingSettings(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		allow_unapproved_distribution: DF.Check
		attribution_model: DF.Literal["First Touch", "Last Touch", "Linear", "Position Based", "Time Decay"]
		attribution_window_days: DF.Int
		beacon_limit_per_ip: DF.Int
		beacon_limit_per_visitor: DF.Int
		buying_now_days: DF.Int
		default_sender: DF.Link | None
		enable_web_tracking: DF.Check
		hot_threshold: DF.Int
		lapsed_after_days: DF.Int
		max_messages_per_week: DF.Int
		quiet_hours_end: DF.Literal[
			"",
			"00:00",
			"00:30",
			"01:00",
			"01:30",
			"02:00",
			"02:30",
			"03:00",
			"03:30",
			"04:00",
			"04:30",
			"05:00",
			"05:30",
			"06:00",
			"06:30",
			"07:00",
			"07:30",
			"08:00",
			"08:30",
			"09:00",
			"09:30",
			"10:00",
			"10:30",
			"11:00",
			"11:30",
			"12:00",
			"12:30",
			"13:00",
			"13:30",
			"14:00",
			"14:30",
			"15:00",
			"15:30",
			"16:00",
			"16:30",
			"17:00",
			"17:30",
			"18:00",
			"18:30",
			"19:00",
			"19:30",
			"20:00",
			"20:30",
			"21:00",
			"21:30",
			"22:00",
			"22:30",
			"23:00",
			"23:30",
		]
		quiet_hours_start: DF.Literal[
			"",
			"00:00",
			"00:30",
			"01:00",
			"01:30",
			"02:00",
			"02:30",
			"03:00",
			"03:30",
			"04:00",
			"04:30",
			"05:00",
			"05:30",
			"06:00",
			"06:30",
			"07:00",
			"07:30",
			"08:00",
			"08:30",
			"09:00",
			"09:30",
			"10:00",
			"10:30",
			"11:00",
			"11:30",
			"12:00",
			"12:30",
			"13:00",
			"13:30",
			"14:00",
			"14:30",
			"15:00",
			"15:30",
			"16:00",
			"16:30",
			"17:00",
			"17:30",
			"18:00",
			"18:30",
			"19:00",
			"19:30",
			"20:00",
			"20:30",
			"21:00",
			"21:30",
			"22:00",
			"22:30",
			"23:00",
			"23:30",
		]
		tracking_cookie_days: DF.Int
		tracking_download_extensions: DF.SmallText | None
		tracking_excluded_paths: DF.SmallText | None
		warm_threshold: DF.Int

	# end: auto-generated types
	def validate(self):
		if self.warm_threshold >= self.hot_threshold:
			frappe.throw(
				_("Warm Threshold ({0}) must be lower than Hot Threshold ({1})").format(
					self.warm_threshold, self.hot_threshold
				)
			)
		with engine_errors():
			attribution.check_window(self.attribution_window_days)
		if (self.buying_now_days or 0) < 1:
			frappe.throw(_("Buying Now (Days) must be at least 1"))
		if self.lapsed_after_days and self.lapsed_after_days < self.buying_now_days:
			frappe.throw(
				_("Lapsed After (Days) ({0}) must be 0 or at least Buying Now (Days) ({1})").format(
					self.lapsed_after_days, self.buying_now_days
				)
			)

	def on_change(self):
		on_settings_change(self)
