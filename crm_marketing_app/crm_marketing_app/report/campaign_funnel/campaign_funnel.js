frappe.query_reports["Campaign Funnel"] = {
	filters: [
		{ fieldname: "campaign", label: __("Campaign"), fieldtype: "Link", options: "Campaign", reqd: 1 },
		{
			fieldname: "funnel",
			label: __("Marketing Funnel"),
			fieldtype: "Link",
			options: "Marketing Funnel",
			description: __("Leave empty to use the campaign's funnel"),
		},
	],
	formatter(value, row, column, data, default_formatter) {
		value = default_formatter(value, row, column, data);
		const deviations = ["conversion", "deviation_from_plan", "deviation_from_reference"];
		if (data && data.flagged && deviations.includes(column.fieldname)) {
			return `<span style="color: var(--red-600); font-weight: bold">${value}</span>`;
		}
		return value;
	},
};
