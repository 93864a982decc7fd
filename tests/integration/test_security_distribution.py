"""Issue 13, medium: an unsubscribed person is never reached again, and distribution follows the
approval workflow, whose state alone sets `campaign_status`.

Distribution commits per chunk, so these tests build through `Scenario` and clean up after.
"""

import json
from unittest.mock import patch

import frappe
import pytest
from frappe.client import set_value
from frappe.model.workflow import apply_workflow
from frappe.utils import random_string

from crm_marketing_app.automation import runner
from crm_marketing_app.campaign_execution import distribution
from tests.integration.helpers import make_campaign, make_user


def reached(activity: str) -> set[str]:
	return set(
		frappe.get_all(
			"Campaign Response", {"campaign_activity": activity, "response_type": "Sent"}, pluck="respondent"
		)
	)


@pytest.mark.parametrize("channel", ["Phone Call", "Meeting"])
def test_unsubscribed_people_are_skipped_whatever_their_member_row_says(world, channel):
	own_flag = world.lead("Flagged", f"flagged-{world.tag}@example.com", "+380441111111")
	by_email = world.lead("Mailed", f"mailed-{world.tag}@example.com", "+380442222222")
	reachable = world.lead("Fine", f"fine-{world.tag}@example.com", "+380443333333")
	listed = world.target_list([(p, "Active") for p in (own_flag, by_email, reachable)])
	# after the list was built: rows stay Active (as a Marketing User's edit or an import leaves them)
	frappe.db.set_value("Lead", own_flag, "unsubscribed", 1)
	frappe.db.sql(
		"insert into `tabEmail Unsubscribe` (name, email, global_unsubscribe, creation, modified) "
		"values (%s, %s, 1, now(), now())",
		(frappe.generate_hash(length=10), f"mailed-{world.tag}@example.com"),
	)
	assert frappe.db.count("Target List Member", {"target_list": listed, "status": "Active"}) == 3
	marketer = world.user(["Marketing User"], "ce-unsub")
	activity = world.activity(world.campaign(), channel, [listed], responsible=marketer)

	frappe.set_user(marketer)
	frappe.get_doc("Campaign Activity", activity.name).distribute()
	frappe.set_user("Administrator")

	assert reached(activity.name) == {reachable}
	log = json.loads(frappe.db.get_value("Campaign Activity", activity.name, "distribution_log"))
	assert log["skipped"]["unsubscribed"] == 2
	artefacts = (
		frappe.get_all("ToDo", {"reference_name": ("in", [own_flag, by_email])})
		if channel == "Phone Call"
		else frappe.get_all("Event Participants", {"reference_docname": ("in", [own_flag, by_email])})
	)
	assert artefacts == []


def test_member_cannot_be_set_active_while_the_person_is_unsubscribed(world):
	lead = world.lead("Gone", f"gone-{world.tag}@example.com")
	listed = world.target_list([(lead, "Unsubscribed")])
	frappe.db.set_value("Lead", lead, "unsubscribed", 1)
	row = frappe.db.get_value("Target List Member", {"target_list": listed, "member": lead})
	frappe.set_user(world.user(["Marketing User"], "ce-reactivate"))
	with pytest.raises(frappe.ValidationError, match="has unsubscribed"):
		set_value("Target List Member", row, "status", "Active")
	assert frappe.db.get_value("Target List Member", row, "status") == "Unsubscribed"
	# an Email Unsubscribe of the address alone is enough
	frappe.set_user("Administrator")
	frappe.db.set_value("Lead", lead, "unsubscribed", 0)
	frappe.get_doc(
		{"doctype": "Email Unsubscribe", "email": f"gone-{world.tag}@example.com", "global_unsubscribe": 1}
	).insert(ignore_permissions=True)
	frappe.db.set_value("Target List Member", row, "status", "Unsubscribed")
	doc = frappe.get_doc("Target List Member", row)
	doc.status = "Active"
	with pytest.raises(frappe.ValidationError, match="has unsubscribed"):
		doc.save()
	# someone who never unsubscribed can be made Active again
	other = world.lead("Back", f"back-{world.tag}@example.com")
	listed = world.target_list([(other, "Excluded")])
	doc = frappe.get_doc("Target List Member", {"target_list": listed, "member": other})
	doc.status = "Active"
	doc.save()


