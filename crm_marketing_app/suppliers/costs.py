"""Costs of campaign activities, and the rollups built on them.

An activity's `actual_cost` is entered by hand until purchase invoices are
linked to it; from then on it is the sum of the net totals (company currency)
of those that are submitted — a draft counts once submitted, a cancelled one
no longer, and an amendment takes the place of the invoice it amends.
Whenever an activity or a linked invoice changes, the Campaign rollups
(crm_marketing_app.campaigns.rollups: costs, then revenue and ROI) and the
supplier rollups are recomputed set-based from the activities.
"""

import frappe
from frappe import _
from frappe.query_builder import Case
from frappe.query_builder.functions import Sum

from crm_marketing_app.campaigns.rollups import update_after_cost_change
from crm_marketing_app.suppliers.rollups import update_supplier_rollups

ACTIVITY = "Campaign Activity"
INVOICE_LINK = "Campaign Activity Purchase Invoice"


def validate_purchase_invoices(doc) -> None:
	"""Campaign Activity `validate`: linked invoices are checked and set the actual cost."""
	if not doc.purchase_invoices:
		return
	company = frappe.db.get_value("Campaign", doc.campaign, "company") if doc.campaign else None
	if not company:
		frappe.throw(
			_("Set the Company of Campaign {0} before linking purchase invoices").format(
				frappe.bold(doc.campaign)
			),
			title=_("Invalid Purchase Invoice"),
		)
	names = [row.purchase_invoice for row in doc.purchase_invoices]
	invoices = {
		row.name: row
		for row in frappe.get_all(
			"Purchase Invoice",
			filters={"name": ("in", names)},
			fields=["name", "company", "docstatus", "base_net_total"],
		)
	}
	elsewhere = dict(
		frappe.get_all(
			INVOICE_LINK,
			filters={
				"purchase_invoice": ("in", names),
				"parenttype": ACTIVITY,
				"parent": ("!=", doc.name or ""),
			},
			fields=["purchase_invoice", "parent"],
			as_list=True,
		)
	)
	seen = set()
	for row in doc.purchase_invoices:
		invoice = invoices.get(row.purchase_invoice)
		if row.purchase_invoice in seen:
			_refuse(_("Row {0}: Purchase Invoice {1} is linked twice"), row)
		if not invoice:
			_refuse(_("Row {0}: Purchase Invoice {1} does not exist"), row)
		if invoice.company != company:
			_refuse(
				_("Row {0}: Purchase Invoice {1} is of company {2}, not of the campaign's company {3}"),
				row,
				invoice.company,
				company,
			)
		if row.purchase_invoice in elsewhere:
			_refuse(
				_("Row {0}: Purchase Invoice {1} is already linked to Campaign Activity {2}"),
				row,
				elsewhere[row.purchase_invoice],
			)
		seen.add(row.purchase_invoice)
		row.amount = invoice.base_net_total if invoice.docstatus == 1 else 0
	doc.actual_cost = sum(row.amount for row in doc.purchase_invoices)


def _refuse(message: str, row, *more) -> None:
	frappe.throw(
		message.format(row.idx, frappe.bold(row.purchase_invoice), *more), title=_("Invalid Purchase Invoice")
	)


def on_activity_change(doc, before=None) -> None:
	"""Campaign Activity `on_update` / `after_delete`: the campaigns and suppliers it touched, old and new."""
	update_after_cost_change({doc.campaign, before and before.campaign})
	suppliers = {doc.marketing_supplier, before and before.marketing_supplier}
	update_supplier_rollups([s for s in suppliers if s])


def on_purchase_invoice_change(doc, submitted: bool) -> None:
	"""Purchase Invoice `on_submit` / `on_cancel`: costs of the activities it is linked to."""
	link = frappe.qb.DocType(INVOICE_LINK)
	if submitted and doc.amended_from:
		# The amendment replaces the cancelled invoice wherever that was linked.
		frappe.qb.update(link).set(link.purchase_invoice, doc.name).where(
			link.purchase_invoice == doc.amended_from
		).run()
	activities = (
		frappe.qb.from_(link)
		.select(link.parent)
		.distinct()
		.where((link.purchase_invoice == doc.name) & (link.parenttype == ACTIVITY))
		.run(pluck=True)
	)
	if activities:
		refresh_activity_costs(activities)


def refresh_activity_costs(activities: list[str]) -> None:
	"""Invoice amounts and actual cost of `activities` from their linked invoices, then the rollups."""
	link = frappe.qb.DocType(INVOICE_LINK)
	invoice = frappe.qb.DocType("Purchase Invoice")
	activity = frappe.qb.DocType(ACTIVITY)
	(
		frappe.qb.update(link)
		.join(invoice)
		.on(invoice.name == link.purchase_invoice)
		.set(link.amount, Case().when(invoice.docstatus == 1, invoice.base_net_total).else_(0))
		.where((link.parenttype == ACTIVITY) & link.parent.isin(activities))
		.run()
	)
	totals = (
		frappe.qb.from_(link)
		.select(link.parent, Sum(link.amount).as_("total"))
		.where((link.parenttype == ACTIVITY) & link.parent.isin(activities))
		.groupby(link.parent)
	).as_("totals")
	(
		frappe.qb.update(activity)
		.join(totals)
		.on(totals.parent == activity.name)
		.set(activity.actual_cost, totals.total)
		.run()
	)
	touched = (
		frappe.qb.from_(activity)
		.select(activity.campaign, activity.marketing_supplier)
		.where(activity.name.isin(activities))
		.run()
	)
	update_after_cost_change({campaign for campaign, _supplier in touched})
	update_supplier_rollups(sorted({supplier for _campaign, supplier in touched if supplier}))
