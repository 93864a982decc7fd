"""Customer Segments: recency, frequency and monetary scores (1-5) per customer from the sales history,
the RFM segment and a lifetime-value estimate."""

from collections import Counter

import frappe
from frappe import _

from crm_marketing_app.segments import customer_scores
from crm_marketing_app.utils import report_column


def execute(filters=None):
	filters = frappe._dict(filters or {})
	scores = customer_scores(filters)
	names = (
		dict(
			frappe.get_all(
				"Customer",
				filters={"name": ("in", [s.customer for s in scores])},
				fields=["name", "customer_name"],
				as_list=True,
			)
		)
		if scores
		else {}
	)
	rows = [
		{
			"customer": s.customer,
			"customer_name": names.get(s.customer),
			"recency_days": s.recency_days,
			"recency": s.recency,
			"frequency": s.frequency,
			"monetary": s.monetary,
			"rfm": f"{s.recency}{s.frequency}{s.monetary}",
			"segment": _(s.segment),
			"revenue": s.revenue,
			"average_order": s.average_order,
			"lifetime_value": s.lifetime_value,
		}
		for s in scores
		if not filters.segment or s.segment == filters.segment
	]
	rows.sort(key=lambda r: r["lifetime_value"], reverse=True)
	return columns(), rows, None, chart(rows)


def columns():
	return [
		report_column("customer", _("Customer"), "Link", 180, options="Customer"),
		report_column("customer_name", _("Customer Name"), "Data", 180),
		report_column("recency_days", _("Days Since Last Purchase"), "Int", 120),
		report_column("recency", _("Recency"), "Int", 90),
		report_column("frequency", _("Frequency"), "Int", 90),
		report_column("monetary", _("Monetary"), "Int", 90),
		report_column("rfm", _("RFM"), "Data", 70),
		report_column("segment", _("Segment"), "Data", 150),
		report_column("revenue", _("Total Revenue"), "Currency", 140),
		report_column("average_order", _("Average Order Value"), "Currency", 140),
		report_column("lifetime_value", _("Lifetime Value"), "Currency", 140),
	]


def chart(rows):
	counts = Counter(row["segment"] for row in rows)
	if not counts:
		return None
	return {
		"data": {
			"labels": list(counts),
			"datasets": [{"name": _("Customers"), "values": list(counts.values())}],
		},
		"type": "bar",
	}
