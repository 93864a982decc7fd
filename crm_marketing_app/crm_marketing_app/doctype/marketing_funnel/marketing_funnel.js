frappe.ui.form.on("Marketing Funnel", {
	refresh(frm) {
		if (frm.is_new()) return;
		frm.add_custom_button(__("Campaign Funnel"), () =>
			frappe.set_route("query-report", "Campaign Funnel", { funnel: frm.doc.name })
		);
	},
});

frappe.ui.form.on("Event Funnel Stage", {
	planned_conversion(frm, cdt, cdn) {
		const value = locals[cdt][cdn].planned_conversion;
		if (value < 0 || value > 100) {
			frappe.msgprint(__("A conversion must be between 0 and 100 %"));
			frappe.model.set_value(cdt, cdn, "planned_conversion", Math.min(100, Math.max(0, value)));
		}
	},
});
