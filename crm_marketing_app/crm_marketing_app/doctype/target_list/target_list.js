// Target List: preview of the unsaved conditions, refresh with progress, merge / copy / export.
frappe.ui.form.on("Target List", {
	refresh(frm) {
		frm.trigger("show_preview");
		// Each action only for who may run it: refresh and merge write this list, copy writes another,
		// export creates an Email Group. A reader (Sales User) gets none.
		if (frm.is_new() || !frm.perm[0].write) return;
		// the job announces itself; its realtime event reloads the form when it is done
		frm.add_custom_button(__("Refresh Members"), () => frm.call("refresh_members"));
		frm.add_custom_button(__("Merge"), () => merge_dialog(frm), __("Members"));
		frm.add_custom_button(__("Copy Members"), () => copy_dialog(frm), __("Members"));
		if (frappe.model.can_create("Email Group")) {
			frm.add_custom_button(__("Export to Email Group"), () =>
				frm.call("export_to_email_group").then((r) => frappe.set_route("Form", "Email Group", r.message))
			, __("Members"));
		}
		if (frm.doc.member_doctype === "Customer") {
			frm.add_custom_button(__("List of their Contacts"), () => contacts_dialog(frm), __("Members"));
		}
	},
	list_type: (frm) => frm.trigger("show_preview"),
	member_doctype: (frm) => frm.trigger("show_preview"),
	exclude_unsubscribed: (frm) => frm.trigger("show_preview"),
	show_preview: frappe.utils.debounce((frm) => {
		const wrapper = frm.get_field("preview_html").$wrapper;
		const conditions = (frm.doc.conditions || []).filter((c) => c.field && c.operator);
		const fields = ["group", "field", "operator", "value", "campaign", "campaign_activity", "within_days"];
		if (frm.doc.list_type !== "Dynamic" || !conditions.length) {
			wrapper.empty();
			return;
		}
		frappe
			.xcall("crm_marketing_app.target_lists.api.preview", {
				member_doctype: frm.doc.member_doctype,
				conditions: conditions.map((c) => Object.fromEntries(fields.map((f) => [f, c[f]]))),
				exclude_unsubscribed: frm.doc.exclude_unsubscribed,
				target_list: frm.is_new() ? null : frm.doc.name,
			})
			.then(({ count, rows, sentence, dates }) => {
				// the day each relative date means today, on its row (by position among the rows sent)
				conditions.forEach((c, i) => {
					c.resolves_to = dates[String(i + 1)] || null;
				});
				frm.refresh_field("conditions");
				wrapper.html(preview_html(count, rows, sentence));
			})
			.catch(() => wrapper.html(`<p class="text-danger">${__("The conditions are not valid")}</p>`));
	}, 500),
});

frappe.ui.form.on("Target List Condition", {
	field(frm, cdt, cdn) {
		// the grid shows the field by its label (the server sends it for saved rows)
		const row = locals[cdt][cdn];
		condition_fields(frm).then((fields) => {
			const spec = fields.find((f) => f.fieldname === (row.field || "").trim());
			frappe.model.set_value(cdt, cdn, "field_label", spec ? spec.label : row.field);
		});
		frm.trigger("show_preview");
	},
	operator: (frm) => frm.trigger("show_preview"),
	value: (frm) => frm.trigger("show_preview"),
	group: (frm) => frm.trigger("show_preview"),
	campaign: (frm) => frm.trigger("show_preview"),
	campaign_activity: (frm) => frm.trigger("show_preview"),
	within_days: (frm) => frm.trigger("show_preview"),
	conditions_remove: (frm) => frm.trigger("show_preview"),
});

