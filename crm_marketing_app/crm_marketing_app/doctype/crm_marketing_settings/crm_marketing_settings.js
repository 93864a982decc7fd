frappe.ui.form.on("CRM Marketing Settings", {
	refresh(frm) {
		frm.set_intro(
			__("Scores at or above the Hot threshold are Hot, at or above Warm are Warm, the rest Cold.")
		);
	},
});
