"""Channel Effectiveness: per channel, campaign activity or target list what was reached, opened,
clicked and answered, the leads, opportunities and orders it brought, attributed revenue, cost, cost
per response and per lead, and ROI (crm_marketing_app.planning.channels)."""

import frappe
from frappe import _

from crm_marketing_app.engine.attribution import per_unit, roi
from crm_marketing_app.planning.channels import channel_effectiveness
from crm_marketing_app.utils import report_column


def execute(filters=None):
	filters = frappe._dict(filters or {})
	frappe.has_permission("Campaign Activity", "read", throw=True)
	group_by = filters.group_by or "Channel"
	rows = channel_effectiveness(filters)
	activities = (
		{
			row.name: row
			for row in frappe.get_all(
				"Campaign Activity",
				filters={"name": ("in", [r["bucket"] for r in rows if r["bucket"]])},
				fields=["name", "subject", "channel", "campaign"],
			)
		}
		if group_by == "Campaign Activity"
		else {}
	)
	out = []
	for row in rows:
		bucket = row.pop("bucket")
		details = activities.get(bucket) or {}
		out.append(
			{
				"bucket": bucket if bucket else _("Not through an activity"),
				"subject": details.get("subject"),
				"channel": _(details["channel"]) if details else None,
				"campaign": details.get("campaign"),
				**row,
				"cost_per_response": per_unit(row["cost"], row["responded"]),
				"cost_per_lead": per_unit(row["cost"], row["leads"]),
				"roi": roi(row["attributed_revenue"], row["cost"]) if row["cost"] else None,
			}
		)
	if group_by == "Channel":
		for row in out:
			row["bucket"] = _(row["bucket"])
	out.sort(key=lambda r: r["attributed_revenue"], reverse=True)
	return columns(group_by), out, None, chart(out)


def columns(group_by: str):
	def col(fieldname, label, fieldtype="Int", width=90, **extra):
		return report_column(fieldname, label, fieldtype, width, **extra)

	first = {
		"Channel": col("bucket", _("Channel"), "Data", 160),
		"Campaign Activity": col("bucket", _("Campaign Activity"), "Link", 160, options="Campaign Activity"),
		"Target List": col("bucket", _("Target List"), "Link", 180, options="Target List"),
	}[group_by]
	details = (
		[
			col("subject", _("Subject"), "Data", 180),
			col("channel", _("Channel"), "Data", 100),
			col("campaign", _("Campaign"), "Link", 160, options="Campaign"),
		]
		if group_by == "Campaign Activity"
		else []
	)
	return [
		first,
		*details,
		col("reached", _("Reached")),
		col("opened", _("Opened")),
		col("clicked", _("Clicked")),
		col("responded", _("Responded")),
		col("leads", _("Leads")),
		col("opportunities", _("Opportunities"), width=100),
		col("orders", _("Orders")),
		col("attributed_revenue", _("Attributed Revenue"), "Currency", 140),
		col("cost", _("Cost"), "Currency", 120),
		col("cost_per_response", _("Cost per Response"), "Currency", 130),
		col("cost_per_lead", _("Cost per Lead"), "Currency", 120),
		col("roi", _("ROI (%)"), "Percent", 90),
	]


def chart(rows, top: int = 15):
	"""Cost against attributed revenue of the buckets that brought most."""
	best = rows[:top]
	if not best:
		return None
	return {
		"data": {
			"labels": [str(r["bucket"]) for r in best],
			"datasets": [
				{"name": _("Cost"), "values": [r["cost"] for r in best]},
				{"name": _("Attributed Revenue"), "values": [r["attributed_revenue"] for r in best]},
			],
		},
		"type": "bar",
		"fieldtype": "Currency",
	}
