from frappe.model.document import Document


class MarketingSupplierEvaluation(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		campaign_activity: DF.Link | None
		comment: DF.SmallText | None
		criterion: DF.Link
		evaluated_on: DF.Date | None
		parent: DF.Data
		parentfield: DF.Data
		parenttype: DF.Data
		score: DF.Float
	# end: auto-generated types
	pass
