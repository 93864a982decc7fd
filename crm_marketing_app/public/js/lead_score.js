// Score breakdown beside the score on the Lead and Contact forms (loaded for both, so register once).
frappe.provide("crm_marketing.scoring");

if (!crm_marketing.scoring.form_registered) {
	crm_marketing.scoring.form_registered = true;

	crm_marketing.scoring.show_breakdown = (frm) => {
		const field = frm.fields_dict.score_breakdown;
		if (!field) return;
		field.$wrapper.empty();
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
				field.$wrapper.html(
					`<label class="control-label">${__("Score Breakdown")}</label>
					<table class="table table-condensed small">
						<thead><tr><th>${__("Rule")}</th><th class="text-right">${__("Points")}</th><th>${__("Why")}</th></tr></thead>
						<tbody>${rows}</tbody>
						<tfoot><tr><th>${__("Score")}</th><th class="text-right">${message.score}</th><th>${__(message.grade)}</th></tr></tfoot>
					</table>`
				);
			},
		});
	};

	for (const doctype of ["Lead", "Contact"]) {
		frappe.ui.form.on(doctype, { refresh: crm_marketing.scoring.show_breakdown });
	}
}
