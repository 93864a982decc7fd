// Lead, Contact and Customer: "Enrol in Journey" on the form and for a list selection, and the
// person's journeys (where they stand) in the form's Journeys section. Loaded as form and as list script of the three,
// so it may run several times: each part registers once.
frappe.provide("crm_marketing.journeys");

(() => {
	const PERSON_DOCTYPES = ["Lead", "Contact", "Customer"];

	// Who may enrol: whoever may write the journey (the server checks each person too).
	const may_enrol = () => frappe.model.can_write("Marketing Journey");

	// A dialog picking an Active journey; `done(count)` after the enrolment.
	crm_marketing.journeys.enrol_dialog = (doctype, names, done) => {
		const dialog = new frappe.ui.Dialog({
			title: names.length === 1 ? __("Enrol in Journey") : __("Enrol {0} selected in a Journey", [names.length]),
			fields: [
				{
					fieldname: "journey",
					fieldtype: "Link",
					label: __("Journey"),
					options: "Marketing Journey",
					reqd: 1,
					get_query: () => ({
						query: "crm_marketing_app.journeys.desk.enrollable_journeys",
						filters: { member_doctype: doctype },
					}),
					description: __("Active journeys that take in a {0}. Whoever is already in the journey is left out.", [
						__(doctype),
					]),
				},
			],
			primary_action_label: __("Enrol"),
			primary_action({ journey }) {
				frappe.call({
					method: "crm_marketing_app.api.enrol_in_journey",
					args: { journey, doctype, names },
					freeze: true,
					callback({ message: count }) {
						dialog.hide();
						frappe.show_alert({
							message: count
								? __("{0} enrolled in {1}", [count, journey])
								: __("Nobody new: already in {0}", [journey]),
							indicator: count ? "green" : "orange",
						});
						if (done) done(count);
					},
				});
			},
		});
		dialog.show();
		return dialog;
	};

	// The form: the button, and a section of the person's journeys.
	if (!crm_marketing.journeys.form_registered) {
		crm_marketing.journeys.form_registered = true;
		for (const doctype of PERSON_DOCTYPES) {
			frappe.ui.form.on(doctype, {
				refresh(frm) {
					if (frm.is_new()) return;
					if (may_enrol()) {
						frm.add_custom_button(__("Enrol in Journey"), () =>
							crm_marketing.journeys.enrol_dialog(frm.doctype, [frm.doc.name], () => frm.reload_doc())
						);
					}
					if (frappe.model.can_read("Journey Enrolment")) show_member_journeys(frm);
				},
			});
		}
	}

	// The Journeys section (custom fields journeys_section / journeys_html), shown when there are any.
	function show_member_journeys(frm) {
		const field = frm.fields_dict.journeys_html;
		if (!field) return;
		const request = (frm.member_journeys_request = (frm.member_journeys_request || 0) + 1);
		// the enrolment's meta gives the status colours
		Promise.all([
			frappe.call("crm_marketing_app.journeys.desk.member_journeys", { doctype: frm.doctype, name: frm.doc.name }),
			frappe.model.with_doctype("Journey Enrolment"),
		]).then(([{ message: rows }]) => {
			if (request !== frm.member_journeys_request) return;
			field.$wrapper.html(rows && rows.length ? member_journeys_table(rows) : "");
			frm.toggle_display("journeys_section", Boolean(rows && rows.length));
		});
	}

	function member_journeys_table(rows) {
		const esc = frappe.utils.escape_html;
		const body = rows
			.map((row) => {
				const open = ["Active", "Waiting"].includes(row.status);
				const step = row.current_step
					? `${esc(row.current_step)}${row.step_label ? " · " + esc(row.step_label) : row.step_type ? " · " + esc(__(row.step_type)) : ""}`
					: "";
				return `<tr data-journey="${esc(row.journey)}">
					<td><a href="/app/marketing-journey/${encodeURIComponent(row.journey)}">${esc(row.journey)}</a></td>
					<td>${status_pill(row.status)}</td>
					<td>${step}${row.variant ? ` <span class="text-muted">(${esc(row.variant)})</span>` : ""}</td>
					<td>${open && row.next_run_on ? esc(frappe.datetime.str_to_user(row.next_run_on)) : ""}</td>
					<td>${esc(frappe.datetime.str_to_user(row.entered_on))}</td>
				</tr>`;
			})
			.join("");
		return `<table class="table table-condensed small journey-enrolments" style="margin: 0">
			<thead><tr>
				<th>${__("Journey")}</th><th>${__("Status")}</th><th>${__("Current Step")}</th>
				<th>${__("Next Run On")}</th><th>${__("Entered On")}</th>
			</tr></thead>
			<tbody>${body}</tbody>
		</table>`;
	}

	function status_pill(status) {
		const [label, colour] = frappe.get_indicator({ status }, "Journey Enrolment") || [__(status), "gray"];
		return `<span class="indicator-pill ${colour}"><span>${frappe.utils.escape_html(label)}</span></span>`;
	}

	// The lists: Actions → "Enrol in Journey" for the selected rows. ERPNext's list scripts may replace
	// the settings object, so the guard sits on the object.
	for (const doctype of PERSON_DOCTYPES) {
		const settings = (frappe.listview_settings[doctype] = frappe.listview_settings[doctype] || {});
		if (settings.__enrol_in_journey) continue;
		settings.__enrol_in_journey = true;
		const previous_onload = settings.onload;
		settings.onload = function (listview) {
			if (previous_onload) previous_onload.apply(this, arguments);
			if (!may_enrol()) return;
			listview.page.add_actions_menu_item(
				__("Enrol in Journey"),
				() => {
					const names = listview.get_checked_items(true);
					if (!names.length) {
						frappe.msgprint(__("Select the people to enrol"));
						return;
					}
					crm_marketing.journeys.enrol_dialog(doctype, names, () => listview.clear_checked_items());
				},
				false
			);
		};
	}
})();
