"""Turns a compiled condition tree (engine/target_lists.py) into one frappe.qb SELECT.

The SELECT yields the rows of Target List Member to insert for a list:
member, member_name, email, phone, status. Sales history comes from
crm_marketing_app.sales_history, reached per member DocType through the
customers the member stands for (see `member_customers`).
"""

import json

import frappe
from frappe import _
from frappe.model import default_fields, no_value_fields, table_fields
from frappe.query_builder import Case, Criterion
from frappe.query_builder.functions import Coalesce, Count, IfNull, Max, Min, NullIf, Sum
from frappe.query_builder.terms import SubQuery, ValueWrapper
from frappe.utils import getdate, nowdate

from crm_marketing_app.engine import target_lists
from crm_marketing_app.sales_history import sales_documents, sales_lines
from crm_marketing_app.utils import engine_errors, get_settings

MEMBER_DOCTYPES = ("Lead", "Contact", "Customer", "Prospect")

_KINDS = {
	"Int": target_lists.INT,
	"Long Int": target_lists.INT,
	"Float": target_lists.FLOAT,
	"Currency": target_lists.FLOAT,
	"Percent": target_lists.FLOAT,
	"Date": target_lists.DATE,
	"Datetime": target_lists.DATETIME,
	"Check": target_lists.CHECK,
	"Select": target_lists.SELECT,
}
_STANDARD = {
	"name": target_lists.TEXT,
	"owner": target_lists.TEXT,
	"modified_by": target_lists.TEXT,
	"creation": target_lists.DATETIME,
	"modified": target_lists.DATETIME,
}
_NOT_FILTERABLE = {
	*no_value_fields,
	*table_fields,
	"Password",
	"Attach",
	"Attach Image",
	"Signature",
	"Geolocation",
	"JSON",
}


def member_fields(member_doctype: str) -> dict[str, target_lists.Field]:
	"""Every column of the member DocType a condition may use, with its kind (from meta)."""
	fields = {name: target_lists.Field(kind) for name, kind in _STANDARD.items()}
	for df in frappe.get_meta(member_doctype).fields:
		if df.fieldtype in _NOT_FILTERABLE or df.fieldname in default_fields:
			continue
		kind = _KINDS.get(df.fieldtype, target_lists.TEXT)
		options = tuple(o for o in (df.options or "").split("\n") if o) if kind == target_lists.SELECT else ()
		fields[df.fieldname] = target_lists.Field(kind, options)
	return fields


def response_types() -> tuple[str, ...]:
	return tuple(frappe.get_meta("Campaign Response").get_options("response_type").split("\n"))


def check_member_doctype(member_doctype: str) -> None:
	if member_doctype not in MEMBER_DOCTYPES:
		frappe.throw(_("Member Type must be one of {0}").format(", ".join(MEMBER_DOCTYPES)))


def compile_context(member_doctype: str, rows, list_name: str | None = None) -> target_lists.Context:
	"""Today, the response types, the lists `rows` refer to and the activity_status windows."""
	settings = get_settings()
	referred = target_lists.list_dependencies(rows)
	lists = (
		dict(
			frappe.get_all(
				"Target List",
				filters={"name": ("in", referred)},
				fields=["name", "member_doctype"],
				as_list=True,
			)
		)
		if referred
		else {}
	)
	return target_lists.Context(
		today=getdate(nowdate()),
		response_types=response_types(),
		lists=lists,
		list_name=list_name,
		member_doctype=member_doctype,
		buying_now_days=settings.buying_now_days or target_lists.BUYING_NOW_DAYS,
		lapsed_after_days=settings.lapsed_after_days or 0,
	)


def compile_for(member_doctype: str, conditions, list_name: str | None = None):
	"""Validated condition tree; bad input raises a translated frappe.ValidationError."""
	check_member_doctype(member_doctype)
	rows = condition_rows(conditions)
	with engine_errors(_("Invalid condition")):
		return target_lists.compile_conditions(
			rows, member_fields(member_doctype), compile_context(member_doctype, rows, list_name)
		)


def describe(member_doctype: str, conditions, list_name: str | None = None) -> str:
	"""The (valid) rule as a sentence in the user's language."""
	rows = condition_rows(conditions)
	context = compile_context(member_doctype, rows, list_name)
	with engine_errors(_("Invalid condition")):
		return target_lists.describe(
			rows, member_fields(member_doctype), context, label=field_label(member_doctype), translate=_
		)


def field_label(member_doctype: str):
	"""fieldname -> its translated label: a derived condition's, a field's (standard ones too)."""
	meta = frappe.get_meta(member_doctype)

	def label(fieldname: str) -> str:
		if fieldname in target_lists.DERIVED_LABELS:
			return _(target_lists.DERIVED_LABELS[fieldname])
		if meta.has_field(fieldname) or fieldname in default_fields:
			return _(meta.get_label(fieldname) or fieldname)
		return fieldname

	return label


