from frappe import _
from frappe.model.document import Document

from crm_marketing_app.engine.suppliers import check_weight
from crm_marketing_app.suppliers.rollups import update_weighted_scores
from crm_marketing_app.utils import engine_errors


class MarketingEvaluationCriterion(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		criterion_name: DF.Data
		description: DF.SmallText | None
		weight: DF.Float

	# end: auto-generated types
	def validate(self):
		with engine_errors(_("Invalid Criterion")):
			check_weight(self.weight)

	def on_update(self):
		if self.has_value_changed("weight"):
			update_weighted_scores(self.name)
