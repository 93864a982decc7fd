frappe.query_reports["Campaign ROI"] = {
	filters: [
		{ fieldname: "company", label: __("Company"), fieldtype: "Link", options: "Company" },
		{ fieldname: "from_date", label: __("From Date"), fieldtype: "Date" },
		{ fieldname: "to_date", label: __("To Date"), fieldtype: "Date" },
		{
			fieldname: "campaign_type",
			label: __("Campaign Type"),
			fieldtype: "Select",
			options: ["", "Exhibition", "Webinar", "Email", "Direct Mail", "Advertising", "Promotion", "Other"],
		},
		{
			fieldname: "model",
			label: __("Attributed By"),
			fieldtype: "Select",
			options: [
				"",
				"Campaign Field",
				"Promo Code",
				"First Touch",
				"Last Touch",
				"Linear",
				"Position Based",
				"Time Decay",
			],
		},
		{
			fieldname: "show_tree",
			label: __("Show Tree"),
			fieldtype: "Check",
			description: __("Sub-campaigns under their parent; a parent shows the figures of its whole tree"),
		},
	],
	tree: true,
	name_field: "campaign",
	parent_field: "parent_campaign",
	initial_depth: 3,
	formatter(value, row, column, data, default_formatter) {
		value = default_formatter(value, row, column, data);
		if (column.fieldname === "roi" && data && data.actual_cost) {
			const color = data.roi < 0 ? "red" : data.past_roi != null && data.roi < data.past_roi ? "orange" : "green";
			return `<span style="color: var(--${color}-600)">${value}</span>`;
		}
		return value;
	},
};
