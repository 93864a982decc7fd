from frappe.model.document import Document


class MarketingPlanPeriod(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		campaign_type: DF.Literal[
			"", "Exhibition", "Webinar", "Email", "Direct Mail", "Advertising", "Promotion", "Other"
		]
		cost_center: DF.Link
		parent: DF.Data
		parentfield: DF.Data
		parenttype: DF.Data
		period_end: DF.Date
		period_start: DF.Date
		planned_budget: DF.Currency
	# end: auto-generated types
	pass
