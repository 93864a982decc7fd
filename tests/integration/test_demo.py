"""The demo data set: loads with the story's figures, loads again without duplicates, clears completely,
and a clear and load leaves no repeated timeline entries.

The loader commits, so every test clears in `finally`.
"""

import frappe
import pytest
from frappe.desk.query_report import run
from frappe.utils import get_first_day, getdate, now_datetime, today

from crm_marketing_app import demo
from crm_marketing_app.bulk import insert_rows
from crm_marketing_app.crm_marketing_app.dashboard_chart_source.marketing_spend_vs_revenue import (
	marketing_spend_vs_revenue as spend_chart,
)


def demo_counts() -> dict[str, int]:
	campaigns = [demo.CAMPAIGN, demo.PAST_CAMPAIGN]
	lead_emails = [demo.lead_email(lead) for lead in demo.LEADS]
	return {
		"campaigns": frappe.db.count("Campaign", {"name": ("in", campaigns)}),
		"customers": frappe.db.count("Customer", {"name": ("in", list(demo.CUSTOMERS))}),
		"leads": frappe.db.count("Lead", {"email_id": ("in", lead_emails)}),
		"visitor_leads": frappe.db.count(
			"Lead",
			{"email_id": ("in", [demo.lead_email(v) for v in demo.VISITORS]), "campaign_name": demo.CAMPAIGN},
		),
		"orders": frappe.db.count("Sales Order", {"po_no": ("like", demo.ORDER_KEY + "%")}),
		"attributions": frappe.db.count("Campaign Attribution", {"campaign": ("in", campaigns)}),
		"responses": frappe.db.count("Campaign Response", {"campaign": ("in", campaigns)}),
		"activities": frappe.db.count("Campaign Activity", {"campaign": ("in", campaigns)}),
		"members": frappe.db.count("Target List Member", {"target_list": ("in", list(demo.LISTS))}),
		"todos": frappe.db.count("ToDo", {"allocated_to": ("in", list(demo.USERS))}),
		"opportunities": frappe.db.count("Opportunity", {"campaign": ("in", campaigns)}),
		"evaluations": frappe.db.count(
			"Marketing Supplier Evaluation", {"parent": ("in", list(demo.SUPPLIERS))}
		),
		"trigger_logs": frappe.db.count("Marketing Trigger Log", {"marketing_trigger": demo.TRIGGER}),
		"journeys": frappe.db.count("Marketing Journey", {"name": ("in", list(demo.JOURNEYS))}),
		"rules": frappe.db.count(
			"Lead Score Rule", {"name": ("in", [r["rule_name"] for r in demo.seed_rules("")])}
		),
	}


# What the demo creates, deletes, or writes a timeline entry on.
TIMELINE_DOCTYPES = (
	"Campaign",
	"Campaign Activity",
	"Campaign Response",
	"Campaign Attribution",
	"Target List",
	"Target List Member",
	"Lead",
	"Customer",
	"Contact",
	"Address",
	"Item",
	"Sales Order",
	"Opportunity",
	"Marketing Supplier",
	"Marketing Trigger",
	"Marketing Trigger Log",
	"Lead Score Rule",
	"Marketing Funnel",
	"Email Template",
	"ToDo",
	"User",
)


