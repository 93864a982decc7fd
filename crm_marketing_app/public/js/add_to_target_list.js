// Lead, Contact, Customer and Prospect lists: Actions → "Add to Target List" for the selected rows.
// Registered for each of the four doctypes, so it may run several times: the guard wraps onload once.
(() => {
	for (const doctype of ["Lead", "Contact", "Customer", "Prospect"]) {
		const settings = (frappe.listview_settings[doctype] = frappe.listview_settings[doctype] || {});
		if (settings.__add_to_target_list) continue;
		settings.__add_to_target_list = true;
		const previous_onload = settings.onload;
		settings.onload = function (listview) {
			if (previous_onload) previous_onload.call(this, listview);
			listview.page.add_actions_menu_item(__("Add to Target List"), () => add_to_target_list(listview, doctype), false);
		};
	}

	function add_to_target_list(listview, doctype) {
		const names = listview.get_checked_items(true);
		if (!names.length) {
			frappe.msgprint(__("Select the records to add first"));
			return;
		}
		const dialog = new frappe.ui.Dialog({
			title: __("Add to Target List"),
			fields: [
				{
					fieldname: "target_list",
					fieldtype: "Link",
					label: __("Target List"),
					options: "Target List",
					reqd: 1,
					get_query: () => ({ filters: { member_doctype: doctype } }),
				},
			],
			primary_action_label: __("Add"),
			primary_action({ target_list }) {
				frappe.call({
					method: "crm_marketing_app.target_lists.api.add_members",
					args: { target_list, member_doctype: doctype, names },
					freeze: true,
					callback(r) {
						dialog.hide();
						listview.clear_checked_items();
						frappe.show_alert({
							message: __("{0} added to {1}", [r.message, target_list]),
							indicator: "green",
						});
					},
				});
			},
		});
		dialog.show();
	}
})();
