"""The Campaign form's revenue dashboard: budget used, revenue, ROI, the attributed documents and
the web traffic, and its Connections, counted the same way."""

import json

import frappe
from frappe.desk.notifications import get_open_count
from frappe.query_builder.functions import Count, Sum

from crm_marketing_app.campaign_execution.web_tracking import campaign_web_traffic
from crm_marketing_app.engine.attribution import budget_used
from crm_marketing_app.engine.errors import _ as mark_translatable
from crm_marketing_app.permissions import check_money_access


@frappe.whitelist()
def get_campaign_revenue(campaign: str) -> dict:
	frappe.has_permission("Campaign", "read", doc=campaign, throw=True)
	check_money_access("Campaign")
	budget, actual_cost, revenue, roi, company = frappe.db.get_value(
		"Campaign", campaign, ("budget", "actual_cost", "attributed_revenue", "roi", "company")
	)
	documents = (
		attributed_documents(campaign) if frappe.has_permission("Campaign Attribution", "read") else []
	)
	web_traffic = campaign_web_traffic(campaign) if frappe.has_permission("Campaign Response", "read") else {}
	return {
		"budget": budget or 0,
		"actual_cost": actual_cost or 0,
		"budget_used": budget_used(actual_cost, budget, precision=1),
		"attributed_revenue": revenue or 0,
		"roi": roi or 0,
		"documents": documents,
		"web_traffic": web_traffic,
		"currency": frappe.get_cached_value("Company", company, "default_currency")
		if company
		else frappe.db.get_default("currency"),
	}


def attributed_documents(campaign: str) -> list[dict]:
	"""Count and amount of the campaign's attributed documents per DocType (the form's headline links)."""
	ca = frappe.qb.DocType("Campaign Attribution")
	return (
		frappe.qb.from_(ca)
		.select(ca.reference_doctype, Count("*").as_("count"), Sum(ca.amount).as_("amount"))
		.where(ca.campaign == campaign)
		.groupby(ca.reference_doctype)
		.run(as_dict=True)
	)


def campaign_dashboard(data: dict) -> dict:
	"""Adds the documents a campaign brought to the Campaign form's connections (override hook).

	Group labels stay English here: Frappe caches this per DocType, not per language, and the
	form translates them when it renders.
	"""
	data = frappe._dict(data)
	data.setdefault("fieldname", "campaign")
	data.setdefault("non_standard_fieldnames", {}).update({"Lead": "campaign_name"})
	data["method"] = "crm_marketing_app.attribution.dashboard.get_campaign_connections"
	data.setdefault("transactions", []).extend(
		[
			{
				"label": mark_translatable("Execution"),
				"items": ["Campaign Activity", "Campaign Response", "Target List"],
			},
			{
				"label": mark_translatable("Revenue"),
				"items": ["Campaign Attribution", *ATTRIBUTED_DOCTYPES],
			},
			{"label": mark_translatable("Pipeline"), "items": ["Lead", "Opportunity", "Quotation"]},
		]
	)
	return data


ATTRIBUTED_DOCTYPES = ("Sales Order", "Sales Invoice")


@frappe.whitelist()
def get_campaign_connections(doctype: str, name: str, items: str | list) -> dict:
	"""Frappe's connection counts, except: Target Lists are those of the campaign's activities, and
	Sales Orders and Invoices are the documents attributed to the campaign, as the revenue banner
	counts them (to whoever reads attributions; others keep the documents naming the campaign)."""
	frappe.has_permission(doctype, "read", doc=name, throw=True)
	items = json.loads(items) if isinstance(items, str) else items
	ours = {"Target List": target_lists_of(name)}
	if frappe.has_permission("Campaign Attribution", "read"):
		ours.update(attributed_names(name))
	out = get_open_count(doctype, name, [item for item in items if item not in ours])
	if not out["count"]:  # Frappe gave up on a slow count
		return out
	out["count"]["internal_links_found"].extend(
		{"doctype": item, "open_count": 0, "count": len(names), "names": names}
		for item, names in ours.items()
		if item in items and frappe.has_permission(item, "read")
	)
	return out


def target_lists_of(campaign: str) -> list[str]:
	activity, row = frappe.qb.DocType("Campaign Activity"), frappe.qb.DocType("Campaign Activity Target List")
	return (
		frappe.qb.from_(row)
		.join(activity)
		.on(activity.name == row.parent)
		.select(row.target_list)
		.distinct()
		.where((activity.campaign == campaign) & (row.parenttype == "Campaign Activity"))
		.run(pluck=True)
	)


def attributed_names(campaign: str) -> dict[str, list[str]]:
	ca = frappe.qb.DocType("Campaign Attribution")
	rows = (
		frappe.qb.from_(ca)
		.select(ca.reference_doctype, ca.reference_name)
		.distinct()
		.where((ca.campaign == campaign) & ca.reference_doctype.isin(ATTRIBUTED_DOCTYPES))
		.run()
	)
	names = {doctype: [] for doctype in ATTRIBUTED_DOCTYPES}
	for doctype, reference in rows:
		names[doctype].append(reference)
	return names
