frappe.query_reports["Campaign Funnel"] = {
	filters: [
		{ fieldname: "campaign", label: __("Campaign"), fieldtype: "Link", options: "Campaign", reqd: 1 },
		{
			fieldname: "funnel",
			label: __("Marketing Funnel"),
			fieldtype: "Link",
			options: "Marketing Funnel",
			description: __("Leave empty to use the campaign's funnel"),
		},
	],
	// The funnel itself: one centred bar per stage, as wide as its count, with the conversion beside it.
	after_datatable_render() {
		const report = frappe.query_report;
		const rows = report.data || [];
		if (!rows.length) return;
		const widest = Math.max(1, ...rows.map((row) => row.actual || 0));
		const bars = rows
			.map((row, i) => {
				const width = Math.max(6, (100 * (row.actual || 0)) / widest);
				const parts = [];
				if (row.conversion != null) parts.push(`${format_number(row.conversion, null, 1)} %`);
				if (i) parts.push(`${__("Planned")}: ${row.planned_count}`);
				const shade = 700 - Math.min(i, 3) * 100;
				return `<div class="crm-funnel-stage" style="display:flex;align-items:center;margin:3px 0">
					<div style="width:22%;text-align:right;padding-right:10px" class="text-muted small">${frappe.utils.escape_html(row.stage)}</div>
					<div style="flex:1;display:flex;justify-content:center">
						<div style="width:${width}%;background:var(--blue-${shade});color:#fff;border-radius:4px;padding:4px 0;text-align:center;white-space:nowrap;overflow:visible">
							<b>${row.actual}</b>
						</div>
					</div>
					<div style="width:26%;padding-left:10px" class="small ${row.flagged ? "text-danger" : "text-muted"}">${parts.join(" · ")}</div>
				</div>`;
			})
			.join("");
		report.$chart.html(`<div class="crm-funnel" style="padding:12px 16px">${bars}</div>`).show();
	},
	formatter(value, row, column, data, default_formatter) {
		value = default_formatter(value, row, column, data);
		const deviations = ["conversion", "deviation_from_plan", "deviation_from_reference"];
		if (data && data.flagged && deviations.includes(column.fieldname)) {
			return `<span style="color: var(--red-600); font-weight: bold">${value}</span>`;
		}
		return value;
	},
};
