frappe.ui.form.on("Marketing Trigger", {
	refresh(frm) {
		if (frm.is_new()) return;
		frm.add_custom_button(__("Preview"), () => show_preview(frm));
		if (frm.doc.enabled && frm.perm[0].write) {
			frm.add_custom_button(__("Run now"), () =>
				frm.call("run_now").then(() => frm.reload_doc())
			);
		}
		frm.add_custom_button(__("Log"), () =>
			frappe.set_route("List", "Marketing Trigger Log", { marketing_trigger: frm.doc.name })
		);
	},
});

function show_preview(frm) {
	frm.call("preview").then(({ message: rows }) => {
		const body = rows.length
			? `<table class="table table-bordered table-sm">
				<tr><th>${__("Reference")}</th><th>${__("Party")}</th><th>${__("Due Date")}</th><th>${__("Assign To")}</th></tr>
				${rows
					.map(
						(r) => `<tr>
					<td>${__(r.reference_doctype)} ${frappe.utils.escape_html(r.reference_name)}</td>
					<td>${frappe.utils.escape_html(r.party_name || r.party || "")}</td>
					<td>${frappe.datetime.str_to_user(r.due_date)}</td>
					<td>${frappe.utils.escape_html(r.assign_to || "")}</td></tr>`
					)
					.join("")}
			</table>`
			: `<p class="text-muted">${__("Nothing is due today")}</p>`;
		frappe.msgprint({ title: __("Due today: {0}", [rows.length]), message: body, wide: true });
	});
}
