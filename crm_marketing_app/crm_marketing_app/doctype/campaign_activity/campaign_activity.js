const CRM_DISTRIBUTABLE_CHANNELS = ["Email", "Phone Call", "Meeting", "Letter", "SMS"];

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
	},
	refresh(frm) {
		crm_marketing_add_distribute_button(frm);
		crm_marketing_show_distribution_log(frm);
	},
});

// Distribute to the target lists; the job reports progress and reloads the form when done.
function crm_marketing_add_distribute_button(frm) {
	if (frm.is_new() || frm.doc.status === "Cancelled") return;
	if (!CRM_DISTRIBUTABLE_CHANNELS.includes(frm.doc.channel) || !frm.perm[0].write) return;
	frm.add_custom_button(__("Distribute"), () => {
		const run = () => frm.call("distribute").then(() => frm.reload_doc());
		if (frm.is_dirty()) {
			frm.save().then(run);
		} else {
			run();
		}
	}).addClass("btn-primary");
}

// The last run's counts, as indicators and one readable sentence in place of the raw JSON field.
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
