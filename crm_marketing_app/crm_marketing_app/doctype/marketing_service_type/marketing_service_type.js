frappe.ui.form.on("Marketing Service Type", {
	refresh(frm) {},
});
