frappe.listview_settings["Marketing Supplier"] = {
	onload(listview) {
		listview.page.add_inner_button(__("Compare suppliers"), () => {
			frappe.set_route("query-report", "Marketing Supplier Comparison");
		});
	},
};
