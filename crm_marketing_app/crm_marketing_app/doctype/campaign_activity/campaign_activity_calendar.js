frappe.views.calendar["Campaign Activity"] = {
	field_map: {
		start: "scheduled_date",
		end: "end_date",
		id: "name",
		title: "subject",
		allDay: 1,
	},
	gantt: true,
	filters: [
		{ fieldtype: "Link", fieldname: "campaign", options: "Campaign", label: __("Campaign") },
		{ fieldtype: "Link", fieldname: "responsible", options: "User", label: __("Responsible") },
	],
	get_events_method: "frappe.desk.calendar.get_events",
};
