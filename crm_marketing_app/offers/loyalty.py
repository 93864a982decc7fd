"""Bonus programme: the customers of a campaign's target lists enrolled into an ERPNext Loyalty Program
in one action, and the points they earn during the campaign valued as its cost.

A list member's customer is the member itself (lists of Customers), the Customer its Contact links to,
or the Customer made from its Lead. A customer already in another programme keeps it (ERPNext allows one).
Points count from the Loyalty Point Entries ERPNext writes on invoice submit, inside the campaign's
dates, at the programme's conversion factor.
"""

import frappe
from frappe import _
from frappe.query_builder.functions import Count, IfNull, Sum
from frappe.utils import now

from crm_marketing_app.engine.errors import _ as mark_translatable

TITLE = mark_translatable("Cannot enrol")


def campaign_customers(campaign: str):
	"""SELECT name: the Customers of the active members of the lists of the campaign's activities."""
	activity, row = frappe.qb.DocType("Campaign Activity"), frappe.qb.DocType("Campaign Activity Target List")
	tlm, link, cust = (
		frappe.qb.DocType("Target List Member"),
		frappe.qb.DocType("Dynamic Link"),
		frappe.qb.DocType("Customer"),
	)
	lists = (
		frappe.qb.from_(row)
		.join(activity)
		.on(activity.name == row.parent)
		.select(row.target_list)
		.where((activity.campaign == campaign) & (row.parenttype == "Campaign Activity"))
	)

	def members(doctype):
		return (
			frappe.qb.from_(tlm)
			.select(tlm.member)
			.where(tlm.target_list.isin(lists) & (tlm.member_doctype == doctype) & (tlm.status == "Active"))
		)

	of_contacts = (
		frappe.qb.from_(link)
		.select(link.link_name)
		.where(
			(link.parenttype == "Contact")
			& (link.link_doctype == "Customer")
			& link.parent.isin(members("Contact"))
		)
	)
	of_leads = frappe.qb.from_(cust).select(cust.name).where(cust.lead_name.isin(members("Lead")))
	return members("Customer").union(of_contacts).union(of_leads)


@frappe.whitelist()
def enrol_campaign_members(campaign: str) -> dict:
	"""Enrols the campaign's customers without a programme into its Loyalty Program; returns the counts."""
	frappe.has_permission("Campaign", "write", doc=campaign, throw=True)
	program, company = frappe.db.get_value("Campaign", campaign, ("loyalty_program", "company"))
	if not program:
		frappe.throw(
			_("Set the Loyalty Program of Campaign {0} first").format(campaign),
			frappe.ValidationError,
			title=_(TITLE),
		)
	program_company = frappe.db.get_value("Loyalty Program", program, "company")
	if company and program_company and company != program_company:
		frappe.throw(
			_("Loyalty Program {0} is of company {1}, Campaign {2} of {3}").format(
				program, program_company, campaign, company
			),
			frappe.ValidationError,
			title=_(TITLE),
		)
	cust = frappe.qb.DocType("Customer")
	customers = campaign_customers(campaign)
	before = dict(
		frappe.qb.from_(cust)
		.select(IfNull(cust.loyalty_program, ""), Count("*"))
		.where(cust.name.isin(customers))
		.groupby(IfNull(cust.loyalty_program, ""))
		.run()
	)
	(
		frappe.qb.update(cust)
		.set(cust.loyalty_program, program)
		.set(cust.modified, now())
		.where(cust.name.isin(customers) & (IfNull(cust.loyalty_program, "") == ""))
		.run()
	)
	frappe.clear_document_cache("Customer")
	enrolled = before.get("", 0)
	return {
		"enrolled": enrolled,
		"already_enrolled": before.get(program, 0),
		"in_other_programme": sum(before.values()) - enrolled - before.get(program, 0),
	}


def loyalty_costs(campaigns: list[str]) -> dict[str, float]:
	"""{campaign: value of the points its customers earned in its programme during the campaign}."""
	c = frappe.qb.DocType("Campaign")
	rows = (
		frappe.qb.from_(c)
		.select(c.name, c.loyalty_program, c.start_date, c.end_date)
		.where(c.name.isin(campaigns or [""]) & (IfNull(c.loyalty_program, "") != ""))
		.run(as_dict=True)
	)
	lpe = frappe.qb.DocType("Loyalty Point Entry")
	costs = {}
	for row in rows:
		query = (
			frappe.qb.from_(lpe)
			.select(Sum(lpe.loyalty_points))
			.where(
				(lpe.loyalty_program == row.loyalty_program)
				& (lpe.loyalty_points > 0)
				& lpe.customer.isin(campaign_customers(row.name))
			)
		)
		if row.start_date:
			query = query.where(lpe.posting_date >= row.start_date)
		if row.end_date:
			query = query.where(lpe.posting_date <= row.end_date)
		points = query.run()[0][0] or 0
		factor = frappe.db.get_value("Loyalty Program", row.loyalty_program, "conversion_factor") or 0
		costs[row.name] = points * factor
	return costs
