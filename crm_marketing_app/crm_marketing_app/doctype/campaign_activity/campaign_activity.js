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
		crm_marketing_add_coupon_buttons(frm);
	},
});

// Personal coupons: issue them to the lists' members now, or look at the ones issued.
function crm_marketing_add_coupon_buttons(frm) {
	if (frm.is_new() || !frm.doc.personal_coupons) return;
	if (frm.doc.status !== "Cancelled" && frm.perm[0].write) {
		frm.add_custom_button(
			__("Issue Personal Coupons"),
			() => frm.call("generate_personal_coupons").then(({ message }) => {
				if (message) frappe.show_alert(__("{0} new personal coupons", [message.issued]));
			}),
			__("Coupons")
		);
	}
	frm.add_custom_button(
		__("Coupon Codes"),
		() => frappe.set_route("List", "Coupon Code", { campaign_activity: frm.doc.name }),
		__("Coupons")
	);
	frm.add_custom_button(
		__("Coupon Redemption"),
		() => frappe.set_route("query-report", "Coupon Redemption", { campaign: frm.doc.campaign }),
		__("Coupons")
	);
}

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

// The last run's counts: members reached and members skipped by reason.
function crm_marketing_show_distribution_log(frm) {
	if (!frm.doc.distribution_log) return;
	const log = typeof frm.doc.distribution_log === "string" ? JSON.parse(frm.doc.distribution_log) : frm.doc.distribution_log;
	frm.dashboard.add_indicator(__("Sent: {0}", [log.sent || 0]), log.sent ? "green" : "gray");
	Object.entries(log.skipped || {}).forEach(([reason, count]) => {
		frm.dashboard.add_indicator(`${CRM_SKIP_REASONS[reason] || reason}: ${count}`, "orange");
	});
}
