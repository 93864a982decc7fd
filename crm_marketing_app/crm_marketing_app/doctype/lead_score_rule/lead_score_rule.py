from frappe.model.document import Document

from crm_marketing_app.scoring import lead_score_rules
from crm_marketing_app.scoring.bulk import schedule_rescore

# Fields whose change alters scores; editing anything else (the name) needs no rescore.
SCORING_FIELDS = ("enabled", "applies_to", *lead_score_rules.RULE_FIELDS[1:])


class LeadScoreRule(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		applies_to: DF.Literal["Lead", "Contact"]
		enabled: DF.Check
		field: DF.Literal[None]
		max_points: DF.Int
		operator: DF.Literal[
			"=", "!=", ">", ">=", "<", "<=", "in", "not in", "like", "not like", "is set", "is not set"
		]
		per_occurrence: DF.Check
		points: DF.Int
		response_type: DF.Literal[
			"Sent",
			"Opened",
			"Clicked",
			"Website Visit",
			"Downloaded",
			"Registered",
			"Attended",
			"Replied",
			"Declined",
			"Requested Info",
			"Purchased",
			"Unsubscribed",
		]
		rule_name: DF.Data
		rule_type: DF.Literal["Attribute", "Activity"]
		value: DF.Data | None
		within_days: DF.Int

	# end: auto-generated types
	def validate(self):
		self.clear_fields_of_other_type()
		lead_score_rules.validate(self)

	def clear_fields_of_other_type(self):
		if self.rule_type == "Attribute":
			self.response_type, self.within_days, self.per_occurrence = None, 0, 0
		else:
			self.field, self.operator, self.value = None, None, None

	def on_update(self):
		before = self.get_doc_before_save()
		if before and all(before.get(f) == self.get(f) for f in SCORING_FIELDS):
			return
		lead_score_rules.clear_cache()
		if self.enabled or (before and before.enabled):
			schedule_rescore([self.applies_to, before.applies_to if before else self.applies_to])

	def after_delete(self):
		lead_score_rules.clear_cache()
		if self.enabled:
			schedule_rescore([self.applies_to])
