// Enrolments: the status as the DocType's coloured indicator (its `states`), the person, the journey,
// where they stand and when they move on next.
frappe.listview_settings["Journey Enrolment"] = {
	add_fields: ["status", "member_doctype", "member", "member_name", "current_step", "next_run_on", "variant"],
	filters: [["status", "in", ["Active", "Waiting"]]],
	formatters: {
		current_step(value, df, doc) {
			if (!value) return "";
			return frappe.utils.escape_html(doc.variant ? `${value} (${doc.variant})` : value);
		},
	},
	button: {
		show: (doc) => Boolean(doc.member),
		get_label: () => __("Open Person"),
		get_description: (doc) => __("Open {0}", [`${__(doc.member_doctype)} ${doc.member}`]),
		action: (doc) => frappe.set_route("Form", doc.member_doctype, doc.member),
	},
};
