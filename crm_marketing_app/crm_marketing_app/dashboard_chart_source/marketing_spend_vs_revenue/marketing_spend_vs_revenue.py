"""Chart source: marketing spend (activities' actual cost) against attributed revenue, by month."""

import frappe
from frappe import _
from frappe.utils import getdate, today
from frappe.utils.dashboard import cache_source

from crm_marketing_app.engine.months import by_month, last_months
from crm_marketing_app.permissions import check_money_access

MONTHS = 12


@frappe.whitelist()
@cache_source
def get(
	chart_name: str | None = None,
	chart: str | None = None,
	no_cache: bool | None = None,
	filters: str | None = None,
	from_date: str | None = None,
	to_date: str | None = None,
	timespan: str | None = None,
	time_interval: str | None = None,
	heatmap_year: str | None = None,
) -> dict:
	check_money_access("Campaign Activity")
	months = last_months(getdate(today()), MONTHS)
	return {
		"labels": [frappe.utils.formatdate(m, "MMM yy") for m in months],
		"datasets": [
			{
				"name": _("Marketing Spend"),
				"values": by_month(
					_amounts("Campaign Activity", "scheduled_date", "actual_cost", months[0]), months
				),
			},
			{
				"name": _("Attributed Revenue"),
				"values": by_month(
					_amounts("Campaign Attribution", "posting_date", "amount", months[0]), months
				),
			},
		],
	}


def _amounts(doctype: str, date_field: str, amount_field: str, since) -> list[tuple]:
	"""(date, amount) rows the user may read; nothing for a DocType they cannot read."""
	if not frappe.has_permission(doctype, "read"):
		return []
	rows = frappe.get_list(
		doctype,
		filters={date_field: (">=", since)},
		fields=[date_field, amount_field],
		limit_page_length=0,
	)
	return [(getdate(r[date_field]), r[amount_field]) for r in rows]