function preview_html(count, rows, sentence) {
	const body = rows
		.map(
			(r) => `<tr><td>${frappe.utils.escape_html(r.member)}</td><td>${frappe.utils.escape_html(r.member_name || "")}</td>
			<td>${frappe.utils.escape_html(r.email || "")}</td><td>${__(r.status)}</td></tr>`
		)
		.join("");
	return `<p>${__("Members are records where")} <i>${frappe.utils.escape_html(sentence)}</i></p>
		<p><b>${__("{0} matching records", [count])}</b></p>
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

function contacts_dialog(frm) {
	frappe.prompt(
		[
			{
				fieldname: "which",
				fieldtype: "Select",
				label: __("Contacts"),
				options: [
					{ value: "all", label: __("All Contacts") },
					{ value: "primary", label: __("Primary Contacts") },
					{ value: "designation", label: __("Contacts of a Designation") },
				],
				default: "all",
				reqd: 1,
			},
			{
				fieldname: "designation",
				fieldtype: "Data",
				label: __("Designation"),
				depends_on: "eval:doc.which=='designation'",
				mandatory_depends_on: "eval:doc.which=='designation'",
			},
		],
		({ which, designation }) =>
			frm.call("make_contact_list", { which, designation }).then((r) => frappe.set_route("Form", "Target List", r.message)),
		__("List of their Contacts")
	);
}

// Condition picker: "Add Condition" on the conditions table picks a field of the member DocType or
// a derived measure by its translated label (crm_marketing_app.target_lists.picker.condition_fields),
// offers the operators that fit it and the value widget of its type (date picker, link, select, …).
frappe.ui.form.on("Target List", {
	refresh(frm) {
		const grid = frm.fields_dict.conditions.grid;
		if (!frm.perm[0].write || grid.crm_picker_button) return;
		grid.crm_picker_button = grid.add_custom_button(__("Add Condition"), () => condition_dialog(frm));
	},
});

// One value field per widget type; the dialog shows the one the chosen field needs.
const CONDITION_WIDGETS = ["Data", "Int", "Float", "Currency", "Date", "Datetime", "Check", "Select", "Link"];
const LIST_OPERATORS = ["in", "not in", "like", "not like"];

function condition_dialog(frm) {
	if (!frm.doc.member_doctype) {
		frappe.msgprint(__("Choose the Member Type first"));
		return;
	}
	condition_fields(frm).then((fields) => {
			const by_name = Object.fromEntries(fields.map((f) => [f.fieldname, f]));
			const dialog = new frappe.ui.Dialog({
				title: __("Add Condition"),
				fields: [
					{
						fieldname: "field",
						fieldtype: "Autocomplete",
						label: __("Field"),
						reqd: 1,
						options: fields.map((f) => ({ value: f.fieldname, label: `${f.label} · ${f.group}` })),
						onchange: () => show_widget(dialog, by_name),
					},
					{ fieldname: "operator", fieldtype: "Select", label: __("Operator"), reqd: 1, onchange: () => show_widget(dialog, by_name, true) },
					...CONDITION_WIDGETS.map((fieldtype) => ({
						fieldname: `value_${fieldtype.toLowerCase()}`,
						fieldtype,
						label: __("Value"),
						hidden: 1,
					})),
				],
				primary_action_label: __("Add"),
				primary_action(values) {
					const widget = dialog.crm_widget;
					let value = widget ? values[`value_${widget.toLowerCase()}`] : null;
					if (widget === "Check") value = value ? "1" : "0";
					frm.add_child("conditions", {
						field: values.field,
						field_label: by_name[values.field].label,
						operator: values.operator,
						value: value ?? "",
					});
					frm.refresh_field("conditions");
					frm.dirty();
					frm.trigger("show_preview");
					dialog.hide();
				},
			});
			dialog.show();
			frm.crm_condition_dialog = dialog;
		});
}

// What a condition of this member type may use, asked once per member type.
function condition_fields(frm) {
	const member_doctype = frm.doc.member_doctype;
	frm.crm_condition_fields = frm.crm_condition_fields || {};
	if (!frm.crm_condition_fields[member_doctype]) {
		frm.crm_condition_fields[member_doctype] = frappe.xcall(
			"crm_marketing_app.target_lists.picker.condition_fields",
			{ member_doctype }
		);
	}
	return frm.crm_condition_fields[member_doctype];
}

function show_widget(dialog, by_name, operator_changed) {
	const spec = by_name[dialog.get_value("field")];
	if (!spec) return;
	if (!operator_changed) {
		dialog.set_df_property("operator", "options", spec.operators);
		dialog.set_value("operator", spec.operators[0]);
	}
	const operator = dialog.get_value("operator");
	let widget = spec.fieldtype;
	if (["is set", "is not set"].includes(operator)) widget = null;
	else if (LIST_OPERATORS.includes(operator)) widget = "Data";
	for (const fieldtype of CONDITION_WIDGETS) {
		dialog.set_df_property(`value_${fieldtype.toLowerCase()}`, "hidden", fieldtype !== widget);
	}
	if (widget === "Select") {
		dialog.set_df_property("value_select", "options", [""].concat((spec.options || []).map((o) => ({ value: o, label: __(o) }))));
	}
	if (widget === "Link") dialog.set_df_property("value_link", "options", spec.options);
	if (widget === "Data" && LIST_OPERATORS.includes(operator)) {
		dialog.set_df_property("value_data", "description", operator.endsWith("in") ? __("Comma separated values") : "");
	}
	dialog.crm_widget = widget;
}
