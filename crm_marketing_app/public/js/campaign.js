frappe.ui.form.on("Campaign", {
	setup(frm) {
		// a business line is a leaf Cost Center of the campaign's company (as the Marketing Plan's rows)
		frm.set_query("cost_center", () => ({ filters: { company: frm.doc.company, is_group: 0 } }));
	},
	refresh(frm) {
		// costs and revenue are at permlevel 1: marketing roles and Accounts User
		if (!frm.is_new() && frm.perm[1] && frm.perm[1].read) crm_marketing_show_revenue(frm);
		// ERPNext's "View Leads" opens a list an accountant may not read.
		if (!frappe.model.can_read("Lead")) frm.remove_custom_button(__("View Leads"));
	},
});

// Budget used, revenue and ROI on the form's dashboard, with links to the attributed documents.
// A save refreshes the form twice; only the answer to the latest refresh is drawn, so the stats
// row appears once.
function crm_marketing_show_revenue(frm) {
	const request = (frm.crm_revenue_request = (frm.crm_revenue_request || 0) + 1);
	frappe.call({
		method: "crm_marketing_app.attribution.dashboard.get_campaign_revenue",
		args: { campaign: frm.doc.name },
		callback: ({ message: data }) => {
			if (!data || request !== frm.crm_revenue_request) return;
			const currency = data.currency;
			if (data.budget_used !== null) {
				const used = data.budget_used;
				frm.dashboard.add_indicator(
					__("Budget Used: {0}%", [format_number(used, null, 1)]),
					used > 100 ? "red" : used > 90 ? "orange" : "blue"
				);
			}
			frm.dashboard.add_indicator(
				__("Revenue: {0}", [format_currency(data.attributed_revenue, currency)]),
				data.attributed_revenue ? "green" : "gray"
			);
			if (data.actual_cost) {
				frm.dashboard.add_indicator(
					__("ROI: {0}%", [format_number(data.roi, null, 2)]),
					data.roi < 0 ? "red" : data.roi < 100 ? "orange" : "green"
				);
			}
			// planned against actual: read from the form's own rollups
			if (frm.doc.planned_cost > 0) {
				const behind = frm.doc.actual_cost > 0 && frm.doc.roi_deviation < 0;
				frm.dashboard.add_indicator(
					frm.doc.actual_cost > 0
						? __("Planned ROI: {0}% ({1} pp)", [
								format_number(frm.doc.planned_roi, null, 2),
								format_number(frm.doc.roi_deviation, null, 2),
						  ])
						: __("Planned ROI: {0}%", [format_number(frm.doc.planned_roi, null, 2)]),
					behind ? "orange" : "blue"
				);
			}
			const visits = data.web_traffic["Website Visit"];
			const downloads = data.web_traffic["Downloaded"];
			if (visits) {
				frm.dashboard.add_indicator(
					__("Website Visits: {0} by {1} people", [visits.responses, visits.people]),
					"blue"
				);
			}
			if (downloads) {
				frm.dashboard.add_indicator(
					__("Downloads: {0} by {1} people", [downloads.responses, downloads.people]),
					"blue"
				);
			}
			const links = data.documents.map(
				(row) =>
					`<a href="/app/campaign-attribution?campaign=${encodeURIComponent(frm.doc.name)}&reference_doctype=${encodeURIComponent(row.reference_doctype)}">` +
					`${__(row.reference_doctype)}: ${row.count} (${format_currency(row.amount, currency)})</a>`
			);
			if (links.length) {
				frm.dashboard.set_headline(`${__("Attributed documents")}: ${links.join(" · ")}`);
			}
			frm.add_custom_button(
				__("Campaign ROI"),
				() => frappe.set_route("query-report", "Campaign ROI", { campaign_type: frm.doc.campaign_type }),
				__("View")
			);
			if (frm.doc.funnel) {
				frm.add_custom_button(
					__("Campaign Funnel"),
					() => frappe.set_route("query-report", "Campaign Funnel", { campaign: frm.doc.name }),
					__("View")
				);
			}
		},
	});
}

frappe.ui.form.on("Campaign", {
	refresh(frm) {
		// Copying creates a campaign and its activities: only for those who may create both.
		const may_copy = frappe.model.can_create("Campaign") && frappe.model.can_create("Campaign Activity");
		if (!frm.is_new() && may_copy) crm_marketing_add_copy_button(frm);
	},
});

// "Copy as new campaign": the campaign as a template, all dates moved to a new start.
function crm_marketing_add_copy_button(frm) {
	frm.add_custom_button(__("Copy as new campaign"), () => {
		const dialog = new frappe.ui.Dialog({
			title: __("Copy as new campaign"),
			fields: [
				{ fieldname: "campaign_name", fieldtype: "Data", label: __("Campaign Name"), reqd: 1 },
				{
					fieldname: "start_date",
					fieldtype: "Date",
					label: __("Start Date"),
					reqd: 1,
					description: __("Activities and milestones move by the same number of days."),
				},
			],
			primary_action_label: __("Copy"),
			primary_action(values) {
				frappe.call({
					method: "crm_marketing_app.campaign_execution.copy_campaign.copy_campaign",
					args: { campaign: frm.doc.name, ...values },
					freeze: true,
					callback: ({ message }) => {
						dialog.hide();
						frappe.set_route("Form", "Campaign", message);
					},
				});
			},
		});
		dialog.show();
	});
}

frappe.ui.form.on("Campaign", {
	refresh(frm) {
		if (frm.is_new()) return;
		if (frm.doc.pricing_rule) {
			frm.add_custom_button(
				__("Coupon Redemption"),
				() => frappe.set_route("query-report", "Coupon Redemption", { campaign: frm.doc.name }),
				__("View")
			);
		}
		if (!frm.doc.loyalty_program || !frm.perm[0].write) return;
		frm.add_custom_button(__("Enrol in Loyalty Program"), () =>
			frappe
				.call("crm_marketing_app.offers.loyalty.enrol_campaign_members", { campaign: frm.doc.name })
				.then(({ message: counts }) =>
					frappe.msgprint(
						__("{0} customers enrolled; {1} were already in it; {2} stay in another programme", [
							counts.enrolled,
							counts.already_enrolled,
							counts.in_other_programme,
						])
					)
				)
		);
	},
});
