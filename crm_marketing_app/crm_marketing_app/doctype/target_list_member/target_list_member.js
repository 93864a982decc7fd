frappe.ui.form.on("Target List Member", {
	refresh(frm) {},
});