def timeline_rows() -> dict[tuple[str, str], list[tuple]]:
	"""{(doctype, natural key): sorted [(Version or Comment, comment type, content)]} of the demo's
	records, keyed so that a record created again by a second load has the same key (a Lead by its
	email; the other records by their fixed names)."""
	names = {
		"Campaign": {n: n for n in (demo.CAMPAIGN, demo.PAST_CAMPAIGN)},
		"Customer": {n: n for n in demo.CUSTOMERS},
		"Item": {n: n for n in demo.ITEMS},
		"Target List": {n: n for n in demo.LISTS},
		"Marketing Supplier": {n: n for n in demo.SUPPLIERS},
		"Marketing Trigger": {demo.TRIGGER: demo.TRIGGER},
		"Marketing Funnel": {demo.FUNNEL: demo.FUNNEL},
		"Lead": dict(
			frappe.get_all(
				"Lead",
				filters={"email_id": ("in", [demo.lead_email(p) for p in (*demo.LEADS, *demo.VISITORS)])},
				fields=["name", "email_id"],
				as_list=True,
			)
		),
	}
	rows: dict[tuple[str, str], list[tuple]] = {}
	for doctype, keys in names.items():
		if not keys:
			continue
		for version in frappe.get_all(
			"Version", filters={"ref_doctype": doctype, "docname": ("in", list(keys))}, fields=["docname"]
		):
			rows.setdefault((doctype, keys[version.docname]), []).append(("Version",))
		for comment in frappe.get_all(
			"Comment",
			filters={"reference_doctype": doctype, "reference_name": ("in", list(keys))},
			fields=["reference_name", "comment_type", "content"],
		):
			key = (doctype, keys[comment.reference_name])
			rows.setdefault(key, []).append(("Comment", comment.comment_type, comment.content))
	return {key: sorted(entries) for key, entries in rows.items()}


def orphans() -> set[tuple[str, str]]:
	"""(Version or Comment, name) of timeline rows whose record no longer exists (Frappe's "Deleted"
	feed entries name no record: they are the site's activity feed, not a timeline)."""
	out = set()
	for doctype in TIMELINE_DOCTYPES:
		for table, ref_doctype, ref_name in (
			("Version", "ref_doctype", "docname"),
			("Comment", "reference_doctype", "reference_name"),
		):
			names = frappe.db.sql(
				f"""select t.name from `tab{table}` t left join `tab{doctype}` d on d.name = t.{ref_name}
				where t.{ref_doctype} = %s and t.{ref_name} is not null and d.name is null""",
				doctype,
			)
			out.update((table, name) for (name,) in names)
	return out


def milestones() -> dict[str, tuple]:
	"""{milestone: (completed, completed on, due date, its ToDo's status)} of the exhibition's activities."""
	rows = frappe.get_all(
		"Campaign Activity Milestone",
		filters={
			"parenttype": "Campaign Activity",
			"parent": ("in", frappe.get_all("Campaign Activity", {"campaign": demo.CAMPAIGN}, pluck="name")),
		},
		fields=["milestone", "completed", "completed_on", "due_date", "todo"],
	)
	return {
		r.milestone: (r.completed, r.completed_on, r.due_date, frappe.db.get_value("ToDo", r.todo, "status"))
		for r in rows
	}


@pytest.fixture
def loaded():
	if frappe.db.exists("Campaign", demo.CAMPAIGN):
		pytest.fail(f"{demo.CAMPAIGN} exists already: the site has the demo loaded; run demo.clear first")
	try:
		yield demo.load()
	finally:
		demo.clear()


