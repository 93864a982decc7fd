// The step log: each outcome as a coloured, filterable indicator.
frappe.listview_settings["Journey Step Log"] = {
	add_fields: ["outcome", "error"],
	get_indicator(doc) {
		const colours = { Done: "green", Yes: "green", No: "orange", Skipped: "gray", Failed: "red" };
		if (!doc.outcome) return [__("Claimed"), "blue", "outcome,is,not set"];
		return [__(doc.outcome), colours[doc.outcome] || "gray", `outcome,=,${doc.outcome}`];
	},
};
