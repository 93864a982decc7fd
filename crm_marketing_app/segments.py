"""Customer Segments: RFM scores and lifetime value from the sales history, and saving a segment
as a static Target List."""

import json

import frappe
from frappe import _
from frappe.query_builder.functions import Count, Max, Min, Sum
from frappe.utils import flt, getdate, today

from crm_marketing_app.engine import rfm
from crm_marketing_app.sales_history import sales_documents
from crm_marketing_app.utils import engine_errors


def customer_scores(filters: dict) -> list[rfm.Score]:
	"""RFM of every customer with sales in the period (company, customer_group and its subgroups,
	from_date, as_of date, lifetime_years), scored among those customers."""
	filters = frappe._dict(filters)
	as_of = getdate(filters.as_of_date or today())
	docs = sales_documents().as_("docs")
	query = (
		frappe.qb.from_(docs)
		.select(
			docs.customer,
			Min(docs.posting_date).as_("first_date"),
			Max(docs.posting_date).as_("last_date"),
			Count("*").as_("count"),
			Sum(docs.amount).as_("total"),
		)
		.where(docs.posting_date <= as_of)
		.groupby(docs.customer)
	)
	if filters.company:
		query = query.where(docs.company == filters.company)
	if filters.from_date:
		query = query.where(docs.posting_date >= filters.from_date)
	if filters.customer_group:
		customer = frappe.qb.DocType("Customer")
		groups = [
			filters.customer_group,
			*frappe.db.get_descendants("Customer Group", filters.customer_group),
		]
		query = (
			query.join(customer)
			.on(customer.name == docs.customer)
			.where(customer.customer_group.isin(groups))
		)
	purchases = [
		rfm.Purchases(
			row.customer, getdate(row.first_date), getdate(row.last_date), row.count, flt(row.total)
		)
		for row in query.run(as_dict=True)
	]
	with engine_errors(_("Invalid Customer Segments filters")):
		return rfm.score(purchases, as_of, flt(filters.lifetime_years or 3))


@frappe.whitelist()
def save_segment_as_target_list(list_name: str, segment: str, filters: str | dict | None = None) -> dict:
	"""A static Target List of the segment's customers, added set-based by the Target List code (source Manual)."""
	from crm_marketing_app.target_lists.members import add_members

	frappe.has_permission("Target List", "create", throw=True)
	if segment not in rfm.SEGMENTS:
		frappe.throw(_("Unknown segment {0}").format(frappe.bold(segment)))
	filters = json.loads(filters) if isinstance(filters, str) else (filters or {})
	members = [s.customer for s in customer_scores(filters) if s.segment == segment]
	target_list = frappe.get_doc(
		{
			"doctype": "Target List",
			"list_name": list_name,
			"member_doctype": "Customer",
			"list_type": "Static",
			"description": _("Customer segment {0} saved from Customer Segments").format(_(segment)),
		}
	).insert()
	added = add_members(target_list, "Customer", members, source="Manual")
	return {"name": target_list.name, "member_count": added}
