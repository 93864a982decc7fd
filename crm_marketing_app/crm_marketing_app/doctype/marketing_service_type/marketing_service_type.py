from frappe.model.document import Document


class MarketingServiceType(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		description: DF.SmallText | None
		service_type: DF.Data
	# end: auto-generated types
	pass
