frappe.ui.form.on("Marketing Supplier", {
	refresh(frm) {
		if (frm.is_new()) {
			hide_field(["address_html", "contact_html"]);
			frappe.contacts.clear_address_and_contact(frm);
			return;
		}
		unhide_field(["address_html", "contact_html"]);
		frappe.contacts.render_address_and_contact(frm);

		frm.add_custom_button(__("Compare suppliers"), () => {
			const service_type = (frm.doc.service_types || [])[0]?.service_type;
			frappe.set_route("query-report", "Marketing Supplier Comparison", service_type ? { service_type } : {});
		});
		if (frm.doc.supplier) {
			frm.add_custom_button(
				__("Purchase Invoices"),
				() => frappe.set_route("List", "Purchase Invoice", { supplier: frm.doc.supplier }),
				__("View")
			);
		}
	},
});
