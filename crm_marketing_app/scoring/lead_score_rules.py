"""Lead Score Rules as the engine sees them: validated against the live meta, cached per DocType."""

import frappe
from frappe import _

from crm_marketing_app.engine import scoring
from crm_marketing_app.utils import engine_errors

SCORED_DOCTYPES = ("Lead", "Contact")
RULE_FIELDS = (
	"name",
	"rule_type",
	"points",
	"max_points",
	"per_occurrence",
	"field",
	"operator",
	"value",
	"response_type",
	"within_days",
)
CACHE_KEY = "crm_marketing_score_rules"


def fieldtypes(doctype: str) -> dict[str, str]:
	return {df.fieldname: df.fieldtype for df in frappe.get_meta(doctype).fields}


@frappe.whitelist()
def scoreable_fields(doctype: str) -> list[dict]:
	"""The fields a rule on `doctype` may name, for the rule form's Field choice."""
	frappe.has_permission("Lead Score Rule", "read", throw=True)
	if doctype not in SCORED_DOCTYPES:
		return []
	return [
		{"fieldname": df.fieldname, "label": df.label or df.fieldname}
		for df in frappe.get_meta(doctype).fields
		if df.fieldtype in scoring.KIND_OF_FIELDTYPE and df.fieldname not in scoring.SCORE_FIELDS
	]


def response_types() -> list[str]:
	options = frappe.get_meta("Campaign Response").get_field("response_type").options or ""
	return [option for option in options.split("\n") if option]


def parse(rule, doctype: str) -> scoring.Rule:
	"""A rule document or row, validated; raises the engine's error untranslated."""
	return scoring.parse_rule(
		name=rule.get("name") or rule.get("rule_name"),
		rule_type=rule.get("rule_type"),
		points=rule.get("points"),
		max_points=rule.get("max_points"),
		per_occurrence=rule.get("per_occurrence"),
		field=rule.get("field"),
		operator=rule.get("operator"),
		value=rule.get("value"),
		response_type=rule.get("response_type"),
		within_days=rule.get("within_days"),
		fields=fieldtypes(doctype),
		response_types=response_types(),
	)


def validate(rule) -> scoring.Rule:
	if rule.get("applies_to") not in SCORED_DOCTYPES:
		frappe.throw(_("Applies To must be Lead or Contact"), frappe.ValidationError)
	with engine_errors(_("Invalid Lead Score Rule")):
		return parse(rule, rule.get("applies_to"))


def enabled_rules(doctype: str) -> list[scoring.Rule]:
	return frappe.cache.hget(CACHE_KEY, doctype, lambda: _load_enabled_rules(doctype))


def _load_enabled_rules(doctype: str) -> list[scoring.Rule]:
	rules = []
	for row in frappe.get_all(
		"Lead Score Rule", filters={"enabled": 1, "applies_to": doctype}, fields=RULE_FIELDS, order_by="name"
	):
		try:
			rules.append(parse(row, doctype))
		except scoring.EngineError as e:
			# A field the rule names was removed after it was saved: score without it, and say so.
			frappe.log_error(
				f"Lead Score Rule {row.name} skipped: {e}",
				reference_doctype="Lead Score Rule",
				reference_name=row.name,
			)
	return rules


def clear_cache() -> None:
	"""Also after the transaction ends: other workers may have cached the rules meanwhile."""
	frappe.cache.delete_value(CACHE_KEY)
	for callbacks in (frappe.db.after_commit, frappe.db.after_rollback):
		callbacks.add(_clear_cache_now)


def _clear_cache_now() -> None:
	frappe.cache.delete_value(CACHE_KEY)
