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

	// Sales reps open their Lead list with the leads most ready to buy on top. Only the list's first
	// sort changes (not Lead's sort_field, which every get_all("Lead") would follow), and a sort the
	// user chose, which Frappe keeps in their list settings, wins.
	const lead = frappe.listview_settings.Lead;
	const erpnext_onload = lead.onload;
	lead.onload = function (listview) {
		if (!listview.view_user_settings.sort_by && listview.sort_selector) {
			listview.sort_by = "marketing_score";
			listview.sort_order = "desc";
			listview.sort_selector.set_value("marketing_score", "desc");
		}
		return erpnext_onload && erpnext_onload.apply(this, arguments);
	};
})();
