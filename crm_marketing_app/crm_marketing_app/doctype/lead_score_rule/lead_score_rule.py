from frappe.model.document import Document

from crm_marketing_app.scoring import lead_score_rules
from crm_marketing_app.scoring.bulk import schedule_rescore

# Fields whose change alters scores; editing anything else (the name) needs no rescore.
SCORING_FIELDS = ("enabled", "applies_to", *lead_score_rules.RULE_FIELDS[1:])


class LeadScoreRule(Document):
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
