// Score breakdown on the Lead and Contact forms (loaded for both, so register once).
frappe.provide("crm_marketing.scoring");

if (!crm_marketing.scoring.form_registered) {
	crm_marketing.scoring.form_registered = true;

	crm_marketing.scoring.show_breakdown = (frm) => {
		if (frm.is_new()) return;
		frappe.call({
			method: "crm_marketing_app.api.explain_score",
			args: { doctype: frm.doctype, name: frm.doc.name },
			callback: ({ message }) => {
				if (!message || !message.rules.length) return;
				const rows = message.rules
					.map(
						(r) => `<tr>
							<td>${frappe.utils.escape_html(r.rule)}</td>
							<td class="text-right">${r.points}</td>
							<td class="text-muted">${frappe.utils.escape_html(r.reason)}</td>
						</tr>`
					)
					.join("");
				frm.dashboard.add_section(
					`<table class="table table-condensed small">
						<thead><tr><th>${__("Rule")}</th><th class="text-right">${__("Points")}</th><th>${__("Why")}</th></tr></thead>
						<tbody>${rows}</tbody>
						<tfoot><tr><th>${__("Score")}</th><th class="text-right">${message.score}</th><th>${__(message.grade)}</th></tr></tfoot>
					</table>`,
					__("Score Breakdown")
				);
				frm.dashboard.show();
			},
		});
	};

	for (const doctype of ["Lead", "Contact"]) {
		frappe.ui.form.on(doctype, { refresh: crm_marketing.scoring.show_breakdown });
	}
}