def test_demo_tells_the_exhibition_story(loaded):
	campaign = loaded["campaign"]
	assert campaign.campaign_status == "Running"
	assert campaign.budget == 45000
	assert campaign.actual_cost == 23600  # the five activities' actual costs
	assert campaign.attributed_revenue == 117700  # 8 x 4800 + 3 x 9500 + 6 x 4800 + 22000
	assert campaign.orders_count == 4
	# The three visitors registered at the stand through the web form are the campaign's new leads.
	assert campaign.leads_generated == 3
	assert loaded["lists"] == {demo.KEY_STAFF: 5, demo.OUTDATED: 4, demo.PROSPECTS: 6}
	assert loaded["responses"] == {"Sent": 21, "Registered": 10, "Attended": 7}
	assert loaded["hot_leads"] == 2
	assert frappe.db.get_value("Campaign", demo.PAST_CAMPAIGN, "campaign_status") == "Completed"

	# The phone-call activity was distributed: one ToDo per prospect, for the prospects' owner.
	calls = frappe.db.get_value("Campaign Activity", {"campaign": demo.CAMPAIGN, "channel": "Phone Call"})
	assert frappe.db.get_value("Campaign Activity", calls, "distributed_count") == 6
	# The renewal trigger fired once, for the order placed three years ago.
	assert frappe.get_all(
		"Marketing Trigger Log", filters={"marketing_trigger": demo.TRIGGER}, pluck="status"
	) == ["Done"]
	# The suppliers were evaluated on every criterion.
	assert frappe.db.get_value("Marketing Supplier", "ExpoStand Builders", "weighted_score") > 0

	roi = {
		r["campaign"]: r
		for r in run("Campaign ROI", filters={})["result"]
		if isinstance(r, dict) and r.get("campaign")
	}
	assert roi[demo.CAMPAIGN]["attributed_revenue"] == 117700
	assert roi[demo.CAMPAIGN]["leads"] == 3
	assert roi[demo.CAMPAIGN]["cost_per_lead"] == pytest.approx(23600 / 3, abs=0.01)
	assert roi[demo.CAMPAIGN]["past_campaigns"] >= 1
	funnel = {
		r["stage"]: r["actual"] for r in run("Campaign Funnel", filters={"campaign": demo.CAMPAIGN})["result"]
	}
	assert funnel == {"Invitation": 13, "Registration": 10, "Attendance": 7, "Opportunity": 4, "Order": 4}

	# The workspace chart: this month's bar is the revenue attributed this month (the demo's orders are recent).
	chart = spend_chart.get(chart_name="Marketing Spend vs Revenue", no_cache=True)
	this_month = frappe.db.sql(
		"select sum(amount) from `tabCampaign Attribution` where posting_date >= %s", get_first_day(today())
	)[0][0]
	assert len(chart["labels"]) == 12
	assert chart["datasets"][1]["values"][-1] == float(this_month) > 0


def test_demo_loads_twice_without_duplicates_and_clears_completely(loaded):
	orphans_before = orphans()  # (the fixture loaded the demo; what other work left is not ours)
	first = demo_counts()
	assert all(first.values()), first
	timeline = timeline_rows()
	assert timeline
	for entries in timeline.values():  # no entry twice on one record
		comments = [e for e in entries if e[0] == "Comment"]
		assert len(comments) == len(set(comments)), comments
	demo.load()
	assert demo_counts() == first
	demo.clear()
	assert not any(demo_counts().values()), demo_counts()
	assert not frappe.db.exists("Custom Field", "Customer-upsell_potential")
	assert not frappe.db.exists("User", demo.MANAGER)
	# clear takes the timelines of what it deletes with it ...
	assert timeline_rows() == {}
	assert orphans() - orphans_before == set()
	# ... so a clear and load shows each record's timeline once, as the first load did
	demo.load()
	assert timeline_rows() == timeline


def test_milestones_are_done_only_where_the_story_says_they_happened(loaded):
	states = milestones()
	done = {name for name, (completed, *_rest) in states.items() if completed}
	assert states and done and done != set(states)  # some done, not all
	for name, (completed, completed_on, due, todo_status) in states.items():
		if completed:  # done in the past, on the day it was due; its ToDo closed
			assert (completed_on, todo_status) == (due, "Closed"), name
			assert getdate(due) <= getdate(today()), name
		else:
			assert (completed_on, todo_status) == (None, "Open"), name
	# the follow-up calls are still going on: their report is due after today
	assert states["Call results reported"][0] == 0
	assert getdate(states["Call results reported"][2]) > getdate(today())


def route_map(journey) -> dict[str, tuple]:
	"""{step_id: (type, next step, else step)}, in step order."""
	return {s.step_id: (s.step_type, s.next_step or "", s.else_step or "") for s in journey.steps}


