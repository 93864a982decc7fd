"""Which Campaign Activities count: every one that is not Cancelled.

Costs, supplier spend, the load report and campaign copies all leave cancelled
activities out; this module is the one place that says so.
"""

CANCELLED = "Cancelled"
# The same rule for frappe.get_all / get_list filters.
COUNTED_FILTER = {"status": ("!=", CANCELLED)}


def counted(activity):
	"""The criterion on a `frappe.qb.DocType("Campaign Activity")` (or an alias of it)."""
	return activity.status != CANCELLED
