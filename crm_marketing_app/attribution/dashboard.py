"""The Campaign form's revenue dashboard: budget used, revenue, ROI, the attributed documents and
the web traffic."""

import frappe
from frappe.query_builder.functions import Count, Sum

from crm_marketing_app.campaign_execution.web_tracking import campaign_web_traffic
from crm_marketing_app.engine.attribution import budget_used
from crm_marketing_app.engine.errors import _ as mark_translatable


@frappe.whitelist()
def get_campaign_revenue(campaign: str) -> dict:
	frappe.has_permission("Campaign", "read", doc=campaign, throw=True)
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
	data.setdefault("transactions", []).extend(
		[
			{
				"label": mark_translatable("Revenue"),
				"items": ["Campaign Attribution", "Sales Order", "Sales Invoice"],
			},
			{"label": mark_translatable("Pipeline"), "items": ["Lead", "Opportunity", "Quotation"]},
		]
	)
	return data
