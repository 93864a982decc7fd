frappe.ui.form.on("Marketing Supplier", {
	refresh(frm) {},
});
