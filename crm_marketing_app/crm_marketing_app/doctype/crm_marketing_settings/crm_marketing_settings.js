frappe.ui.form.on("CRM Marketing Settings", {
	refresh(frm) {
		frm.set_intro(
			__("Scores at or above the Hot threshold are Hot, at or above Warm are Warm, the rest Cold.")
		);
		if (frm.perm[0]?.write) {
			frm.add_custom_button(__("Rescore All"), () =>
				frappe.call("crm_marketing_app.scoring.bulk.enqueue_rescore_all")
			);
			frm.add_custom_button(__("Website Tracking Code"), () => show_tracking_code());
		}
	},
});

// The script tag another website of the company embeds: its beacons carry a key for that website only.
function show_tracking_code() {
	frappe.prompt(
		{
			fieldname: "origin",
			fieldtype: "Data",
			label: __("Website Address"),
			reqd: 1,
			description: __("Such as https://www.example.com; this site's own pages are tracked already"),
		},
		({ origin }) =>
			frappe
				.call("crm_marketing_app.campaign_execution.web_tracking.embed_snippet", { origin })
				.then(({ message }) =>
					frappe.msgprint({
						title: __("Website Tracking Code"),
						message:
							`<p>${__("Paste this tag into every page of {0}, before </body>:", [
								frappe.utils.escape_html(origin),
							])}</p>` + `<pre>${frappe.utils.escape_html(message)}</pre>`,
					})
				),
		__("Website Tracking Code")
	);
}
