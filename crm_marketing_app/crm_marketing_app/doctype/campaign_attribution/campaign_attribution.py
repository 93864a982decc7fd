from frappe.model.document import Document


class CampaignAttribution(Document):
	"""Rows are written and removed by the Sales Order / Sales Invoice hooks only
	(crm_marketing_app.attribution.records)."""

	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		amount: DF.Currency
		campaign: DF.Link
		company: DF.Link | None
		customer: DF.Link | None
		model: DF.Literal[
			"Campaign Field",
			"Coupon Code",
			"Promo Code",
			"First Touch",
			"Last Touch",
			"Linear",
			"Position Based",
			"Time Decay",
		]
		posting_date: DF.Date | None
		reference_doctype: DF.Link
		reference_name: DF.DynamicLink
		weight: DF.Float
	# end: auto-generated types
