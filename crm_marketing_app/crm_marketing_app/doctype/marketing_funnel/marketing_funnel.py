from frappe import _
from frappe.model.document import Document

from crm_marketing_app.engine import funnel
from crm_marketing_app.utils import engine_errors


class MarketingFunnel(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		from crm_marketing_app.crm_marketing_app.doctype.event_funnel_stage.event_funnel_stage import (
			EventFunnelStage,
		)

		campaign_type: DF.Literal[
			"", "Exhibition", "Webinar", "Email", "Direct Mail", "Advertising", "Promotion", "Other"
		]
		description: DF.TextEditor | None
		funnel_name: DF.Data
		min_reference_campaigns: DF.Int
		stages: DF.Table[EventFunnelStage]
		tolerance: DF.Percent

	# end: auto-generated types
	def validate(self):
		with engine_errors(_("Invalid Marketing Funnel")):
			funnel.check_tolerance(self.tolerance)
			for stage in self.stages:
				funnel.check_stage(stage.idx, stage.entry_event, stage.planned_conversion)
				funnel.check_percent(stage.idx, stage.reference_conversion)
			funnel.base_stages(
				[stage.stage_name for stage in self.stages], [stage.kpi_base_stage for stage in self.stages]
			)
