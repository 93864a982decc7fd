frappe.ui.form.on("Marketing Plan", {
	setup(frm) {
		frm.set_query("account", "expense_accounts", () => ({
			filters: { company: frm.doc.company, is_group: 0, root_type: "Expense" },
		}));
		frm.set_query("cost_center", "periods", () => ({
			filters: { company: frm.doc.company, is_group: 0 },
		}));
	},
	refresh(frm) {
		frm.add_custom_button(__("Add Periods"), () => crm_marketing_add_plan_periods(frm));
		if (frm.is_new()) return;
		frm.add_custom_button(__("Marketing Plan vs Actual"), () =>
			frappe.set_route("query-report", "Marketing Plan vs Actual", {
				company: frm.doc.company,
				fiscal_year: frm.doc.fiscal_year,
			})
		);
	},
});

// One row per month or quarter of the fiscal year for a line and type, each with the same budget.
function crm_marketing_add_plan_periods(frm) {
	if (!frm.doc.fiscal_year) {
		frappe.msgprint(__("Choose the Fiscal Year first"));
		return;
	}
	const dialog = new frappe.ui.Dialog({
		title: __("Add Periods"),
		fields: [
			{
				fieldname: "length",
				fieldtype: "Select",
				label: __("Period"),
				options: [
					{ value: "1", label: __("Month") },
					{ value: "3", label: __("Quarter") },
				],
				default: "1",
				reqd: 1,
			},
			{
				fieldname: "cost_center",
				fieldtype: "Link",
				label: __("Cost Center"),
				options: "Cost Center",
				reqd: 1,
				get_query: () => ({ filters: { company: frm.doc.company, is_group: 0 } }),
			},
			{
				fieldname: "campaign_type",
				fieldtype: "Select",
				label: __("Campaign Type"),
				options: frappe.meta.get_docfield("Marketing Plan Period", "campaign_type").options,
			},
			{ fieldname: "planned_budget", fieldtype: "Currency", label: __("Planned Budget"), reqd: 1 },
		],
		primary_action_label: __("Add"),
		primary_action(values) {
			frappe.db.get_value("Fiscal Year", frm.doc.fiscal_year, ["year_start_date", "year_end_date"]).then(
				({ message: year }) => {
					let start = year.year_start_date;
					while (start <= year.year_end_date) {
						const next = frappe.datetime.add_months(start, parseInt(values.length));
						frm.add_child("periods", {
							period_start: start,
							period_end: frappe.datetime.add_days(next, -1),
							cost_center: values.cost_center,
							campaign_type: values.campaign_type,
							planned_budget: values.planned_budget,
						});
						start = next;
					}
					frm.refresh_field("periods");
					dialog.hide();
				}
			);
		},
	});
	dialog.show();
}
