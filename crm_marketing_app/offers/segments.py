"""Segment prices: a Target List of Customers owns a Customer Group and keeps it equal to its active
members at every refresh, so an ERPNext Pricing Rule for that group is a price for the segment.

A customer moved in remembers its own group (`customer_group_before_list`) and goes back to it when
it leaves the list; set-based, two UPDATEs per refresh.
"""

import frappe
from frappe import _
from frappe.query_builder.functions import Coalesce
from frappe.utils import now

from crm_marketing_app.engine.errors import _ as mark_translatable

TITLE = mark_translatable("Invalid Target List")


def validate(doc) -> None:
	"""Target List `validate`: the group is a leaf, of a list of Customers, owned by this list alone."""
	if not doc.segment_customer_group:
		return
	if doc.member_doctype != "Customer":
		# Hidden on other lists; Frappe fills a new Link from ERPNext's default Customer Group.
		doc.segment_customer_group = None
		return
	if frappe.db.get_value("Customer Group", doc.segment_customer_group, "is_group"):
		frappe.throw(
			_("Customer Group {0} is a group of groups; customers can only be in a leaf group").format(
				frappe.bold(doc.segment_customer_group)
			),
			frappe.ValidationError,
			title=_(TITLE),
		)
	other = frappe.db.get_value(
		"Target List",
		{"segment_customer_group": doc.segment_customer_group, "name": ("!=", doc.name or "")},
		"name",
	)
	if other:
		frappe.throw(
			_("Customer Group {0} is already kept by Target List {1}").format(
				frappe.bold(doc.segment_customer_group), other
			),
			frappe.ValidationError,
			title=_(TITLE),
		)


def sync_customer_group(doc) -> None:
	"""Active members into the list's group, everyone else in it back to their own group."""
	if not doc.get("segment_customer_group") or doc.member_doctype != "Customer":
		return
	group, stamp = doc.segment_customer_group, now()
	cust, tlm = frappe.qb.DocType("Customer"), frappe.qb.DocType("Target List Member")
	active = (
		frappe.qb.from_(tlm)
		.select(tlm.member)
		.where((tlm.target_list == doc.name) & (tlm.member_doctype == "Customer") & (tlm.status == "Active"))
	)
	(
		frappe.qb.update(cust)
		.set(cust.customer_group_before_list, cust.customer_group)
		.set(cust.customer_group, group)
		.set(cust.modified, stamp)
		.where(cust.name.isin(active) & (cust.customer_group != group))
		.run()
	)
	(
		frappe.qb.update(cust)
		.set(cust.customer_group, Coalesce(cust.customer_group_before_list, fallback_group(group)))
		.set(cust.customer_group_before_list, None)
		.set(cust.modified, stamp)
		.where((cust.customer_group == group) & cust.name.notin(active))
		.run()
	)
	frappe.clear_document_cache("Customer")  # ERPNext reads a customer's group from the cached document


def fallback_group(group: str) -> str:
	"""Where a customer put into the group by hand goes when it is not on the list: the default group."""
	default = frappe.db.get_single_value("Selling Settings", "customer_group")
	if default and default != group:
		return default
	return frappe.db.get_value(
		"Customer Group", {"is_group": 0, "name": ("!=", group)}, "name", order_by="lft"
	)
