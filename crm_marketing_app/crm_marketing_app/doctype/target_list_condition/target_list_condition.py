from frappe.model.document import Document
from frappe.utils import getdate, nowdate

from crm_marketing_app.engine import relative_dates
from crm_marketing_app.engine.errors import EngineError


class TargetListCondition(Document):
	@property
	def resolves_to(self):
		"""The day a relative date value means today (virtual: it moves with the calendar)."""
		if not relative_dates.looks_relative(self.value):
			return None
		try:
			return relative_dates.resolve(self.value, getdate(nowdate()))
		except EngineError:
			return None
