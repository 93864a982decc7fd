"""Actual and reference counts of event funnels (Marketing Funnel / Event Funnel Stage).

A stage counts distinct people or documents of the campaign: respondents of its
response type, Leads (naming the campaign or made from its responses),
Opportunities (naming it or made from its responses), submitted or draft
Quotations (naming it or made from those opportunities), and Sales Orders
attributed to it. The reference funnel pools completed campaigns of the same
type.
"""

from collections import defaultdict
from collections.abc import Sequence

import frappe
from frappe.query_builder import Case
from frappe.query_builder.functions import Concat, Count, IfNull

from crm_marketing_app.engine import funnel

COMPLETED = "Completed"


def stage_counts(campaigns: Sequence[str], events: Sequence[str]) -> dict[str, dict[str, int]]:
	"""{campaign: {entry event: count}} for the campaigns, a few grouped queries in all."""
	counts: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
	if not campaigns:
		return counts
	cr = frappe.qb.DocType("Campaign Response")
	response_types = [e for e in events if e in funnel.RESPONSE_EVENTS]
	if response_types:
		rows = (
			frappe.qb.from_(cr)
			.select(
				cr.campaign,
				cr.response_type,
				Count(Concat(cr.respondent_doctype, ":", cr.respondent)).distinct(),
			)
			.where(cr.campaign.isin(campaigns) & cr.response_type.isin(response_types))
			.groupby(cr.campaign, cr.response_type)
			.run()
		)
		for campaign, response_type, count in rows:
			counts[campaign][response_type] = count
	for event, members in _document_members(campaigns).items():
		if event in events:
			for campaign, count in _count_distinct(members):
				counts[campaign][event] = count
	return counts


def _document_members(campaigns):
	"""Per document entry event, the (campaign, member) selects whose union are its members."""
	cr, lead = frappe.qb.DocType("Campaign Response"), frappe.qb.DocType("Lead")
	opp, quo = frappe.qb.DocType("Opportunity"), frappe.qb.DocType("Quotation")
	ca = frappe.qb.DocType("Campaign Attribution")

	def pairs(table, campaign, member):
		return frappe.qb.from_(table).select(campaign.as_("campaign"), member.as_("member"))

	of_responses = cr.campaign.isin(campaigns)
	return {
		"Lead": [
			pairs(lead, lead.campaign_name, lead.name).where(lead.campaign_name.isin(campaigns)),
			pairs(cr, cr.campaign, cr.lead).where(of_responses & (IfNull(cr.lead, "") != "")),
		],
		"Opportunity": [
			pairs(opp, opp.campaign, opp.name).where(opp.campaign.isin(campaigns)),
			pairs(cr, cr.campaign, cr.opportunity).where(of_responses & (IfNull(cr.opportunity, "") != "")),
		],
		"Quotation": [
			pairs(quo, quo.campaign, quo.name).where(quo.campaign.isin(campaigns) & (quo.docstatus < 2)),
			pairs(quo, cr.campaign, quo.name)
			.join(cr)
			.on(cr.opportunity == quo.opportunity)
			.where(of_responses & (quo.docstatus < 2)),
		],
		"Sales Order": [
			pairs(ca, ca.campaign, ca.reference_name).where(
				ca.campaign.isin(campaigns) & (ca.reference_doctype == "Sales Order")
			),
		],
	}


def _count_distinct(selects):
	"""(campaign, distinct members) over the UNION of (campaign, member) selects."""
	union = selects[0]
	for select in selects[1:]:
		union = union.union(select)  # UNION (not ALL) drops a member reached twice
	members = union.as_("members")
	return frappe.qb.from_(members).select(members.campaign, Count("*")).groupby(members.campaign).run()


