frappe.query_reports["Marketing Supplier Comparison"] = {
	filters: [
		{
			fieldname: "service_type",
			label: __("Service Type"),
			fieldtype: "Link",
			options: "Marketing Service Type",
		},
		{
			fieldname: "budget",
			label: __("Budget"),
			fieldtype: "Currency",
			description: __("Suppliers whose typical cost fits it are ranked first"),
		},
		{
			fieldname: "include_blocked",
			label: __("Include Blocked"),
			fieldtype: "Check",
		},
	],
};
