import frappe
from frappe import _
from frappe.contacts.address_and_contact import delete_contact_and_address, load_address_and_contact
from frappe.model.document import Document

from crm_marketing_app.engine.suppliers import check_score, weighted_score
from crm_marketing_app.suppliers.rollups import criterion_weights, update_supplier_rollups
from crm_marketing_app.utils import engine_errors

ROLLUPS = ["engagement_count", "total_spend", "last_engaged_on"]


class MarketingSupplier(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		from crm_marketing_app.crm_marketing_app.doctype.marketing_supplier_evaluation.marketing_supplier_evaluation import (
			MarketingSupplierEvaluation,
		)
		from crm_marketing_app.crm_marketing_app.doctype.marketing_supplier_service_type.marketing_supplier_service_type import (
			MarketingSupplierServiceType,
		)

		engagement_count: DF.Int
		evaluations: DF.Table[MarketingSupplierEvaluation]
		last_engaged_on: DF.Date | None
		service_types: DF.TableMultiSelect[MarketingSupplierServiceType]
		status: DF.Literal["Active", "On Hold", "Blocked"]
		supplier: DF.Link | None
		supplier_name: DF.Data
		total_spend: DF.Currency
		website: DF.Data | None
		weighted_score: DF.Float

	# end: auto-generated types
	def onload(self):
		load_address_and_contact(self)

	def validate(self):
		weights = criterion_weights([row.criterion for row in self.evaluations])
		with engine_errors(_("Invalid Evaluation")):
			for row in self.evaluations:
				check_score(row.score, row.criterion)
			self.weighted_score = weighted_score(
				(row.score, weights.get(row.criterion, 0)) for row in self.evaluations
			)

	def on_update(self):
		# The form carries the rollups it loaded; activities may have changed them since.
		update_supplier_rollups([self.name])
		self.update(frappe.db.get_value(self.doctype, self.name, ROLLUPS, as_dict=True))

	def on_trash(self):
		delete_contact_and_address(self.doctype, self.name)
