// Lead, Contact, Customer and Prospect lists: Actions → "Add to Target List" for the selected rows,
// and (Leads, Contacts, Customers) "Quick Campaign". Each action shows only to who may run it.
// Registered for each of the four doctypes, so it may run several times: the guard wraps onload once.
(() => {
	const QUICK_CAMPAIGN_DOCTYPES = ["Lead", "Contact", "Customer"];
	for (const doctype of ["Lead", "Contact", "Customer", "Prospect"]) {
		const settings = (frappe.listview_settings[doctype] = frappe.listview_settings[doctype] || {});
		if (settings.__add_to_target_list) continue;
		settings.__add_to_target_list = true;
		const previous_onload = settings.onload;
		settings.onload = function (listview) {
			if (previous_onload) previous_onload.call(this, listview);
			if (frappe.model.can_write("Target List")) {
				listview.page.add_actions_menu_item(__("Add to Target List"), () => add_to_target_list(listview, doctype), false);
			}
			const may_quick = ["Campaign", "Target List", "Campaign Activity"].every((dt) => frappe.model.can_create(dt));
			if (may_quick && QUICK_CAMPAIGN_DOCTYPES.includes(doctype)) {
				listview.page.add_actions_menu_item(__("Quick Campaign"), () => quick_campaign(listview, doctype), false);
			}
		};
	}

	// The selected names, or null after telling the user to select some.
	function checked(listview) {
		const names = listview.get_checked_items(true);
		if (names.length) return names;
		frappe.msgprint(__("Select the records to add first"));
		return null;
	}

	// One step: a Draft campaign, a static list of the selection and the campaign's first activity.
	function quick_campaign(listview, doctype) {
		const names = checked(listview);
		if (!names) return;
		const dialog = new frappe.ui.Dialog({
			title: __("Quick Campaign for {0} selected", [names.length]),
			fields: [
				{ fieldname: "campaign_name", fieldtype: "Data", label: __("Campaign Name"), reqd: 1 },
				{
					fieldname: "campaign_type",
					fieldtype: "Select",
					label: __("Campaign Type"),
					options: ["", "Exhibition", "Webinar", "Email", "Direct Mail", "Advertising", "Promotion", "Other"].map(
						(value) => ({ value, label: __(value) })
					),
				},
				{ fieldname: "column", fieldtype: "Column Break" },
				{
					fieldname: "channel",
					fieldtype: "Select",
					label: __("First Activity Channel"),
					reqd: 1,
					default: "Email",
					options: ["Email", "Phone Call", "Meeting", "Letter", "SMS"].map((value) => ({ value, label: __(value) })),
				},
				{
					fieldname: "scheduled_date",
					fieldtype: "Date",
					label: __("Scheduled Date"),
					reqd: 1,
					default: frappe.datetime.get_today(),
				},
				{ fieldname: "section", fieldtype: "Section Break" },
				{
					fieldname: "subject",
					fieldtype: "Data",
					label: __("Activity Subject"),
					description: __("Leave empty to use the campaign name"),
				},
			],
			primary_action_label: __("Create"),
			primary_action(values) {
				frappe.call({
					method: "crm_marketing_app.campaign_execution.quick_campaign.create_quick_campaign",
					args: { member_doctype: doctype, names, ...values },
					freeze: true,
					callback({ message }) {
						dialog.hide();
						listview.clear_checked_items();
						frappe.show_alert({
							message: __("Campaign {0} created with a list of {1}", [message.campaign, message.member_count]),
							indicator: "green",
						});
						frappe.set_route("Form", "Campaign", message.campaign);
					},
				});
			},
		});
		dialog.show();
	}

	function add_to_target_list(listview, doctype) {
		const names = checked(listview);
		if (!names) return;
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