def past_campaigns(campaign_type: str | None, exclude: str | None = None) -> list[str]:
	"""Completed campaigns of the type: the base of the reference funnel."""
	if not campaign_type:
		return []
	c = frappe.qb.DocType("Campaign")
	query = (
		frappe.qb.from_(c)
		.select(c.name)
		.where((c.campaign_type == campaign_type) & (c.campaign_status == COMPLETED))
	)
	if exclude:
		query = query.where(c.name != exclude)
	return query.run(pluck=True)


def reference_conversions(
	events: Sequence[str], campaign_type: str | None, exclude: str | None = None, minimum: int = 1
) -> tuple[list, int]:
	"""(reference conversions, how many past campaigns there were to pool); none below `minimum`."""
	past = past_campaigns(campaign_type, exclude)
	counts = stage_counts(past, events)
	past_counts = [[counts[name][event] for event in events] for name in past]
	return funnel.reference_conversions(past_counts, minimum), len(past)


def funnel_stages(campaign: str, funnel_name: str | None = None) -> tuple[list[dict], dict]:
	"""Per stage of the campaign's funnel: actual, conversion, planned and reference conversion and
	counts; and the reference's base {"past_campaigns", "minimum"}."""
	campaign_type, campaign_funnel = frappe.db.get_value("Campaign", campaign, ("campaign_type", "funnel"))
	funnel_doc = frappe.get_cached_doc("Marketing Funnel", funnel_name or campaign_funnel)
	events = [stage.entry_event for stage in funnel_doc.stages]
	counts = stage_counts([campaign], events)[campaign]
	actual = [counts[event] for event in events]
	conversions = funnel.conversions(actual)
	planned = [stage.planned_conversion if i else None for i, stage in enumerate(funnel_doc.stages)]
	minimum = reference_minimum(funnel_doc)
	reference, past = reference_conversions(
		events, funnel_doc.campaign_type or campaign_type, exclude=campaign, minimum=minimum
	)
	planned_counts = funnel.planned_counts(actual[0] if actual else 0, planned)
	tolerance = funnel_doc.tolerance or 0
	rows = []
	for i, stage in enumerate(funnel_doc.stages):
		to_plan = funnel.deviation(conversions[i], planned[i])
		to_reference = funnel.deviation(conversions[i], reference[i] if reference else None)
		rows.append(
			{
				"stage": stage.stage_name,
				"entry_event": stage.entry_event,
				"kpi": stage.kpi,
				"actual": actual[i],
				"planned_count": planned_counts[i],
				"conversion": conversions[i],
				"planned_conversion": planned[i],
				"reference_conversion": reference[i] if reference else None,
				"deviation_from_plan": to_plan,
				"deviation_from_reference": to_reference,
				"flagged": int(
					funnel.is_flagged(to_plan, tolerance) or funnel.is_flagged(to_reference, tolerance)
				),
			}
		)
	return rows, {"past_campaigns": past, "minimum": minimum}


def reference_minimum(funnel_doc) -> int:
	"""The funnel's Minimum Reference Campaigns; unset (a funnel saved before the field) means 3."""
	value = funnel_doc.get("min_reference_campaigns")
	return 3 if value is None else value


def update_reference_funnels() -> None:
	"""Stores each funnel's reference conversions (daily): completed campaigns of its type pooled."""
	stage = frappe.qb.DocType("Event Funnel Stage")
	for name in frappe.get_all("Marketing Funnel", filters={"campaign_type": ("is", "set")}, pluck="name"):
		doc = frappe.get_doc("Marketing Funnel", name)
		reference, _past = reference_conversions(
			[s.entry_event for s in doc.stages], doc.campaign_type, minimum=reference_minimum(doc)
		)
		if not doc.stages:
			continue
		stored = Case()
		for row, value in zip(doc.stages, reference or [None] * len(doc.stages), strict=True):
			# the column cannot hold "unknown": the first stage and untried ones read 0
			stored = stored.when(stage.name == row.name, value or 0)
		names = [row.name for row in doc.stages]
		frappe.qb.update(stage).set(stage.reference_conversion, stored).where(stage.name.isin(names)).run()
	frappe.clear_document_cache("Marketing Funnel")
