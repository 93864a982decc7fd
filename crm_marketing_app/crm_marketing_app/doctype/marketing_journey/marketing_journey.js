// The journey form: its steps drawn as a flow (boxes in layers from the first step, arrows labelled
// yes/no and A/B), live counts per step, and the Activate / Pause / Stop buttons of the controller.
frappe.provide("crm_marketing.journeys");

// Evaluated again when the form's meta is reloaded: everything stays inside this function.
(() => {
	// What the status means for whoever reads the form.
	const JOURNEY_INTRO = {
		Draft: ["blue", __("Build the steps, then Activate: people enter and move on from the next run, every 5 minutes.")],
		Active: [
			"green",
			__("Active: people enter and move on every 5 minutes. Edits apply to whoever reaches a step after the save; steps that hold people cannot be removed."),
		],
		Paused: ["orange", __("Paused: nobody enters or moves on until the journey is activated again.")],
		Stopped: ["red", __("Stopped: the journey has ended and every open enrolment has exited.")],
	};

	// The buttons of the controller's methods and the states each applies in.
	const JOURNEY_ACTIONS = [
		{ method: "activate", label: __("Activate"), states: ["Draft", "Paused"], primary: true },
		{ method: "pause", label: __("Pause"), states: ["Active"] },
		{
			method: "stop",
			label: __("Stop"),
			states: ["Active", "Paused"],
			confirm: __("Stop the journey for good? Everyone still in it exits."),
		},
	];

	const FLOW_FIELDS = ["step_id", "step_type", "step_label", "next_step", "else_step"];

	frappe.ui.form.on("Marketing Journey", {
		setup(frm) {
			frm.set_query("entry_target_list", () => ({ filters: { member_doctype: ["in", ["Lead", "Contact", "Customer"]] } }));
		},
		refresh(frm) {
			const [colour, intro] = JOURNEY_INTRO[frm.doc.status] || JOURNEY_INTRO.Draft;
			frm.set_intro(intro, colour);
			if (!frm.is_new()) {
				add_actions(frm);
				add_links(frm);
			}
			crm_marketing.journeys.load_counts(frm);
		},
		steps_add: (frm) => crm_marketing.journeys.draw_flow(frm),
		steps_remove: (frm) => crm_marketing.journeys.draw_flow(frm),
		steps_move: (frm) => crm_marketing.journeys.draw_flow(frm),
	});

	frappe.ui.form.on(
		"Marketing Journey Step",
		Object.fromEntries(FLOW_FIELDS.map((field) => [field, (frm) => crm_marketing.journeys.draw_flow(frm)]))
	);

	function add_actions(frm) {
		if (!frm.perm[0].write) return;
		for (const action of JOURNEY_ACTIONS) {
			if (!action.states.includes(frm.doc.status)) continue;
			const run = () =>
				(frm.is_dirty() ? frm.save() : Promise.resolve())
					.then(() => frm.call(action.method))
					.then(() => frm.reload_doc());
			const button = frm.add_custom_button(action.label, () =>
				action.confirm ? frappe.confirm(action.confirm, run) : run()
			);
			if (action.primary) button.removeClass("btn-default").addClass("btn-primary");
		}
	}

	function add_links(frm) {
		if (frappe.model.can_read("Journey Enrolment")) {
			frm.add_custom_button(
				__("Enrolments"),
				() => frappe.set_route("List", "Journey Enrolment", { journey: frm.doc.name }),
				__("View")
			);
		}
		if (frappe.model.can_read("Journey Step Log")) {
			frm.add_custom_button(
				__("Step Log"),
				() => frappe.set_route("List", "Journey Step Log", { journey: frm.doc.name }),
				__("View")
			);
		}
	}

	// Counts per step and per enrolment status (journeys.desk.step_counts); a refresh asks again, and
	// only the answer to the latest request is drawn.
	crm_marketing.journeys.load_counts = (frm) => {
		frm.journey_counts = { steps: {}, statuses: {} };
		crm_marketing.journeys.draw_flow(frm);
		if (frm.is_new()) return;
		const request = (frm.journey_counts_request = (frm.journey_counts_request || 0) + 1);
		frappe
			.call("crm_marketing_app.journeys.desk.step_counts", { journey: frm.doc.name })
			.then(({ message }) => {
				if (request !== frm.journey_counts_request) return;
				frm.journey_counts = message;
				show_status_counts(frm, message.statuses);
				crm_marketing.journeys.draw_flow(frm);
			});
	};

	const ENROLMENT_COLOURS = { Active: "blue", Waiting: "yellow", Converted: "green", Completed: "cyan", Exited: "gray", Failed: "red" };

	function show_status_counts(frm, statuses) {
		for (const [status, colour] of Object.entries(ENROLMENT_COLOURS)) {
			if (statuses[status]) frm.dashboard.add_indicator(`${__(status)}: ${statuses[status]}`, colour);
		}
	}

	// ---- the flow diagram ----

	const BOX = { width: 210, height: 72, gap_x: 48, gap_y: 64, margin: 24 };
	// A colour family per kind of step.
	const STEP_COLOURS = {
		"Send Email": "blue",
		"Send SMS": "blue",
		"Create ToDo": "purple",
		"Create Event": "purple",
		"Create Opportunity": "purple",
		"Add To Target List": "cyan",
		"Remove From Target List": "cyan",
		"Set Field": "cyan",
		Wait: "yellow",
		"Wait Until": "yellow",
		Branch: "green",
		Split: "green",
		Exit: "red",
	};
	// The outcome each route of a step stands for: its label on the arrow.
	const ROUTE_LABELS = { Branch: [__("Yes"), __("No")], Split: ["A", "B"] };
	const COUNT_LABELS = [
		["waiting", (n) => __("{0} waiting", [n])],
		["done", (n) => __("{0} done", [n])],
		["yes", (n) => __("{0} yes", [n])],
		["no", (n) => __("{0} no", [n])],
		["skipped", (n) => __("{0} skipped", [n])],
		["failed", (n) => __("{0} failed", [n])],
	];

	// [{to, label}] of a step, as engine.journeys.Step.routes: Exit has none, Branch and Split two.
	function routes_of(step) {
		if (step.step_type === "Exit") return [];
		const labels = ROUTE_LABELS[step.step_type];
		if (labels) return [step.next_step, step.else_step].map((to, i) => ({ to, label: labels[i] }));
		return [{ to: step.next_step, label: "" }];
	}

	// Layers from the first step: each step one layer below the lowest step that leads to it, back
	// edges (to a step above on the walk, as engine.journeys.back_edges) left out.
	function layout(steps) {
		const by_id = Object.fromEntries(steps.map((s) => [s.step_id, s]));
		const back = new Set();
		const state = {};
		const visit = (id) => {
			state[id] = 1;
			for (const { to } of routes_of(by_id[id])) {
				if (!to || !by_id[to]) continue;
				if (state[to] === 1) back.add(`${id}\u0000${to}`);
				else if (!state[to]) visit(to);
			}
			state[id] = 2;
		};
		const reached = new Set();
		visit(steps[0].step_id);
		Object.keys(state).forEach((id) => reached.add(id));
		for (const step of steps) if (!state[step.step_id]) visit(step.step_id);

		const layer = Object.fromEntries(steps.map((s) => [s.step_id, 0]));
		for (let round = 0; round < steps.length; round++) {
			let moved = false;
			for (const step of steps) {
				for (const { to } of routes_of(step)) {
					if (!by_id[to] || back.has(`${step.step_id}\u0000${to}`)) continue;
					if (layer[to] < layer[step.step_id] + 1) {
						layer[to] = layer[step.step_id] + 1;
						moved = true;
					}
				}
			}
			if (!moved) break;
		}
		// steps no path reaches go below the others
		const depth = Math.max(...steps.filter((s) => reached.has(s.step_id)).map((s) => layer[s.step_id]));
		for (const step of steps) if (!reached.has(step.step_id)) layer[step.step_id] += depth + 1;

		const rows = [];
		for (const step of steps) (rows[layer[step.step_id]] = rows[layer[step.step_id]] || []).push(step);
		const widest = Math.max(...rows.map((row) => (row || []).length));
		const width = widest * BOX.width + (widest - 1) * BOX.gap_x + 2 * BOX.margin + 80;
		const position = {};
		rows.forEach((row, y) => {
			if (!row) return;
			const row_width = row.length * BOX.width + (row.length - 1) * BOX.gap_x;
			const left = (width - 80 - row_width) / 2;
			row.forEach((step, x) => {
				position[step.step_id] = {
					x: left + x * (BOX.width + BOX.gap_x),
					y: BOX.margin + y * (BOX.height + BOX.gap_y),
				};
			});
		});
		const height = BOX.margin * 2 + rows.length * BOX.height + (rows.length - 1) * BOX.gap_y + 30;
		return { by_id, back, reached, position, width, height };
	}

	const esc = (text) => frappe.utils.escape_html(text == null ? "" : String(text));

	// Start of the arrow leaving a step by its route number `i` of `count`.
	function exit_point(box, i, count) {
		const spread = count > 1 ? (i === 0 ? -BOX.width / 4 : BOX.width / 4) : 0;
		return { x: box.x + BOX.width / 2 + spread, y: box.y + BOX.height };
	}

	function draw_edge(from, step, route, i, count, plan) {
		const start = exit_point(from, i, count);
		const label = route.label ? esc(route.label) : "";
		if (!route.to) {
			// the journey ends here: a short arrow to an end mark
			const end_y = start.y + 22;
			return `<path class="flow-edge" d="M${start.x},${start.y} L${start.x},${end_y - 4}" marker-end="url(#flow-arrow)"/>
				<circle class="flow-end" cx="${start.x}" cy="${end_y + 4}" r="6"><title>${esc(__("End"))}</title></circle>
				${label ? `<text class="flow-route" x="${start.x + 6}" y="${start.y + 13}">${label}</text>` : ""}`;
		}
		const target = plan.position[route.to];
		if (!target) {
			return `<text class="flow-missing" x="${start.x}" y="${start.y + 16}" text-anchor="middle">→ ${esc(route.to)}?</text>`;
		}
		const end = { x: target.x + BOX.width / 2, y: target.y };
		let path;
		let label_at;
		if (plan.back.has(`${step.step_id}\u0000${route.to}`) || end.y <= start.y) {
			// back to a step above: round the right-hand side of both boxes
			const side = Math.max(from.x, target.x) + BOX.width + 40 + 12 * i;
			const from_y = from.y + BOX.height / 2;
			const to_y = target.y + BOX.height / 2;
			path = `M${from.x + BOX.width},${from_y} C${side},${from_y} ${side},${to_y} ${target.x + BOX.width + 4},${to_y}`;
			label_at = { x: side - 6, y: (from_y + to_y) / 2 };
		} else {
			const middle = (start.y + end.y) / 2;
			path = `M${start.x},${start.y} C${start.x},${middle} ${end.x},${middle} ${end.x},${end.y - 4}`;
			label_at = { x: start.x + (end.x - start.x) * 0.2 + 6, y: start.y + 14 };
		}
		return `<path class="flow-edge" d="${path}" marker-end="url(#flow-arrow)"/>
			${label ? `<text class="flow-route" x="${label_at.x}" y="${label_at.y}">${label}</text>` : ""}`;
	}

	function draw_box(step, box, counts, reached) {
		const colour = STEP_COLOURS[step.step_type] || "gray";
		const title = step.step_label || __(step.step_type);
		const shown = COUNT_LABELS.filter(([key]) => counts[key]).map(([key, text]) => ({ key, text: text(counts[key]) }));
		const count_line = shown
			.map(({ key, text }) => `<tspan class="flow-count-${key}">${esc(text)}</tspan>`)
			.join(`<tspan class="flow-sep"> · </tspan>`);
		const clip = `flow-clip-${esc(step.step_id).replace(/[^\w-]/g, "_")}`;
		return `<g class="flow-step" data-step="${esc(step.step_id)}" data-type="${esc(step.step_type)}">
			<title>${esc(step.step_id)}: ${esc(__(step.step_type))}${step.step_label ? " — " + esc(step.step_label) : ""}</title>
			<clipPath id="${clip}"><rect x="${box.x}" y="${box.y}" width="${BOX.width - 8}" height="${BOX.height}"/></clipPath>
			<rect x="${box.x}" y="${box.y}" width="${BOX.width}" height="${BOX.height}" rx="8"
				style="fill: var(--${colour}-50); stroke: var(--${colour}-500)"
				${reached ? "" : 'stroke-dasharray="5,4"'}/>
			<g clip-path="url(#${clip})">
				<text class="flow-kind" x="${box.x + 10}" y="${box.y + 18}">${esc(step.step_id)} · ${esc(__(step.step_type))}</text>
				<text class="flow-title" x="${box.x + 10}" y="${box.y + 38}">${esc(title)}</text>
				<text class="flow-counts" x="${box.x + 10}" y="${box.y + 60}">${count_line}</text>
			</g>
		</g>`;
	}

	// Draws the saved or edited steps into the form's Flow field.
	crm_marketing.journeys.draw_flow = (frm) => {
		const field = frm.fields_dict.flow_html;
		if (!field) return;
		const steps = (frm.doc.steps || [])
			.map((row) => ({ ...row, step_id: (row.step_id || "").trim(), next_step: (row.next_step || "").trim(), else_step: (row.else_step || "").trim() }))
			.filter((row) => row.step_id);
		if (!steps.length) {
			field.$wrapper.html(`<p class="text-muted small">${__("Add steps to see the journey drawn here.")}</p>`);
			return;
		}
		const plan = layout(steps);
		const counts = (frm.journey_counts && frm.journey_counts.steps) || {};
		const edges = [];
		const boxes = [];
		for (const step of steps) {
			const from = plan.position[step.step_id];
			const routes = routes_of(step);
			routes.forEach((route, i) => edges.push(draw_edge(from, step, route, i, routes.length, plan)));
			boxes.push(draw_box(step, from, counts[step.step_id] || {}, plan.reached.has(step.step_id)));
		}
		field.$wrapper.html(`
			<div class="journey-flow" style="overflow-x: auto">
				<style>
					.journey-flow .flow-edge { fill: none; stroke: var(--gray-500); stroke-width: 1.5; }
					.journey-flow .flow-end { fill: var(--gray-600); }
					.journey-flow .flow-route { font-size: 11px; font-weight: 600; fill: var(--text-muted); }
					.journey-flow .flow-missing { font-size: 11px; fill: var(--red-600); }
					.journey-flow .flow-kind { font-size: 11px; fill: var(--text-muted); }
					.journey-flow .flow-title { font-size: 13px; font-weight: 600; fill: var(--text-color); }
					.journey-flow .flow-counts { font-size: 11px; fill: var(--text-color); }
					.journey-flow .flow-count-failed { fill: var(--red-600); font-weight: 600; }
					.journey-flow .flow-count-waiting { fill: var(--orange-600); }
					.journey-flow .flow-sep { fill: var(--text-muted); }
				</style>
				<svg width="${plan.width}" height="${plan.height}" viewBox="0 0 ${plan.width} ${plan.height}"
					role="img" aria-label="${esc(__("Flow"))}">
					<defs>
						<marker id="flow-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
							<path d="M 0 0 L 10 5 L 0 10 z" style="fill: var(--gray-500)"/>
						</marker>
					</defs>
					${edges.join("")}
					${boxes.join("")}
				</svg>
			</div>`);
	};
})();
