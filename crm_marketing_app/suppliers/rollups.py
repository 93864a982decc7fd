"""Rollups of a Marketing Supplier: weighted score, engagements, spend, last engagement."""

from collections import defaultdict

import frappe
from frappe.query_builder import Case
from frappe.query_builder.functions import Coalesce, Count, Max, Sum

from crm_marketing_app.activities import counted
from crm_marketing_app.engine.suppliers import weighted_score
from crm_marketing_app.utils import engine_errors, update_from_groups

SUPPLIER = "Marketing Supplier"
CHUNK = 500


def update_supplier_rollups(suppliers: list[str] | None = None) -> None:
	"""`engagement_count`, `total_spend`, `last_engaged_on` from the suppliers' activities.

	Only counted activities (not Cancelled); spend is the activities' actual cost, which
	is the sum of their submitted purchase invoices wherever invoices are linked.
	`suppliers` None recomputes every supplier; an empty list does nothing.
	"""
	supplier = frappe.qb.DocType(SUPPLIER)
	activity = frappe.qb.DocType("Campaign Activity")
	stats = (
		frappe.qb.from_(activity)
		.select(
			activity.marketing_supplier,
			Count(activity.name).as_("engagements"),
			Sum(activity.actual_cost).as_("spend"),
			Max(activity.scheduled_date).as_("last_date"),
		)
		.where(counted(activity) & activity.marketing_supplier.isnotnull())
		.groupby(activity.marketing_supplier)
	)
	update_from_groups(
		supplier,
		stats,
		activity.marketing_supplier,
		suppliers,
		lambda groups: {
			"engagement_count": Coalesce(groups.engagements, 0),
			"total_spend": Coalesce(groups.spend, 0),
			"last_engaged_on": groups.last_date,
		},
	)


def criterion_weights(criteria: list[str]) -> dict[str, float]:
	if not criteria:
		return {}
	return dict(
		frappe.get_all(
			"Marketing Evaluation Criterion",
			filters={"name": ("in", list(set(criteria)))},
			fields=["name", "weight"],
			as_list=True,
		)
	)


def update_weighted_scores(criterion: str) -> None:
	"""Weighted scores of every supplier rated on `criterion` (after its weight changed).

	One read of all their evaluations, the engine's average per supplier, and one
	UPDATE … CASE per chunk of suppliers.
	"""
	evaluation = frappe.qb.DocType("Marketing Supplier Evaluation")
	weight = frappe.qb.DocType("Marketing Evaluation Criterion")
	rated = (
		frappe.qb.from_(evaluation)
		.select(evaluation.parent)
		.distinct()
		.where((evaluation.criterion == criterion) & (evaluation.parenttype == SUPPLIER))
	)
	rows = (
		frappe.qb.from_(evaluation)
		.join(weight)
		.on(weight.name == evaluation.criterion)
		.select(evaluation.parent, evaluation.score, weight.weight)
		.where((evaluation.parenttype == SUPPLIER) & evaluation.parent.isin(rated))
		.run()
	)
	pairs = defaultdict(list)
	for parent, score, criterion_weight in rows:
		pairs[parent].append((score, criterion_weight))
	with engine_errors():
		scores = {parent: weighted_score(evaluations) for parent, evaluations in pairs.items()}
	supplier = frappe.qb.DocType(SUPPLIER)
	names = sorted(scores)
	for start in range(0, len(names), CHUNK):
		chunk = names[start : start + CHUNK]
		case = Case()
		for name in chunk:
			case = case.when(supplier.name == name, scores[name])
		frappe.qb.update(supplier).set(supplier.weighted_score, case).where(supplier.name.isin(chunk)).run()
