frappe.ui.form.on("Lead Score Rule", {
	refresh(frm) {
		frm.trigger("applies_to");
	},
	applies_to(frm) {
		if (!frm.doc.applies_to) return;
		frappe.call({
			method: "crm_marketing_app.scoring.lead_score_rules.scoreable_fields",
			args: { doctype: frm.doc.applies_to },
			callback: ({ message }) => {
				const options = message.map((f) => ({ value: f.fieldname, label: `${__(f.label)} (${f.fieldname})` }));
				frm.set_df_property("field", "options", [{ value: "", label: "" }, ...options]);
			},
		});
	},
});
