// Target List: preview of the unsaved conditions, refresh with progress, merge / copy / export.
frappe.ui.form.on("Target List", {
	refresh(frm) {
		frm.trigger("show_preview");
		if (frm.is_new()) return;
		// the job announces itself; its realtime event reloads the form when it is done
		frm.add_custom_button(__("Refresh Members"), () => frm.call("refresh_members"));
		frm.add_custom_button(__("Merge"), () => merge_dialog(frm), __("Members"));
		frm.add_custom_button(__("Copy Members"), () => copy_dialog(frm), __("Members"));
		frm.add_custom_button(__("Export to Email Group"), () =>
			frm.call("export_to_email_group").then((r) => frappe.set_route("Form", "Email Group", r.message))
		, __("Members"));
		frappe.realtime.off("target_list_refreshed");
		frappe.realtime.on("target_list_refreshed", (data) => {
			if (data.name === frm.doc.name) frm.reload_doc();
		});
	},
	list_type: (frm) => frm.trigger("show_preview"),
	member_doctype: (frm) => frm.trigger("show_preview"),
	exclude_unsubscribed: (frm) => frm.trigger("show_preview"),
	show_preview: frappe.utils.debounce((frm) => {
		const wrapper = frm.get_field("preview_html").$wrapper;
		const conditions = (frm.doc.conditions || []).filter((c) => c.field && c.operator);
		if (frm.doc.list_type !== "Dynamic" || !conditions.length) {
			wrapper.empty();
			return;
		}
		frappe
			.xcall("crm_marketing_app.target_lists.api.preview", {
				member_doctype: frm.doc.member_doctype,
				conditions: conditions.map(({ field, operator, value }) => ({ field, operator, value })),
				exclude_unsubscribed: frm.doc.exclude_unsubscribed,
				target_list: frm.is_new() ? null : frm.doc.name,
			})
			.then(({ count, rows }) => wrapper.html(preview_html(count, rows)))
			.catch(() => wrapper.html(`<p class="text-danger">${__("The conditions are not valid")}</p>`));
	}, 500),
});

frappe.ui.form.on("Target List Condition", {
	field: (frm) => frm.trigger("show_preview"),
	operator: (frm) => frm.trigger("show_preview"),
	value: (frm) => frm.trigger("show_preview"),
	conditions_remove: (frm) => frm.trigger("show_preview"),
});

function preview_html(count, rows) {
	const body = rows
		.map(
			(r) => `<tr><td>${frappe.utils.escape_html(r.member)}</td><td>${frappe.utils.escape_html(r.member_name || "")}</td>
			<td>${frappe.utils.escape_html(r.email || "")}</td><td>${__(r.status)}</td></tr>`
		)
		.join("");
	return `<p><b>${__("{0} matching records", [count])}</b></p>
		<table class="table table-bordered table-condensed"><thead><tr><th>${__("Member")}</th><th>${__("Member Name")}</th>
		<th>${__("Email")}</th><th>${__("Status")}</th></tr></thead><tbody>${body}</tbody></table>`;
}

function other_list_field(frm, label) {
	return {
		fieldname: "other_list",
		fieldtype: "Link",
		label,
		options: "Target List",
		reqd: 1,
		get_query: () => ({ filters: { member_doctype: frm.doc.member_doctype, name: ["!=", frm.doc.name] } }),
	};
}

function merge_dialog(frm) {
	frappe.prompt(
		[
			other_list_field(frm, __("Other List")),
			{
				fieldname: "mode",
				fieldtype: "Select",
				label: __("Mode"),
				options: [
					{ value: "union", label: __("Union: add its members") },
					{ value: "intersect", label: __("Intersect: keep only members also on it") },
					{ value: "subtract", label: __("Subtract: remove members also on it") },
				],
				default: "union",
				reqd: 1,
			},
		],
		({ other_list, mode }) => frm.call("merge", { other_list, mode }).then(() => frm.reload_doc()),
		__("Merge")
	);
}

function copy_dialog(frm) {
	frappe.prompt(
		[other_list_field(frm, __("To List"))],
		({ other_list }) =>
			frm.call("copy_members", { to_list: other_list }).then((r) =>
				frappe.show_alert({ message: __("{0} members copied", [r.message]), indicator: "green" })
			),
		__("Copy Members")
	);
}
