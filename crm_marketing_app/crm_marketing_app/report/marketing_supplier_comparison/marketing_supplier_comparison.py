"""Marketing suppliers of a service type ranked for a budget: weighted score first, typical cost next."""

import frappe
from frappe import _
from frappe.query_builder.functions import Avg, Count
from frappe.utils import flt
from pypika.terms import ExistsCriterion

from crm_marketing_app.activities import counted
from crm_marketing_app.engine.campaign import check_budget
from crm_marketing_app.engine.suppliers import SupplierOffer, rank_suppliers
from crm_marketing_app.utils import engine_errors

CHART_SUPPLIERS = 20


def execute(filters: dict | None = None):
	filters = frappe._dict(filters or {})
	budget = flt(filters.budget)
	with engine_errors(_("Invalid Filters")):
		check_budget(budget)
	suppliers = fetch_suppliers(filters.service_type, bool(filters.include_blocked))
	criteria = frappe.get_all(
		"Marketing Evaluation Criterion", fields=["name", "weight"], order_by="weight desc, name"
	)
	per_criterion = criterion_averages([s.name for s in suppliers])
	offers = [
		SupplierOffer(s.name, flt(s.weighted_score), flt(s.typical_cost) if s.costed else None)
		for s in suppliers
	]
	by_name = {s.name: s for s in suppliers}
	data = []
	for rank, (offer, fits) in enumerate(rank_suppliers(offers, budget or None), start=1):
		supplier = by_name[offer.supplier]
		row = {
			"rank": rank,
			"marketing_supplier": supplier.name,
			"status": _(supplier.status),
			"weighted_score": offer.weighted_score,
			"typical_cost": offer.typical_cost,
			"costed_activities": supplier.costed or 0,
			"within_budget": 1 if fits else 0,
			"engagement_count": supplier.engagement_count,
			"last_engaged_on": supplier.last_engaged_on,
		}
		for idx, criterion in enumerate(criteria):
			row[f"criterion_{idx}"] = per_criterion.get((supplier.name, criterion.name))
		data.append(row)
	return columns(criteria, budget), data, None, chart(data)


def fetch_suppliers(service_type: str | None, include_blocked: bool):
	"""Suppliers with their rollups and typical cost: the average actual cost of their costed activities."""
	supplier = frappe.qb.DocType("Marketing Supplier")
	activity = frappe.qb.DocType("Campaign Activity")
	costs = (
		frappe.qb.from_(activity)
		.select(
			activity.marketing_supplier,
			Avg(activity.actual_cost).as_("typical_cost"),
			Count(activity.name).as_("costed"),
		)
		.where(counted(activity) & (activity.actual_cost > 0))
		.groupby(activity.marketing_supplier)
	).as_("costs")
	query = (
		frappe.qb.from_(supplier)
		.left_join(costs)
		.on(costs.marketing_supplier == supplier.name)
		.select(
			supplier.name,
			supplier.status,
			supplier.weighted_score,
			supplier.engagement_count,
			supplier.last_engaged_on,
			costs.typical_cost,
			costs.costed,
		)
	)
	if not include_blocked:
		query = query.where(supplier.status != "Blocked")
	if service_type:
		offered = frappe.qb.DocType("Marketing Supplier Service Type")
		query = query.where(
			ExistsCriterion(
				frappe.qb.from_(offered)
				.select(offered.name)
				.where(
					(offered.parent == supplier.name)
					& (offered.parenttype == "Marketing Supplier")
					& (offered.service_type == service_type)
				)
			)
		)
	return query.run(as_dict=True)


def criterion_averages(suppliers: list[str]) -> dict[tuple[str, str], float]:
	if not suppliers:
		return {}
	evaluation = frappe.qb.DocType("Marketing Supplier Evaluation")
	rows = (
		frappe.qb.from_(evaluation)
		.select(evaluation.parent, evaluation.criterion, Avg(evaluation.score))
		.where((evaluation.parenttype == "Marketing Supplier") & evaluation.parent.isin(suppliers))
		.groupby(evaluation.parent, evaluation.criterion)
		.run()
	)
	return {(parent, criterion): flt(score, 2) for parent, criterion, score in rows}


def columns(criteria, budget: float) -> list[dict]:
	cols = [
		{"fieldname": "rank", "label": _("Rank"), "fieldtype": "Int", "width": 60},
		{
			"fieldname": "marketing_supplier",
			"label": _("Marketing Supplier"),
			"fieldtype": "Link",
			"options": "Marketing Supplier",
			"width": 200,
		},
		{"fieldname": "status", "label": _("Status"), "fieldtype": "Data", "width": 90},
		{
			"fieldname": "weighted_score",
			"label": _("Weighted Score"),
			"fieldtype": "Float",
			"precision": 2,
			"width": 120,
		},
	]
	cols += [
		{
			"fieldname": f"criterion_{idx}",
			"label": criterion.name,
			"fieldtype": "Float",
			"precision": 2,
			"width": 110,
		}
		for idx, criterion in enumerate(criteria)
	]
	cols += [
		{"fieldname": "typical_cost", "label": _("Typical Cost"), "fieldtype": "Currency", "width": 120},
		{"fieldname": "costed_activities", "label": _("Costed Activities"), "fieldtype": "Int", "width": 110},
	]
	if budget:
		cols.append(
			{"fieldname": "within_budget", "label": _("Within Budget"), "fieldtype": "Check", "width": 110}
		)
	cols += [
		{"fieldname": "engagement_count", "label": _("Engagements"), "fieldtype": "Int", "width": 100},
		{"fieldname": "last_engaged_on", "label": _("Last Engaged On"), "fieldtype": "Date", "width": 110},
	]
	return cols


def chart(data: list[dict]) -> dict | None:
	top = data[:CHART_SUPPLIERS]
	if not top:
		return None
	return {
		"data": {
			"labels": [row["marketing_supplier"] for row in top],
			"datasets": [{"name": _("Weighted Score"), "values": [row["weighted_score"] for row in top]}],
		},
		"type": "bar",
		"colors": ["#5e64ff"],
	}
