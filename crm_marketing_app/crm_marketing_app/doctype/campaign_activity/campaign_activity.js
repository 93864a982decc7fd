const CRM_SKIP_REASONS = {
	unsubscribed: __("Unsubscribed"),
	bounced: __("Bounced"),
	excluded: __("Excluded"),
	already_done: __("Already done"),
	no_email: __("No email"),
	no_phone: __("No phone"),
	sms_not_configured: __("SMS Settings not configured"),
};

frappe.ui.form.on("Campaign Activity", {
	setup(frm) {
		frappe.realtime.on("campaign_activity_distributed", (data) => {
			if (data && data.activity === frm.doc.name) frm.reload_doc();
		});
		frm.set_query("purchase_invoice", "purchase_invoices", () => {
			const filters = { docstatus: ["<", 2] };
			if (frm.campaign_company) {
				filters.company = frm.campaign_company;
			}
			return { filters };
		});
	},
	refresh(frm) {
		crm_marketing_add_distribute_button(frm);
		crm_marketing_show_distribution_log(frm);
		crm_marketing_toggle_actual_cost(frm);
		crm_marketing_load_campaign_company(frm);
	},
	campaign(frm) {
		crm_marketing_load_campaign_company(frm);
	},
});

frappe.ui.form.on("Campaign Activity Purchase Invoice", {
	purchase_invoices_add: crm_marketing_toggle_actual_cost,
	purchase_invoices_remove: crm_marketing_toggle_actual_cost,
});

// Distribute to the target lists; the job reports progress and reloads the form when done.
function crm_marketing_add_distribute_button(frm) {
	if (frm.is_new() || frm.doc.status === "Cancelled") return;
	// the controller's onload names the channels the distribution job knows
	const channels = (frm.doc.__onload && frm.doc.__onload.distributable_channels) || [];
	if (!channels.includes(frm.doc.channel) || !frm.perm[0].write) return;
	frm.add_custom_button(__("Distribute"), () => {
		const run = () => frm.call("distribute").then(() => frm.reload_doc());
		if (frm.is_dirty()) {
			frm.save().then(run);
		} else {
			run();
		}
	}).addClass("btn-primary");
}

// Members reached over all runs and the last run's counts, as indicators and one readable sentence
// in place of the raw JSON field.
function crm_marketing_show_distribution_log(frm) {
	frm.toggle_display("distribution_log", false);
	if (!frm.doc.distribution_log) return;
	const log = typeof frm.doc.distribution_log === "string" ? JSON.parse(frm.doc.distribution_log) : frm.doc.distribution_log;
	// "Sent" fits a message; a phone call or a meeting becomes someone's task, a letter gets printed.
	const reached = {
		"Phone Call": __("Calls assigned: {0}", [log.sent || 0]),
		Meeting: __("Invited: {0}", [log.sent || 0]),
		Letter: __("Letters prepared: {0}", [log.sent || 0]),
	}[frm.doc.channel] || __("Sent: {0}", [log.sent || 0]);
	frm.dashboard.add_indicator(reached, log.sent ? "green" : "gray");
	const skipped = Object.entries(log.skipped || {});
	skipped.forEach(([reason, count]) => {
		frm.dashboard.add_indicator(`${CRM_SKIP_REASONS[reason] || reason}: ${count}`, "orange");
	});
	const when = frm.doc.last_distributed_on ? frappe.datetime.str_to_user(frm.doc.last_distributed_on) : "";
	let text = __("Last distribution {0}: {1} of {2} members reached.", [when, log.sent || 0, log.audience || 0]);
	if (skipped.length) {
		const reasons = skipped.map(([reason, count]) => `${(CRM_SKIP_REASONS[reason] || reason).toLowerCase()}: ${count}`);
		text += " " + __("Skipped: {0}.", [reasons.join(", ")]);
	}
	frm.set_intro(text, log.sent ? "green" : "orange");
}

// The cost side: linked purchase invoices set the actual cost, so it is read-only while any are linked.
function crm_marketing_toggle_actual_cost(frm) {
	const from_invoices = (frm.doc.purchase_invoices || []).length > 0;
	frm.set_df_property("actual_cost", "read_only", from_invoices ? 1 : 0);
	frm.set_df_property(
		"actual_cost",
		"description",
		from_invoices ? __("Sum of the linked Purchase Invoices that are submitted") : __("Entered by hand until Purchase Invoices are linked")
	);
}

// Purchase invoices offered for linking are of the campaign's company.
function crm_marketing_load_campaign_company(frm) {
	frm.campaign_company = null;
	if (!frm.doc.campaign) return;
	frappe.db.get_value("Campaign", frm.doc.campaign, "company").then((r) => {
		frm.campaign_company = r.message && r.message.company;
	});
}
