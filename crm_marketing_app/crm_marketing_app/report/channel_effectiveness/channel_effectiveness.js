frappe.query_reports["Channel Effectiveness"] = {
	filters: [
		{
			fieldname: "group_by",
			label: __("Group By"),
			fieldtype: "Select",
			options: [
				{ value: "Channel", label: __("Channel") },
				{ value: "Campaign Activity", label: __("Campaign Activity") },
				{ value: "Target List", label: __("Target List") },
			],
			default: "Channel",
			reqd: 1,
		},
		{ fieldname: "company", label: __("Company"), fieldtype: "Link", options: "Company" },
		{ fieldname: "campaign", label: __("Campaign"), fieldtype: "Link", options: "Campaign" },
		{
			fieldname: "campaign_type",
			label: __("Campaign Type"),
			fieldtype: "Select",
			options: ["", "Exhibition", "Webinar", "Email", "Direct Mail", "Advertising", "Promotion", "Other"],
		},
		{ fieldname: "from_date", label: __("From Date"), fieldtype: "Date" },
		{ fieldname: "to_date", label: __("To Date"), fieldtype: "Date" },
	],
	formatter(value, row, column, data, default_formatter) {
		value = default_formatter(value, row, column, data);
		if (column.fieldname === "roi" && data && data.roi !== null && data.roi !== undefined) {
			const color = data.roi < 0 ? "red" : data.roi < 100 ? "orange" : "green";
			return `<span style="color: var(--${color}-600)">${value}</span>`;
		}
		return value;
	},
};
