// The cost side of Campaign Activity: linked purchase invoices set the actual cost.
frappe.ui.form.on("Campaign Activity", {
	setup(frm) {
		frm.set_query("purchase_invoice", "purchase_invoices", () => {
			const filters = { docstatus: ["<", 2] };
			if (frm.campaign_company) {
				filters.company = frm.campaign_company;
			}
			return { filters };
		});
	},
	refresh(frm) {
		toggle_actual_cost(frm);
		load_campaign_company(frm);
	},
	campaign(frm) {
		load_campaign_company(frm);
	},
});

frappe.ui.form.on("Campaign Activity Purchase Invoice", {
	purchase_invoices_add: toggle_actual_cost,
	purchase_invoices_remove: toggle_actual_cost,
});

function toggle_actual_cost(frm) {
	const from_invoices = (frm.doc.purchase_invoices || []).length > 0;
	frm.set_df_property("actual_cost", "read_only", from_invoices ? 1 : 0);
	frm.set_df_property(
		"actual_cost",
		"description",
		from_invoices ? __("Sum of the linked Purchase Invoices that are submitted") : __("Entered by hand until Purchase Invoices are linked")
	);
}

function load_campaign_company(frm) {
	frm.campaign_company = null;
	if (!frm.doc.campaign) return;
	frappe.db.get_value("Campaign", frm.doc.campaign, "company").then((r) => {
		frm.campaign_company = r.message && r.message.company;
	});
}