def test_only_activities_of_approved_or_running_campaigns_distribute(world):
	lead = world.lead("Caller", f"caller-{world.tag}@example.com", "+380445555555")
	listed = world.target_list([(lead, "Active")])
	marketer = world.user(["Marketing User"], "ce-draft")
	draft = world.activity(world.campaign(state=None), "Phone Call", [listed], responsible=marketer)
	assert frappe.db.get_value("Campaign", draft.campaign, "campaign_status") == "Planned"

	frappe.set_user(marketer)
	with pytest.raises(frappe.ValidationError, match="approved or running"):
		frappe.get_doc("Campaign Activity", draft.name).distribute()
	with pytest.raises(frappe.ValidationError, match="approved or running"):
		distribution.distribute_activity(draft.name)  # the background job checks again
	frappe.set_user("Administrator")
	assert reached(draft.name) == set()
	assert frappe.db.count("ToDo", {"reference_name": lead}) == 0

	running = world.activity(world.campaign(state="Running"), "Phone Call", [listed], responsible=marketer)
	frappe.set_user(marketer)
	frappe.get_doc("Campaign Activity", running.name).distribute()
	assert reached(running.name) == {lead}

	# shops without approval switch the check off
	frappe.set_user("Administrator")
	frappe.db.set_single_value("CRM Marketing Settings", "allow_unapproved_distribution", 1)
	try:
		frappe.get_doc("Campaign Activity", draft.name).distribute()
	finally:  # distribution commits: so does putting the setting back
		frappe.db.set_single_value("CRM Marketing Settings", "allow_unapproved_distribution", 0)
		frappe.db.commit()
	assert reached(draft.name) == {lead}


def test_campaign_status_is_only_set_by_the_workflow():
	manager = make_user(["Marketing Manager", "Marketing User"], "status")
	frappe.set_user(manager)
	campaign = make_campaign()
	assert (campaign.workflow_state, campaign.campaign_status) == ("Draft", "Planned")
	with pytest.raises(frappe.ValidationError, match="follows the approval workflow"):
		set_value("Campaign", campaign.name, "campaign_status", "Running")
	doc = frappe.get_doc("Campaign", campaign.name)
	doc.campaign_status = "Approved"
	with pytest.raises(frappe.ValidationError, match="follows the approval workflow"):
		doc.save()
	with pytest.raises(frappe.ValidationError, match="follows the approval workflow"):
		make_campaign(campaign_status="Running")
	assert frappe.db.get_value("Campaign", campaign.name, ["workflow_state", "campaign_status"]) == (
		"Draft",
		"Planned",
	)
	# other edits keep working, and the workflow moves the status
	doc = frappe.get_doc("Campaign", campaign.name)
	doc.description = "Spring show"
	doc.save()
	doc = apply_workflow(frappe.get_doc("Campaign", campaign.name), "Submit for Approval")
	doc = apply_workflow(frappe.get_doc("Campaign", campaign.name), "Approve")
	assert (doc.workflow_state, doc.campaign_status) == ("Approved", "Approved")


def test_a_trigger_mails_nobody_who_unsubscribed():
	tag = random_string(8).lower()
	leads = {
		kind: frappe.get_doc(
			{
				"doctype": "Lead",
				"first_name": f"Hot {kind} {tag}",
				"email_id": f"hot-{kind}-{tag}@example.com",
			}
		)
		.insert()
		.name
		for kind in ("flagged", "mailed", "reachable")
	}
	for lead in leads.values():
		frappe.db.set_value("Lead", lead, "marketing_score", 999)
	frappe.db.set_value("Lead", leads["flagged"], "unsubscribed", 1)
	frappe.db.sql(
		"insert into `tabEmail Unsubscribe` (name, email, global_unsubscribe, creation, modified) "
		"values (%s, %s, 1, now(), now())",
		(frappe.generate_hash(length=10), f"hot-mailed-{tag}@example.com"),
	)
	template = frappe.get_doc(
		{"doctype": "Email Template", "name": f"Hot {tag}", "subject": "Hi", "response": "Hello"}
	).insert()
	trigger = frappe.get_doc(
		{
			"doctype": "Marketing Trigger",
			"trigger_name": f"Hot {tag}",
			"event": "Score Reached",
			"threshold": 998,
			"action": "Send Email",
			"email_template": template.name,
		}
	).insert()
	muted, frappe.flags.mute_emails = frappe.flags.mute_emails, True
	try:
		with patch.object(
			runner, "get_settings", return_value=frappe._dict(default_sender="marketing@example.com")
		):
			runner.run_trigger(trigger.name)
	finally:
		frappe.flags.mute_emails = muted
	mailed = {
		frappe.db.get_value("Email Queue", name, "reference_name")
		for name in frappe.get_all(
			"Email Queue", {"reference_name": ("in", list(leads.values()))}, pluck="name"
		)
	}
	assert mailed == {leads["reachable"]}
