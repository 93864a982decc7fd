frappe.ui.form.on("Marketing Evaluation Criterion", {
	refresh(frm) {},
});