def test_demo_journeys_are_the_source_materials_five_flows(loaded):
	journeys = {name: frappe.get_doc("Marketing Journey", name) for name in demo.JOURNEYS}
	assert len(journeys) == 5
	for journey in journeys.values():
		assert journey.status == "Active"
		journey.run_method("validate")  # still valid as saved

	invitation = journeys[demo.INVITATION]
	assert (invitation.entry_type, invitation.entry_target_list, invitation.campaign) == (
		"Target List",
		demo.KEY_STAFF,
		demo.CAMPAIGN,
	)
	assert route_map(invitation) == {
		"INVITE": ("Send Email", "ACCEPTED", ""),
		"ACCEPTED": ("Branch", "MEETING", "DECLINED"),
		"MEETING": ("Create Event", "", ""),
		"DECLINED": ("Branch", "EXIT", ""),
		"EXIT": ("Exit", "", ""),
	}
	accepted, declined = invitation.steps[1], invitation.steps[3]
	assert (accepted.condition_type, accepted.response_type, accepted.within_days) == (
		"Response",
		"Accepted",
		14,
	)
	assert (declined.condition_type, declined.response_type) == ("Response", "Declined")
	assert invitation.steps[0].email_template == "Expo 2026 invitation"

	white_paper = journeys[demo.WHITE_PAPER]
	assert white_paper.entry_target_list == demo.PROSPECTS
	assert route_map(white_paper) == {
		"SEND": ("Send Email", "DOWNLOADED", ""),
		"DOWNLOADED": ("Branch", "", "RESEND"),
		"RESEND": ("Send Email", "", ""),
	}
	downloaded = white_paper.steps[1]
	assert (downloaded.response_type, downloaded.within_days) == ("Downloaded", 7)
	assert white_paper.steps[0].email_template == white_paper.steps[2].email_template
	assert frappe.db.exists("Email Template", white_paper.steps[0].email_template)

	webinar = journeys[demo.WEBINAR]
	assert (webinar.entry_type, webinar.event, webinar.response_type) == (
		"Event",
		"Response Received",
		"Registered",
	)
	assert route_map(webinar) == {
		"ATTENDED": ("Branch", "", "WAIT"),
		"WAIT": ("Wait", "CALL", ""),
		"CALL": ("Create ToDo", "", ""),
	}
	attended, wait, call = webinar.steps
	assert (attended.response_type, attended.within_days, wait.wait_days) == ("Attended", 1, 60)
	# the call is the account manager's: the demo's customers' account manager and leads' owner
	assert (
		call.assign_to
		== demo.REP
		== frappe.db.get_value("Customer", "Arctic Foods Market", "account_manager")
	)

	first_order = journeys[demo.FIRST_ORDER]
	assert (first_order.event, first_order.first_order_only, first_order.offset_days) == ("After Order", 1, 3)
	assert route_map(first_order) == {"THANKS": ("Send Email", "CALL", ""), "CALL": ("Create ToDo", "", "")}

	renewal = journeys[demo.RENEWAL]
	assert (renewal.event, renewal.item, renewal.offset_months, renewal.offset_days, renewal.reentry) == (
		"After Order",
		demo.LICENCE,
		11,
		2,
		"Per Source Document",
	)
	assert route_map(renewal) == {"REMIND": ("Send Email", "OFFER", ""), "OFFER": ("Create ToDo", "", "")}
	assert frappe.db.exists("Item", demo.LICENCE)

	# What a run made for someone goes with the demo: the stand meeting of an enrolment that accepted.
	meeting = frappe.get_doc(
		{"doctype": "Event", "subject": "Stand meeting", "starts_on": now_datetime(), "event_type": "Private"}
	).insert()
	(enrolment,) = insert_rows(
		"Journey Enrolment",
		[{"journey": demo.INVITATION, "member_doctype": "Customer", "member": "Arctic Foods Market",
		  "status": "Completed", "current_step": "MEETING", "entry_key": frappe.generate_hash()}],
	)  # fmt: skip
	insert_rows(
		"Journey Step Log",
		[{"enrolment": enrolment, "journey": demo.INVITATION, "step_id": "MEETING", "outcome": "Done",
		  "artefact_doctype": "Event", "artefact_name": meeting.name}],
	)  # fmt: skip
	demo.clear()
	assert not frappe.db.exists("Event", meeting.name)
	assert not frappe.db.exists("Journey Enrolment", enrolment)
	assert not frappe.db.exists("Journey Step Log", {"enrolment": enrolment})
	assert not frappe.db.exists("Marketing Journey", {"name": ("in", list(demo.JOURNEYS))})
	assert not frappe.db.exists("Email Template", "Monitoring licence renewal")