def resolved_dates(member_doctype: str, conditions) -> dict[int, str]:
	return target_lists.resolved_dates(
		condition_rows(conditions), member_fields(member_doctype), getdate(nowdate())
	)


def list_graph() -> dict[str, set[str]]:
	"""Dynamic Target List -> the lists its in_list / not_in_list conditions refer to (one query)."""
	condition, target = frappe.qb.DocType("Target List Condition"), frappe.qb.DocType("Target List")
	rows = (
		frappe.qb.from_(condition)
		.join(target)
		.on(target.name == condition.parent)
		.select(condition.parent, condition.value)
		.where(
			(condition.parenttype == "Target List")
			& (target.list_type == "Dynamic")
			& condition.field.isin(target_lists.LIST_CONDITIONS)
		)
	).run()
	graph: dict[str, set[str]] = {}
	for parent, value in rows:
		graph.setdefault(parent, set()).add((value or "").strip())
	return graph


def refresh_order(names, changed: dict[str, set[str]] | None = None) -> list[str]:
	"""`names` and the lists they depend on, dependencies first; `changed` overrides the
	stored dependencies of a list being saved. A cycle raises a translated ValidationError."""
	graph = {**list_graph(), **(changed or {})}
	with engine_errors(_("Invalid condition")):
		return target_lists.refresh_order(graph, names)


def condition_rows(conditions) -> list[target_lists.Condition]:
	"""The engine's rows of the conditions: rows of the form, or a JSON list of objects whose
	field, operator, campaign and activity are texts and whose value, group and within_days are
	texts or numbers; anything else is refused."""
	if isinstance(conditions, str):
		try:
			conditions = json.loads(conditions or "[]")
		except ValueError:
			conditions = None
	rows = (
		[target_lists.Condition(*(c.get(f) for f in _CONDITION_COLUMNS)) for c in conditions]
		if isinstance(conditions, list | tuple) and all(hasattr(c, "get") for c in conditions)
		else None
	)
	texts, scalars = (str, type(None)), (str, int, float, type(None))
	if rows is None or not all(
		all(
			isinstance(getattr(row, f), texts) for f in ("field", "operator", "campaign", "campaign_activity")
		)
		and all(isinstance(getattr(row, f), scalars) for f in ("value", "group", "within_days"))
		for row in rows
	):
		frappe.throw(
			_(
				"Conditions must be a list of field, operator and value, each a text (the value may be a number)"
			),
			title=_("Invalid condition"),
		)
	return rows


# the columns of Target List Condition, in the order of engine.target_lists.Condition
_CONDITION_COLUMNS = ("field", "operator", "value", "group", "campaign", "campaign_activity", "within_days")


def member_customers(member_doctype: str):
	"""Rows (member, customer): the customers whose sales history counts for a member.

	A Lead through the Customer made from it (Customer.lead_name); a Contact through
	its Dynamic Links to Customers; a Prospect through Customers made from it
	(Customer.prospect_name) or from one of its Leads.
	"""
	customer = frappe.qb.DocType("Customer")
	if member_doctype == "Customer":
		return frappe.qb.from_(customer).select(customer.name.as_("member"), customer.name.as_("customer"))
	if member_doctype == "Lead":
		return (
			frappe.qb.from_(customer)
			.select(customer.lead_name.as_("member"), customer.name.as_("customer"))
			.where(IfNull(customer.lead_name, "") != "")
		)
	if member_doctype == "Contact":
		link = frappe.qb.DocType("Dynamic Link")
		return (
			frappe.qb.from_(link)
			.select(link.parent.as_("member"), link.link_name.as_("customer"))
			.where((link.parenttype == "Contact") & (link.link_doctype == "Customer"))
		)
	prospect_lead = frappe.qb.DocType("Prospect Lead")
	direct = (
		frappe.qb.from_(customer)
		.select(customer.prospect_name.as_("member"), customer.name.as_("customer"))
		.where(IfNull(customer.prospect_name, "") != "")
	)
	via_lead = (
		frappe.qb.from_(prospect_lead)
		.join(customer)
		.on(customer.lead_name == prospect_lead.lead)
		.select(prospect_lead.parent.as_("member"), customer.name.as_("customer"))
		.where(prospect_lead.parenttype == "Prospect")
	)
	return direct.union(via_lead)


def _by_member(member_doctype: str, history):
	"""FROM `history` (rows with a `customer`) joined to the members those customers count for."""
	links = member_customers(member_doctype).as_("mc")
	return frappe.qb.from_(history).join(links).on(links.customer == history.customer), links


