frappe.ui.form.on("Campaign Response", {
	refresh(frm) {},
});
