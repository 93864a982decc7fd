// "Create Lead" / "Create Opportunity": the respondent becomes (or is found as) a Lead, or gets an
// Opportunity; the response links to it. Shown only to who may write the response and create that.
frappe.ui.form.on("Campaign Response", {
	refresh(frm) {
		if (frm.is_new() || !frm.perm[0].write) return;
		const targets = [
			["Lead", "lead", "create_lead", __("Create Lead")],
			["Opportunity", "opportunity", "create_opportunity", __("Create Opportunity")],
		];
		for (const [doctype, field, method, label] of targets) {
			if (frm.doc[field]) {
				frm.add_custom_button(__(doctype), () => frappe.set_route("Form", doctype, frm.doc[field]), __("View"));
			} else if (frappe.model.can_create(doctype)) {
				frm.add_custom_button(
					label,
					() =>
						frm.call({ method, doc: frm.doc, freeze: true }).then(({ message }) => {
							frm.reload_doc();
							frappe.show_alert({ message: __("{0} {1} created", [__(doctype), message]), indicator: "green" });
						}),
					__("Create")
				);
			}
		}
	},
});
