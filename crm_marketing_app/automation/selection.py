"""Which records a Marketing Trigger is due for today, as set-based frappe.qb queries.

`due_records()` returns one row per record not yet in the trigger's log:
reference_doctype, reference_name (what the trigger fires for, the log's key),
party_doctype, party (who the action is about), base_date (what the offset
counts from). `with_party()` adds the party's name, email and owner.
"""

from datetime import date, timedelta

import frappe
from frappe.query_builder.functions import Coalesce, Max
from pypika.functions import Date
from pypika.terms import EmptyCriterion, ExistsCriterion, Term, ValueWrapper

from crm_marketing_app.engine.triggers import DATE_EVENTS, base_date_range
from crm_marketing_app.sales_history import first_order_dates, sales_documents, sales_lines

# Leads nobody should be nudged about any more
CLOSED_LEAD_STATUSES = ("Converted", "Do Not Contact")


def due_records(trigger, today: date, not_done=None):
	"""Records `trigger` fires for on `today` (and missed in its catch-up days).

	`not_done(reference_doctype, reference_name, party_doctype, party)` is the criterion that keeps
	out what was done already: by default "not in the trigger's log"; a Marketing Journey passes
	"not entered yet" (journeys/entry.py). The trigger-like object may set `first_order_only`."""
	not_done = not_done or (
		lambda ref_doctype, ref_name, _party_doctype, _party: _not_logged(trigger, ref_doctype, ref_name)
	)
	if trigger.event in DATE_EVENTS:
		first, last = base_date_range(
			today, trigger.offset_months or 0, trigger.offset_days or 0, trigger.catch_up_days or 0
		)
	else:
		first, last = today - timedelta(days=trigger.catch_up_days or 0), today
	return {
		"After Order": _after_order,
		"No Order Since": _no_order_since,
		"Lead Idle": _lead_idle,
		"Score Reached": _score_reached,
		"Response Received": _response_received,
	}[trigger.event](trigger, first, last, today, not_done)


def _not_logged(trigger, reference_doctype, reference_name):
	log = frappe.qb.DocType("Marketing Trigger Log")
	logged = (
		frappe.qb.from_(log)
		.select(log.name)
		.where(
			(log.marketing_trigger == trigger.name)
			& (log.reference_doctype == reference_doctype)
			& (log.reference_name == reference_name)
		)
	)
	return ExistsCriterion(logged).negate()


def _in_subtree(field, doctype: str, root: str):
	"""`field` is `root` of a nested-set DocType or one of its descendants.

	The names are listed, not a subquery: as a semi-join table the tree made the
	optimiser start from it and walk every customer of the groups. No condition at
	all when that is every node (e.g. "All Customer Groups", the new-form default)."""
	bounds = frappe.db.get_value(doctype, root, ["lft", "rgt"])
	if not bounds:
		return field == root
	names = frappe.get_all(
		doctype, filters={"lft": (">=", bounds[0]), "rgt": ("<=", bounds[1])}, pluck="name"
	)
	if len(names) == frappe.db.count(doctype):
		return EmptyCriterion()
	return field.isin(names)


def _customer_filter(trigger, customer):
	in_group = (
		_in_subtree(customer.customer_group, "Customer Group", trigger.customer_group)
		if trigger.customer_group
		else EmptyCriterion()
	)
	# an EmptyCriterion only vanishes on the left of &
	return in_group & (customer.disabled == 0)


def _due(reference_doctype, reference_name, party_doctype, party, base_date) -> list:
	"""The columns every event's query selects; plain values (a DocType name, a date) become constants."""
	terms = (reference_doctype, reference_name, party_doctype, party, base_date)
	names = ("reference_doctype", "reference_name", "party_doctype", "party", "base_date")
	return [
		(term if isinstance(term, Term) else ValueWrapper(term)).as_(name)
		for term, name in zip(terms, names, strict=True)
	]


def _after_order(trigger, first, last, today, not_done):
	line = sales_lines().as_("line")
	customer = frappe.qb.DocType("Customer")
	query = (
		frappe.qb.from_(line)
		.join(customer)
		.on(customer.name == line.customer)
		.select(
			*_due(
				line.reference_doctype, line.reference_name, "Customer", line.customer, Max(line.posting_date)
			)
		)
		.where(line.posting_date[first:last] & _customer_filter(trigger, customer))
		.where(not_done(line.reference_doctype, line.reference_name, "Customer", line.customer))
		.groupby(line.reference_doctype, line.reference_name, line.customer)
	)
	if trigger.get("first_order_only"):
		# the customer's first order only: its date is the first in the sales history
		first_order = first_order_dates()
		query = query.join(first_order).on(
			(first_order.customer == line.customer) & (first_order.first_date == line.posting_date)
		)
	if trigger.item:
		query = query.where(line.item_code == trigger.item)
	if trigger.item_group:
		query = query.where(_in_subtree(line.item_group, "Item Group", trigger.item_group))
	return query


