const CRM_RFM_SEGMENTS = [
	"Champions",
	"Loyal Customers",
	"Potential Loyalists",
	"New Customers",
	"Promising",
	"Need Attention",
	"About to Sleep",
	"Can't Lose Them",
	"At Risk",
	"Hibernating",
];

frappe.query_reports["Customer Segments"] = {
	filters: [
		{ fieldname: "company", label: __("Company"), fieldtype: "Link", options: "Company" },
		{ fieldname: "customer_group", label: __("Customer Group"), fieldtype: "Link", options: "Customer Group" },
		{ fieldname: "from_date", label: __("From Date"), fieldtype: "Date" },
		{ fieldname: "as_of_date", label: __("As of Date"), fieldtype: "Date", default: frappe.datetime.get_today() },
		{
			// A Select, so the chosen value names itself: a bare number filter shows no label once set.
			fieldname: "lifetime_years",
			label: __("Expected Lifetime (Years)"),
			fieldtype: "Select",
			default: "3",
			options: [1, 2, 3, 5, 10].map((years) => ({
				value: String(years),
				label: __("Expected lifetime: {0} years", [years]),
			})),
			description: __(
				"Lifetime value = average order value × orders per year × these years, or the years the customer has already bought if longer"
			),
		},
		{
			fieldname: "segment",
			label: __("Segment"),
			fieldtype: "Select",
			options: [""].concat(CRM_RFM_SEGMENTS.map((s) => ({ value: s, label: __(s) }))),
		},
	],
	onload(report) {
		report.page.add_inner_button(__("Save as Target List"), () => {
			const filters = report.get_filter_values();
			frappe.prompt(
				[
					{ fieldname: "list_name", label: __("List Name"), fieldtype: "Data", reqd: 1 },
					{
						fieldname: "segment",
						label: __("Segment"),
						fieldtype: "Select",
						reqd: 1,
						default: filters.segment,
						options: CRM_RFM_SEGMENTS.map((s) => ({ value: s, label: __(s) })),
					},
				],
				(values) =>
					frappe.call({
						method: "crm_marketing_app.segments.save_segment_as_target_list",
						args: { list_name: values.list_name, segment: values.segment, filters },
						freeze: true,
						callback: (r) => {
							frappe.show_alert({
								message: __("Target List {0} saved with {1} customers", [r.message.name, r.message.member_count]),
								indicator: "green",
							});
							frappe.set_route("Form", "Target List", r.message.name);
						},
					}),
				__("Save Segment as Target List"),
				__("Save")
			);
		});
	},
};