def _aggregates(member_doctype: str):
	history = sales_documents().as_("h")
	query, links = _by_member(member_doctype, history)
	return query.select(
		links.member,
		Max(history.posting_date).as_("last_order_date"),
		Min(history.posting_date).as_("first_order_date"),
		Count("*").as_("order_count"),
		Sum(history.amount).as_("total_ordered"),
	).groupby(links.member)


def _members_with_line(member_doctype: str, terms):
	lines = sales_lines().as_("h")
	query, links = _by_member(member_doctype, lines)
	return query.select(links.member).where(Criterion.all(_compare(lines[t.name], t) for t in terms))


def _members_enquired(member_doctype: str):
	"""Members with an Opportunity or Quotation, for themselves or a customer they stand for."""
	opportunity, quotation = frappe.qb.DocType("Opportunity"), frappe.qb.DocType("Quotation")
	links = member_customers(member_doctype).as_("mc")
	queries = []
	for doc, party_type in ((opportunity, opportunity.opportunity_from), (quotation, quotation.quotation_to)):
		queries.append(
			frappe.qb.from_(doc)
			.select(doc.party_name.as_("member"))
			.where((party_type == member_doctype) & (doc.docstatus < 2) & doc.party_name.notnull())
		)
		queries.append(
			frappe.qb.from_(doc)
			.join(links)
			.on(links.customer == doc.party_name)
			.select(links.member)
			.where((party_type == "Customer") & (doc.docstatus < 2))
		)
		if member_doctype == "Contact":
			queries.append(
				frappe.qb.from_(doc)
				.select(doc.contact_person.as_("member"))
				.where((doc.docstatus < 2) & doc.contact_person.notnull())
			)
	union = queries[0]
	for query in queries[1:]:
		union = union.union(query)
	return union


def _respondents(member_doctype: str, term: target_lists.Responded):
	"""Members with a Campaign Response of the type (for the campaign / activity, since the day)."""
	response = frappe.qb.DocType("Campaign Response")
	criteria = [
		response.respondent_doctype == member_doctype,
		response.response_type == term.response_type,
	]
	if term.campaign:
		criteria.append(response.campaign == term.campaign)
	if term.campaign_activity:
		criteria.append(response.campaign_activity == term.campaign_activity)
	if term.since:
		criteria.append(response.response_date >= term.since)
	return frappe.qb.from_(response).select(response.respondent).where(Criterion.all(criteria))


def _on_list(target_list: str):
	"""Members of another list; those marked Excluded there are not on it."""
	member = frappe.qb.DocType("Target List Member")
	return (
		frappe.qb.from_(member)
		.select(member.member)
		.where((member.target_list == target_list) & (member.status != "Excluded"))
	)


def null_safe_not(criterion):
	"""NOT that treats an unknown (NULL) comparison as false, so NOT of it is true."""
	return Coalesce(criterion, 0) == 0


def _is_set(term, is_text: bool):
	return term.notnull() & (term != "") if is_text else term.notnull()


def _is_not_set(term, is_text: bool):
	return term.isnull() | (term == "") if is_text else term.isnull()


def _compare(term, c: target_lists.Compare, is_text: bool = False):
	op, value = c.op, c.value
	if op == "is set":
		return _is_set(term, is_text)
	if op == "is not set":
		return _is_not_set(term, is_text)
	if op in ("!=", "not in", "not like"):
		positive = target_lists.Compare(
			c.source, c.name, {"!=": "=", "not in": "in", "not like": "like"}[op], value
		)
		# people without a value are "not equal" too (as in Frappe's own filters)
		return term.isnull() | null_safe_not(_compare(term, positive))
	return {
		"=": lambda: term == value,
		">": lambda: term > value,
		">=": lambda: term >= value,
		"<": lambda: term < value,
		"<=": lambda: term <= value,
		"in": lambda: term.isin(list(value)),
		"like": lambda: term.like(value),
	}[op]()


