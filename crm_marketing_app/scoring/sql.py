"""Renders the engine's ScorePlan as one set-based UPDATE through frappe.qb."""

from datetime import datetime

import frappe
from frappe.query_builder import Case, CustomFunction
from frappe.query_builder.functions import Coalesce, Lower, Sum
from pypika.terms import Term, ValueWrapper

from crm_marketing_app.engine import scoring

Elt = CustomFunction("ELT", ["index", "first", "second", "third"])
Interval = CustomFunction("INTERVAL", ["value", "lower", "upper"])


class Collate(Term):
	"""`term COLLATE collation`, which pypika cannot spell."""

	def __init__(self, term: Term, collation: str) -> None:
		super().__init__()
		self.term, self.collation = term, collation

	def get_sql(self, **kwargs) -> str:
		return f"{self.term.get_sql(**kwargs)} COLLATE {self.collation}"


def _text(term: Term) -> Term:
	# Case folded by LOWER, compared binary: the engine's rule, independent of the column's collation.
	return Collate(Lower(term), "utf8mb4_bin")


def _condition(table, term: scoring.AttributeTerm):
	column = table[term.field]
	operator = scoring.NEGATIONS.get(term.operator, term.operator)
	if term.kind == scoring.TEXT:
		value = _text(Coalesce(column, ""))
		if operator == "is set":
			condition = value != ""
		elif operator == "like":
			condition = value.like(Lower(ValueWrapper(term.values[0])))
		else:
			condition = value.isin([Lower(ValueWrapper(v)) for v in term.values])
	elif term.kind == scoring.NUMBER:
		value = Coalesce(column, 0)
		condition = _compare(value, operator, term.values)
	elif operator == "is set":
		condition = column.isnotnull()
	else:
		condition = _compare(column, operator, term.values)
	if operator == term.operator:
		return condition
	if term.kind in (scoring.DATE, scoring.DATETIME) and operator != "is set":
		return column.isnull() | condition.negate()  # NULL fails `=`, so it passes `!=`
	return condition.negate()


def _compare(value: Term, operator: str, values: tuple):
	if operator in ("=", "in"):
		return value.isin(list(values))
	return scoring.ORDERINGS[operator](value, values[0])


def _activity_points(count: Term, term: scoring.ActivityTerm) -> Term:
	if not term.per_occurrence:
		return Case().when(count > 0, scoring.cap(term.points, term.max_points)).else_(0)
	points = count * term.points
	if not term.max_points:
		return points
	limit = term.max_points if term.points > 0 else -term.max_points
	beyond = points > limit if term.points > 0 else points < limit
	return Case().when(beyond, limit).else_(points)


def activity_counts(plan: scoring.ScorePlan, doctype: str, first: str, last: str):
	"""Per respondent in [first, last], one column per ActivityCount of the plan."""
	response = frappe.qb.DocType("Campaign Response")
	columns = []
	for count in plan.activity_counts:
		matches = response.response_type == count.response_type
		if count.since is not None:
			matches &= response.response_date >= count.since
		columns.append(Sum(Case().when(matches, 1).else_(0)).as_(count.alias))
	return (
		frappe.qb.from_(response)
		.select(response.respondent, *columns)
		.where(response.respondent_doctype == doctype)
		.where(response.respondent[first:last])
		.where(response.response_type.isin(plan.response_types))
		.groupby(response.respondent)
	)


def rescore_update(
	plan: scoring.ScorePlan, doctype: str, first: str, last: str, hot: int, warm: int, now: datetime
):
	"""UPDATE of the records named first..last whose score or grade differs from the plan's.

	The score expression is the costly part, so it is written as few times as possible: once in the
	WHERE (an unchanged score needs the grade of the stored score) and once in each SET."""
	table = frappe.qb.DocType(doctype)
	query = frappe.qb.update(table)
	terms: list[Term] = [Case().when(_condition(table, t), t.points).else_(0) for t in plan.attribute_terms]
	if plan.activity_counts:
		counts = activity_counts(plan, doctype, first, last).as_("activity")
		query = query.left_join(counts).on(counts.respondent == table.name)
		terms += [_activity_points(Coalesce(counts[t.count_alias], 0), t) for t in plan.activity_terms]
	score = sum(terms[1:], terms[0]) if terms else ValueWrapper(0)
	stale_grade = Coalesce(table.score_grade, "") != _grade(table.marketing_score, hot, warm)
	return (
		query.set(table.marketing_score, score)
		.set(table.score_grade, _grade(score, hot, warm))
		.set(table.score_updated_on, now)
		.where(table.name[first:last])
		.where((table.marketing_score != score) | stale_grade)
	)


def _grade(score: Term, hot: int, warm: int) -> Term:
	"""engine.scoring.grade, with `score` written once: INTERVAL gives 0 below warm, 1 below hot, else 2."""
	return Elt(Interval(score, warm, hot) + 1, "Cold", "Warm", "Hot")
