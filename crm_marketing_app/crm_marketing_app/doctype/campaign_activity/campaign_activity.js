frappe.ui.form.on("Campaign Activity", {
	refresh(frm) {},
});
