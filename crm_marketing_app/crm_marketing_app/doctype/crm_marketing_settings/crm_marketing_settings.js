frappe.ui.form.on("CRM Marketing Settings", {
	refresh(frm) {
		frm.set_intro(
			__("Scores at or above the Hot threshold are Hot, at or above Warm are Warm, the rest Cold.")
		);
		if (frm.perm[0]?.write) {
			frm.add_custom_button(__("Rescore All"), () =>
				frappe.call("crm_marketing_app.scoring.bulk.enqueue_rescore_all")
			);
		}
	},
});
