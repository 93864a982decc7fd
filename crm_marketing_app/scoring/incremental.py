"""Scoring one record: on Lead/Contact save, and when a Campaign Response of the person changes."""

from collections.abc import Mapping

import frappe
from frappe.utils import now_datetime

from crm_marketing_app.engine import scoring
from crm_marketing_app.scoring.lead_score_rules import SCORED_DOCTYPES, enabled_rules
from crm_marketing_app.utils import get_settings


def responses_of(doctype: str, name: str, types: list[str]) -> list[tuple]:
	if not types:
		return []
	response = frappe.qb.DocType("Campaign Response")
	return (
		frappe.qb.from_(response)
		.select(response.response_type, response.response_date)
		.where(response.respondent_doctype == doctype)
		.where(response.respondent == name)
		.where(response.response_type.isin(types))
		.run()
	)


def evaluate_record(doctype: str, record: Mapping, name: str | None, now=None) -> list[scoring.RuleResult]:
	"""Each enabled rule's result for one record (`name` None: not saved yet, so no responses)."""
	rules = enabled_rules(doctype)
	types = sorted({rule.response_type for rule in rules if rule.rule_type == scoring.ACTIVITY})
	responses = responses_of(doctype, name, types) if name else []
	return scoring.evaluate(rules, record, responses, now or now_datetime())


def score_fields(results: list[scoring.RuleResult], current: Mapping) -> dict:
	"""The score fields to write, or {} when score and grade are already right."""
	settings = get_settings()
	total = sum(result.points for result in results)
	grade = scoring.grade(total, settings.hot_threshold, settings.warm_threshold)
	if current.get("score_updated_on") and (
		current.get("marketing_score") or 0,
		current.get("score_grade"),
	) == (total, grade):
		return {}
	return {"marketing_score": total, "score_grade": grade, "score_updated_on": now_datetime()}


def score_document(doc) -> None:
	"""Lead / Contact validate (crm_marketing_app.overrides)."""
	doc.update(score_fields(evaluate_record(doc.doctype, doc, None if doc.is_new() else doc.name), doc))


def rescore_record(doctype: str, name: str) -> None:
	if doctype not in SCORED_DOCTYPES or not frappe.db.exists(doctype, name):
		return
	doc = frappe.get_doc(doctype, name)
	changes = score_fields(evaluate_record(doctype, doc, name), doc)
	if changes:
		frappe.db.set_value(doctype, name, changes, update_modified=False)


def rescore_respondents(doc, before=None) -> None:
	"""Campaign Response on_update / after_delete: rescore its respondent (and the one it had before)."""
	people = {(doc.respondent_doctype, doc.respondent)}
	if before:
		people.add((before.respondent_doctype, before.respondent))
	for doctype, name in people:
		if doctype and name:
			rescore_record(doctype, name)
