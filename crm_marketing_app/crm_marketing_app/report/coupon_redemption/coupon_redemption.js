frappe.query_reports["Coupon Redemption"] = {
	filters: [
		{ fieldname: "company", label: __("Company"), fieldtype: "Link", options: "Company" },
		{ fieldname: "campaign", label: __("Campaign"), fieldtype: "Link", options: "Campaign" },
		{
			fieldname: "from_date",
			label: __("From Date"),
			fieldtype: "Date",
			description: __("Orders dated on or after this day"),
		},
		{ fieldname: "to_date", label: __("To Date"), fieldtype: "Date" },
	],
};
