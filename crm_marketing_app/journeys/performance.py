"""The figures of a journey's people, set-based: per step its log outcomes and who stands on it,
per Split the variants' conversions, per status the enrolments. Each takes `filters` with the
`journey` and optionally `from_date` / `to_date` on `entered_on` (the people who entered then).
The Journey Performance report reads them."""

import frappe
from frappe import _
from frappe.query_builder import Case
from frappe.query_builder.functions import Count, Sum
from frappe.utils import add_days, getdate

from crm_marketing_app.engine import stats
from crm_marketing_app.engine.plan import ratio_percent
from crm_marketing_app.journeys.checks import OPEN_STATUSES
from crm_marketing_app.journeys.enrolments import ENROLMENT, LOG

OUTCOMES = ("Done", "Yes", "No", "Skipped", "Failed")
VARIANTS = ("A", "B")


def cohort(filters):
	"""The enrolment table and the condition naming the report's enrolments."""
	e = frappe.qb.DocType(ENROLMENT)
	where = e.journey == filters.journey
	if filters.from_date:
		where &= e.entered_on >= getdate(filters.from_date)
	if filters.to_date:
		where &= e.entered_on < add_days(getdate(filters.to_date), 1)
	return e, where


def logged(filters):
	"""The step log of the report's enrolments: (query, log table, enrolment table)."""
	e, where = cohort(filters)
	log = frappe.qb.DocType(LOG)
	query = (
		frappe.qb.from_(log)
		.join(e)
		.on(e.name == log.enrolment)
		.where(where & (log.journey == filters.journey))
	)
	return query, log, e


def per_step(rows, step: str, kind: str, count: str) -> dict[str, dict[str, int]]:
	"""{row[step]: {row[kind]: row[count]}} of grouped rows."""
	counts: dict[str, dict[str, int]] = {}
	for row in rows:
		counts.setdefault(row[step], {})[row[kind]] = row[count]
	return counts


def outcomes(filters) -> dict[str, dict[str, int]]:
	"""{step_id: {outcome: visits}} from the step log (joined with the enrolments only for a period:
	the journey's whole log is read from its (journey, step_id, outcome) index alone)."""
	if filters.from_date or filters.to_date:
		query, log, _e = logged(filters)
	else:
		log = frappe.qb.DocType(LOG)
		query = frappe.qb.from_(log).where(log.journey == filters.journey)
	found = (
		query.select(log.step_id, log.outcome, Count("*").as_("visits"))
		.where(log.outcome.isin(OUTCOMES))
		.groupby(log.step_id, log.outcome)
		.run(as_dict=True)
	)
	return per_step(found, "step_id", "outcome", "visits")


def standing(filters) -> dict[str, dict[str, int]]:
	"""{step_id: {status: enrolments}} of the enrolments on a step that has no outcome for their pass."""
	e, where = cohort(filters)
	log = frappe.qb.DocType(LOG)
	found = (
		frappe.qb.from_(e)
		.left_join(log)
		.on(
			(log.enrolment == e.name)
			& (log.step_id == e.current_step)
			& (log.pass_no == e.pass_no)
			& log.outcome.isin(OUTCOMES)
		)
		.select(e.current_step, e.status, Count("*").as_("people"))
		.where(where & (e.current_step != "") & log.name.isnull())
		.groupby(e.current_step, e.status)
		.run(as_dict=True)
	)
	return per_step(found, "current_step", "status", "people")


def variants(filters, split_steps: list[str]) -> dict[tuple[str, str], dict]:
	"""{(split step, variant): {enrolments, converted}} of the enrolments each Split sent its ways.

	Only a Split sets the variant: with one Split the enrolments alone tell; with several, the log
	of each Split says whom it sent (the variant then is the later Split's)."""
	if not split_steps:
		return {}
	if len(split_steps) == 1:
		e, where = cohort(filters)
		converted = Sum(Case().when(e.status == "Converted", 1).else_(0))
		found = (
			frappe.qb.from_(e)
			.select(e.variant, Count("*").as_("enrolments"), converted.as_("converted"))
			.where(where & e.variant.isin(VARIANTS))
			.groupby(e.variant)
			.run(as_dict=True)
		)
		return {(split_steps[0], row.variant): row for row in found}
	query, log, e = logged(filters)
	found = (
		query.select(
			log.step_id,
			e.variant,
			Count(e.name).distinct().as_("enrolments"),
			Count(Case().when(e.status == "Converted", e.name)).distinct().as_("converted"),
		)
		.where(log.step_id.isin(split_steps) & (log.outcome == "Done") & e.variant.isin(VARIANTS))
		.groupby(log.step_id, e.variant)
		.run(as_dict=True)
	)
	return {(row.step_id, row.variant): row for row in found}


def statuses(filters) -> dict[str, int]:
	"""{status: enrolments} of the report's enrolments."""
	e, where = cohort(filters)
	found = frappe.qb.from_(e).select(e.status, Count("*").as_("people")).where(where).groupby(e.status)
	return {row.status: row.people for row in found.run(as_dict=True)}


def step_rows(journey, filters) -> list[dict]:
	logged, stood = outcomes(filters), standing(filters)
	splits = variants(filters, [s.step_id for s in journey.steps if s.step_type == "Split"])
	rows = []
	for step in journey.steps:
		counts, here = logged.get(step.step_id, {}), stood.get(step.step_id, {})
		rows.append(
			{
				"step": step.step_id,
				"step_label": step.step_label or step.step_id,
				"step_type": _(step.step_type),
				"entered": sum(counts.values()) + sum(here.values()),
				**{outcome.lower(): counts.get(outcome, 0) for outcome in OUTCOMES},
				"waiting": sum(here.get(status, 0) for status in OPEN_STATUSES),
				"goal_here": here.get("Converted", 0),
			}
		)
		if step.step_type == "Split":
			rows += variant_rows(step.step_id, splits)
	return rows


def variant_rows(step_id: str, splits: dict) -> list[dict]:
	"""The two variants of a Split, each with the z-test of A against B and its verdict."""
	got = {v: splits.get((step_id, v)) or {"enrolments": 0, "converted": 0} for v in VARIANTS}
	z, p_value = stats.two_proportion_test(
		got["A"]["converted"], got["A"]["enrolments"], got["B"]["converted"], got["B"]["enrolments"]
	)
	winner = ("A" if z > 0 else "B") if stats.significant(p_value) else ""
	verdict = _("Winner at 95 %: {0}").format(winner) if winner else _("Not significant yet")
	return [
		{
			"step": step_id,
			"step_label": _("Variant {0}").format(variant),
			"variant": variant,
			"entered": got[variant]["enrolments"],
			"converted": got[variant]["converted"],
			"conversion_rate": ratio_percent(got[variant]["converted"], got[variant]["enrolments"]),
			"z_score": round(z, 3),
			"p_value": round(p_value, 4),
			"verdict": verdict,
			"winner": winner,
		}
		for variant in VARIANTS
	]
