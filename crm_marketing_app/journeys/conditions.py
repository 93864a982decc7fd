"""What holds for the people of a journey, as criteria on the Journey Enrolment table: the Branch
conditions and the goals, so that a chunk (a Branch) or a whole journey (the goal) is decided by one
query. Each criterion is correlated to the enrolment row: its person is (member_doctype, member).
"""

import operator

import frappe
from frappe import _
from frappe.query_builder.functions import Date
from pypika.terms import Criterion, ExistsCriterion

from crm_marketing_app.sales_history import sales_lines

ENROLMENT = "Journey Enrolment"
SCORED_DOCTYPES = ("Lead", "Contact")
COMPARISONS = {
	"=": operator.eq,
	"!=": operator.ne,
	">": operator.gt,
	"<": operator.lt,
	">=": operator.ge,
	"<=": operator.le,
}
OPERATORS = (*COMPARISONS, "like", "is set", "is not set")


def enrolment_table():
	return frappe.qb.DocType(ENROLMENT)


def customer_of_person(customer):
	"""`customer` (a column) is the person's Customer: the Customer itself, a Lead's Customer (its
	`lead_name`), a Contact's linked Customer."""
	e = enrolment_table()
	c, link = frappe.qb.DocType("Customer"), frappe.qb.DocType("Dynamic Link")
	of_lead = frappe.qb.from_(c).select(c.name).where(c.lead_name == e.member)
	of_contact = (
		frappe.qb.from_(link)
		.select(link.link_name)
		.where((link.parenttype == "Contact") & (link.parent == e.member) & (link.link_doctype == "Customer"))
	)
	return (
		((e.member_doctype == "Customer") & (customer == e.member))
		| ((e.member_doctype == "Lead") & customer.isin(of_lead))
		| ((e.member_doctype == "Contact") & customer.isin(of_contact))
	)


def responded(response_type: str, since) -> Criterion:
	"""A Campaign Response of `response_type` from the person at or after `since` (a column)."""
	e, r = enrolment_table(), frappe.qb.DocType("Campaign Response")
	return ExistsCriterion(
		frappe.qb.from_(r)
		.select(r.name)
		.where(
			(r.respondent_doctype == e.member_doctype)
			& (r.respondent == e.member)
			& (r.response_type == response_type)
			& (r.response_date >= since)
		)
	)


def score_at_least(threshold: float) -> Criterion:
	e = enrolment_table()
	return Criterion.any(
		(e.member_doctype == doctype)
		& ExistsCriterion(
			frappe.qb.from_(person)
			.select(person.name)
			.where((person.name == e.member) & (person.marketing_score >= threshold))
		)
		for doctype in SCORED_DOCTYPES
		for person in [frappe.qb.DocType(doctype)]
	)


def purchased(item: str | None, item_group: str | None) -> Criterion:
	"""The person's customer bought `item` (or an item of `item_group`) since entering, in the sales
	history (submitted orders, invoices not made from one)."""
	e, line = enrolment_table(), sales_lines().as_("line")
	what = line.item_code == item if item else line.item_group == item_group
	return ExistsCriterion(
		frappe.qb.from_(line)
		.select(line.reference_name)
		.where(what & (line.posting_date >= Date(e.entered_on)) & customer_of_person(line.customer))
	)


def ordered() -> Criterion:
	"""A Sales Order submitted for the person's customer since entering (the Sales Order goal)."""
	e, so = enrolment_table(), frappe.qb.DocType("Sales Order")
	return ExistsCriterion(
		frappe.qb.from_(so)
		.select(so.name)
		.where((so.docstatus == 1) & (so.creation >= e.entered_on) & customer_of_person(so.customer))
	)


def opportunity_created() -> Criterion:
	e, o = enrolment_table(), frappe.qb.DocType("Opportunity")
	return ExistsCriterion(
		frappe.qb.from_(o)
		.select(o.name)
		.where(
			(o.opportunity_from == e.member_doctype)
			& (o.party_name == e.member)
			& (o.creation >= e.entered_on)
		)
	)


def on_list(target_list: str) -> Criterion:
	e, m = enrolment_table(), frappe.qb.DocType("Target List Member")
	return ExistsCriterion(
		frappe.qb.from_(m)
		.select(m.name)
		.where(
			(m.target_list == target_list)
			& (m.member_doctype == e.member_doctype)
			& (m.member == e.member)
			& (m.status == "Active")
		)
	)


def field_holds(doctypes: tuple[str, ...], field: str, op: str, value: str | None) -> Criterion:
	"""`field` of the person compared with `value`; a person whose DocType lacks the field never
	matches (the journey's checks let only fields of at least one of `doctypes` through)."""
	if op not in OPERATORS:
		frappe.throw(_("Unknown operator {0}").format(op), title=_("Invalid journey"))
	e = enrolment_table()
	criteria = []
	for doctype in doctypes:
		if not frappe.get_meta(doctype).has_field(field):
			continue
		person = frappe.qb.DocType(doctype)
		test = compare(person[field], op, value)
		criteria.append(
			(e.member_doctype == doctype)
			& ExistsCriterion(
				frappe.qb.from_(person).select(person.name).where((person.name == e.member) & test)
			)
		)
	return Criterion.any(criteria)


def compare(column, op: str, value: str | None) -> Criterion:
	if op == "like":
		return column.like(value if "%" in (value or "") else f"%{value}%")
	if op == "is set":
		return column.notnull() & (column != "")
	if op == "is not set":
		return column.isnull() | (column == "")
	return COMPARISONS[op](column, value)


def branch_condition(step, doctypes: tuple[str, ...]) -> Criterion:
	"""The criterion of a Branch step (`engine.journeys.CONDITION_TYPES`)."""
	e = enrolment_table()
	return {
		"Response": lambda: responded(step.response_type, e.step_started_on),
		"Field": lambda: field_holds(doctypes, step.field, step.operator or "=", step.value),
		"Score": lambda: score_at_least(step.threshold or 0),
		"Purchased": lambda: purchased(step.item, step.item_group),
		"On List": lambda: on_list(step.target_list),
	}[step.condition_type]()


def goal_reached(journey) -> Criterion | None:
	"""The criterion of the journey's goal (`engine.journeys.GOALS`), None without one."""
	if not journey.goal:
		return None
	e = enrolment_table()
	return {
		"Sales Order": ordered,
		"Opportunity": opportunity_created,
		"Response": lambda: responded(journey.goal_response_type, e.entered_on),
		"Score": lambda: score_at_least(journey.goal_threshold or 0),
	}[journey.goal]()
