// Journeys: the status as the DocType's coloured indicator (its `states`), who enters, the campaign,
// and when the runner last moved people on.
frappe.listview_settings["Marketing Journey"] = {
	add_fields: ["status", "entry_type", "entry_target_list", "event", "campaign", "last_run_on"],
	formatters: {
		entry_type(value, df, doc) {
			const detail = value === "Target List" ? doc.entry_target_list : value === "Event" ? __(doc.event || "") : "";
			return frappe.utils.escape_html(detail ? `${__(value)}: ${detail}` : __(value));
		},
	},
};
