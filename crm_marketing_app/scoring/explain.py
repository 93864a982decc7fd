"""Why a person has their score: each enabled rule's points and reason."""

import frappe
from frappe import _

from crm_marketing_app.engine import scoring
from crm_marketing_app.scoring.incremental import evaluate_record
from crm_marketing_app.scoring.lead_score_rules import SCORED_DOCTYPES
from crm_marketing_app.utils import get_settings


@frappe.whitelist()
def explain_score(doctype: str, name: str) -> dict:
	if doctype not in SCORED_DOCTYPES:
		frappe.throw(
			_("Scores exist only for Lead and Contact, not {0}").format(doctype), frappe.ValidationError
		)
	frappe.has_permission(doctype, "read", name, throw=True)
	doc = frappe.get_doc(doctype, name)
	results = evaluate_record(doctype, doc, name)
	total = sum(result.points for result in results)
	settings = get_settings()
	return {
		"score": total,
		"grade": scoring.grade(total, settings.hot_threshold, settings.warm_threshold),
		"rules": [{"rule": r.rule.name, "points": r.points, "reason": reason(r, doc.meta)} for r in results],
	}


def reason(result: scoring.RuleResult, meta) -> str:
	rule = result.rule
	if rule.rule_type == scoring.ATTRIBUTE:
		label = _(meta.get_label(rule.field))
		shown = ", ".join(str(v) for v in rule.values)
		condition = _("{0} {1} {2}").format(label, _(rule.operator), shown).strip()
		text = condition + " — " + (_("matches") if result.matched else _("does not match"))
	elif rule.within_days:
		counted = _("{0} × {1} in the last {2} days")  # noqa: RUF001
		text = counted.format(result.count, _(rule.response_type), rule.within_days)
	else:
		text = _("{0} × {1} at any time").format(result.count, _(rule.response_type))  # noqa: RUF001
	if result.capped:
		text += " — " + _("capped at {0}").format(rule.max_points)
	return text
