from frappe import _
from frappe.model.document import Document

from crm_marketing_app.engine.suppliers import check_weight
from crm_marketing_app.suppliers.rollups import update_weighted_scores
from crm_marketing_app.utils import engine_errors


class MarketingEvaluationCriterion(Document):
	def validate(self):
		with engine_errors(_("Invalid Criterion")):
			check_weight(self.weight)

	def on_update(self):
		if self.has_value_changed("weight"):
			update_weighted_scores(self.name)