def _no_order_since(trigger, first, last, today, not_done):
	"""Customers whose last order is dated in [first, last]: an order in that range and none after.

	Sales history is only ever read by date or by customer (both indexed): the
	customers with an order in the range are looked up first, then which of them
	ordered later, instead of grouping the whole history by customer."""
	recent = sales_documents().as_("doc")
	in_range = recent.posting_date[first:last]
	candidates = frappe.qb.from_(recent).select(recent.customer).distinct().where(in_range).run(pluck=True)
	later = sales_documents().as_("later")
	ordered_later = candidates and (
		frappe.qb.from_(later)
		.select(later.customer)
		.distinct()
		.where(later.customer.isin(candidates) & (later.posting_date > last))
		.run(pluck=True)
	)
	if ordered_later:
		in_range &= recent.customer.notin(ordered_later)
	customer = frappe.qb.DocType("Customer")
	return (
		frappe.qb.from_(recent)
		.join(customer)
		.on(customer.name == recent.customer)
		.select(*_due("Customer", recent.customer, "Customer", recent.customer, Max(recent.posting_date)))
		.where(in_range & _customer_filter(trigger, customer))
		.where(not_done("Customer", recent.customer, "Customer", recent.customer))
		.groupby(recent.customer)
	)


def _open_leads(lead, not_done):
	return lead.status.notin(CLOSED_LEAD_STATUSES) & not_done("Lead", lead.name, "Lead", lead.name)


def _lead_idle(trigger, first, last, today, not_done):
	lead = frappe.qb.DocType("Lead")
	communication = frappe.qb.DocType("Communication")
	last_contact = (
		frappe.qb.from_(communication)
		.select(
			communication.reference_name.as_("lead"), Max(communication.communication_date).as_("last_on")
		)
		.where(communication.reference_doctype == "Lead")
		.groupby(communication.reference_name)
	).as_("last_contact")
	# a lead nobody ever wrote to has been idle since it was created
	base_date = Date(Coalesce(last_contact.last_on, lead.creation))
	return (
		frappe.qb.from_(lead)
		.left_join(last_contact)
		.on(last_contact.lead == lead.name)
		.select(*_due("Lead", lead.name, "Lead", lead.name, base_date))
		.where(base_date[first:last] & _open_leads(lead, not_done))
	)


def _score_reached(trigger, first, last, today, not_done):
	lead = frappe.qb.DocType("Lead")
	return (
		frappe.qb.from_(lead)
		.select(*_due("Lead", lead.name, "Lead", lead.name, today))
		.where((lead.marketing_score >= trigger.threshold) & _open_leads(lead, not_done))
	)


def _response_received(trigger, first, last, today, not_done):
	response = frappe.qb.DocType("Campaign Response")
	response_date = Date(response.response_date)
	return (
		frappe.qb.from_(response)
		.select(
			*_due(
				"Campaign Response",
				response.name,
				response.respondent_doctype,
				response.respondent,
				response_date,
			)
		)
		.where(
			(response.response_type == trigger.response_type)
			& response_date[first:last]
			& (Coalesce(response.respondent, "") != "")
			& not_done("Campaign Response", response.name, response.respondent_doctype, response.respondent)
		)
	)


def with_party(rows):
	"""Every column of the derived table `rows`, plus party_name, email and owner_user
	(the customer's account manager or the lead's owner)."""
	customer, lead, contact = (
		frappe.qb.DocType("Customer"),
		frappe.qb.DocType("Lead"),
		frappe.qb.DocType("Contact"),
	)
	return (
		frappe.qb.from_(rows)
		.left_join(customer)
		.on((rows.party_doctype == "Customer") & (customer.name == rows.party))
		.left_join(lead)
		.on((rows.party_doctype == "Lead") & (lead.name == rows.party))
		.left_join(contact)
		.on((rows.party_doctype == "Contact") & (contact.name == rows.party))
		.select(
			rows.star,
			Coalesce(customer.customer_name, lead.lead_name, contact.full_name, rows.party).as_("party_name"),
			Coalesce(customer.email_id, lead.email_id, contact.email_id).as_("email"),
			Coalesce(customer.account_manager, lead.lead_owner).as_("owner_user"),
		)
	)
