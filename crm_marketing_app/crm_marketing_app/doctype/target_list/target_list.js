frappe.ui.form.on("Target List", {
	refresh(frm) {},
});
