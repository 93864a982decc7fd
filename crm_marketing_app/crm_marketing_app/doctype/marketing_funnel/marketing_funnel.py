from frappe import _
from frappe.model.document import Document

from crm_marketing_app.engine import funnel
from crm_marketing_app.utils import engine_errors


class MarketingFunnel(Document):
	def validate(self):
		with engine_errors(_("Invalid Marketing Funnel")):
			funnel.check_tolerance(self.tolerance)
			for stage in self.stages:
				funnel.check_stage(stage.idx, stage.entry_event, stage.planned_conversion)
				funnel.check_percent(stage.idx, stage.reference_conversion)
