// Actions → Create Leads / Create Opportunities for the selected responses.
frappe.listview_settings["Campaign Response"] = {
	onload(listview) {
		if (!frappe.model.can_write("Campaign Response")) return;
		for (const [doctype, label] of [
			["Lead", __("Create Leads")],
			["Opportunity", __("Create Opportunities")],
		]) {
			if (!frappe.model.can_create(doctype)) continue;
			listview.page.add_actions_menu_item(label, () => convert(listview, doctype), false);
		}
	},
};

function convert(listview, doctype) {
	const names = listview.get_checked_items(true);
	if (!names.length) {
		frappe.msgprint(__("Select the records to add first"));
		return;
	}
	frappe.call({
		method: "crm_marketing_app.campaign_execution.responses.convert_responses",
		args: { names, to: doctype },
		freeze: true,
		callback({ message }) {
			listview.clear_checked_items();
			listview.refresh();
			if (message.queued) {
				frappe.show_alert({ message: __("{0} responses queued", [message.queued]), indicator: "blue" });
				return;
			}
			const created = Object.keys(message.created).length;
			const failed = Object.entries(message.failed);
			frappe.show_alert({ message: __("{0} {1} created or linked", [created, __(doctype)]), indicator: "green" });
			if (failed.length) {
				frappe.msgprint(failed.map(([name, error]) => `${name}: ${error}`).join("<br>"), __("Not converted"));
			}
		},
	});
}
