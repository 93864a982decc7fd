frappe.query_reports["Marketing Plan vs Actual"] = {
	filters: [
		{
			fieldname: "company",
			label: __("Company"),
			fieldtype: "Link",
			options: "Company",
			reqd: 1,
			default: frappe.defaults.get_user_default("Company"),
		},
		{
			fieldname: "fiscal_year",
			label: __("Fiscal Year"),
			fieldtype: "Link",
			options: "Fiscal Year",
			reqd: 1,
			default: frappe.defaults.get_user_default("fiscal_year"),
		},
		{
			fieldname: "cost_center",
			label: __("Cost Center"),
			fieldtype: "Link",
			options: "Cost Center",
			get_query: () => ({ filters: { company: frappe.query_report.get_filter_value("company") } }),
		},
		{
			fieldname: "campaign_type",
			label: __("Campaign Type"),
			fieldtype: "Select",
			options: ["", "Exhibition", "Webinar", "Email", "Direct Mail", "Advertising", "Promotion", "Other"],
		},
	],
	formatter(value, row, column, data, default_formatter) {
		value = default_formatter(value, row, column, data);
		if (data && data.over_budget && ["available", "actual", "committed", "status"].includes(column.fieldname)) {
			return `<span style="color: var(--red-600)">${value}</span>`;
		}
		return value;
	},
};
