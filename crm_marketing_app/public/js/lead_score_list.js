// Lead and Contact lists: the grade as a coloured, filterable indicator next to the score column.
(() => {
	const colours = { Hot: "red", Warm: "orange", Cold: "blue" };
	for (const doctype of ["Lead", "Contact"]) {
		const settings = (frappe.listview_settings[doctype] = frappe.listview_settings[doctype] || {});
		settings.add_fields = [...new Set([...(settings.add_fields || []), "marketing_score", "score_grade"])];
		settings.formatters = Object.assign(settings.formatters || {}, {
			score_grade(value) {
				if (!value) return "";
				return `<span class="indicator-pill ${colours[value] || "gray"} filterable ellipsis"
					data-filter="score_grade,=,${value}"><span class="ellipsis">${__(value)}</span></span>`;
			},
		});
	}
})();
