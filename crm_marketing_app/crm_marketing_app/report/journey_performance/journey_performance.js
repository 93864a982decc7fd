frappe.query_reports["Journey Performance"] = {
	filters: [
		{
			fieldname: "journey",
			label: __("Marketing Journey"),
			fieldtype: "Link",
			options: "Marketing Journey",
			reqd: 1,
		},
		{
			fieldname: "from_date",
			label: __("From Date"),
			fieldtype: "Date",
			description: __("People who entered the journey on or after this day"),
		},
		{ fieldname: "to_date", label: __("To Date"), fieldtype: "Date" },
	],
	formatter(value, row, column, data, default_formatter) {
		// A step has no conversion of its own (the default formatter would show an empty Percent as 0 %).
		const variant_columns = ["converted", "conversion_rate", "z_score", "p_value", "verdict"];
		if (data && !data.variant && variant_columns.includes(column.fieldname)) return "";
		value = default_formatter(value, row, column, data);
		if (!data || !data.variant) return value;
		// A Split's variants stand indented under it; the winner's verdict in green.
		if (column.fieldname === "step_label") return `<span style="padding-left:16px">${value}</span>`;
		if (column.fieldname === "verdict" && data.winner) return `<b class="text-success">${value}</b>`;
		return value;
	},
};
