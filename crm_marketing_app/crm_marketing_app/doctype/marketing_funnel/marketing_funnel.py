from frappe import _
from frappe.model.document import Document

from crm_marketing_app.engine import funnel as engine
from crm_marketing_app.utils import engine_errors


class MarketingFunnel(Document):
	def validate(self):
		with engine_errors(_("Invalid Marketing Funnel")):
			engine.check_tolerance(self.tolerance)
			for stage in self.stages:
				engine.check_stage(stage.idx, stage.entry_event, stage.planned_conversion)
				engine.check_percent(stage.idx, stage.reference_conversion)
			engine.base_stages(
				[stage.stage_name for stage in self.stages], [stage.kpi_base_stage for stage in self.stages]
			)