class _Builder:
	"""Criteria over the member table `m`; the derived tables they need (sales aggregates,
	enquiries) are joined once by `join_needed`, not evaluated per row."""

	def __init__(self, member_doctype: str, fields: dict[str, target_lists.Field]):
		self.member_doctype = member_doctype
		self.fields = fields
		# aliased, so correlated subqueries name its columns unambiguously
		self.table = frappe.qb.DocType(member_doctype).as_("m")
		self.aggregates = _aggregates(member_doctype).as_("agg")
		self.enquired = _members_enquired(member_doctype).as_("enq")
		self.needed = set()

	def join_needed(self, query):
		for derived in (self.aggregates, self.enquired):
			if derived.alias in self.needed:
				query = query.left_join(derived).on(derived.member == self.table.name)
		return query

	def criterion(self, tree):
		if isinstance(tree, target_lists.All):
			return (
				Criterion.all(self.criterion(t) for t in tree.terms) if tree.terms else ValueWrapper(1) == 1
			)
		if isinstance(tree, target_lists.Any_):
			return Criterion.any(self.criterion(t) for t in tree.terms)
		if isinstance(tree, target_lists.Not):
			return null_safe_not(self.criterion(tree.term))
		if isinstance(tree, target_lists.Enquired):
			self.needed.add(self.enquired.alias)
			return self.enquired.member.notnull()
		if isinstance(tree, target_lists.OrderedLine):
			return self.table.name.isin(_members_with_line(self.member_doctype, tree.terms))
		if isinstance(tree, target_lists.Responded):
			return self.table.name.isin(_respondents(self.member_doctype, tree))
		if isinstance(tree, target_lists.OnList):
			return self.table.name.isin(_on_list(tree.name))
		if tree.source == "measure":
			self.needed.add(self.aggregates.alias)
			column = self.aggregates[tree.name]
			if tree.name in ("order_count", "total_ordered"):
				column = Coalesce(column, 0)
			return _compare(column, tree)
		kind = self.fields[tree.name].kind
		return _compare(self.table[tree.name], tree, is_text=kind in (target_lists.TEXT, target_lists.SELECT))


def contact_columns(member_doctype: str, table):
	"""(member_name, email, phone, own unsubscribed flag or None) of a member record."""
	if member_doctype == "Lead":
		name = Coalesce(NullIf(table.lead_name, ""), NullIf(table.company_name, ""), table.name)
		return name, table.email_id, Coalesce(NullIf(table.mobile_no, ""), table.phone), table.unsubscribed
	if member_doctype == "Contact":
		name = Coalesce(NullIf(table.full_name, ""), table.name)
		return name, table.email_id, Coalesce(NullIf(table.mobile_no, ""), table.phone), table.unsubscribed
	if member_doctype == "Customer":
		return table.customer_name, table.email_id, table.mobile_no, None
	first_lead = frappe.qb.DocType("Prospect Lead")

	def of_first_lead(column):
		return SubQuery(
			frappe.qb.from_(first_lead)
			.select(first_lead[column])
			.where((first_lead.parent == table.name) & (first_lead.parenttype == "Prospect"))
			.orderby(first_lead.idx)
			.limit(1)
		)

	return table.company_name, of_first_lead("email"), of_first_lead("mobile_no"), None


def unsubscribed_criterion(member_doctype: str, target_list, member, email, own_flag):
	"""Whether a person has unsubscribed: their own `unsubscribed` check, or an Email
	Unsubscribe of their address (global, or from the list `target_list` — a name or a
	column) or of their record."""
	unsubscribe = frappe.qb.DocType("Email Unsubscribe")
	by_email = (
		frappe.qb.from_(unsubscribe)
		.select(unsubscribe.email)
		.where(
			(unsubscribe.global_unsubscribe == 1)
			| ((unsubscribe.reference_doctype == "Target List") & (unsubscribe.reference_name == target_list))
		)
	)
	by_record = (
		frappe.qb.from_(unsubscribe)
		.select(unsubscribe.reference_name)
		.where((unsubscribe.reference_doctype == member_doctype) & unsubscribe.reference_name.notnull())
	)
	criteria = [Coalesce(email, "").isin(by_email), member.isin(by_record)]
	if own_flag is not None:
		criteria.append(own_flag == 1)
	return Criterion.any(criteria)


def member_rows(target_list, tree=None, exclude_unsubscribed: bool = False):
	"""SELECT member, member_name, email, phone, status of the records of the list's
	member DocType matching `tree` (all of them when None; callers narrow it further)."""
	member_doctype = target_list.member_doctype
	builder = _Builder(member_doctype, member_fields(member_doctype))
	table = builder.table
	name, email, phone, own_flag = contact_columns(member_doctype, table)
	unsubscribed = unsubscribed_criterion(member_doctype, target_list.name, table.name, email, own_flag)
	query = frappe.qb.from_(table).select(
		table.name.as_("member"),
		name.as_("member_name"),
		email.as_("email"),
		phone.as_("phone"),
		(
			ValueWrapper("Active")
			if exclude_unsubscribed
			else Case().when(unsubscribed, "Unsubscribed").else_("Active")
		).as_("status"),
	)
	if tree is not None:
		query = builder.join_needed(query.where(builder.criterion(tree)))
	if exclude_unsubscribed:
		query = query.where(null_safe_not(unsubscribed))
	return query, table
