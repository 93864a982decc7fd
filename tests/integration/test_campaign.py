import frappe
import pytest
from frappe.model.workflow import apply_workflow

from tests.integration.helpers import make_campaign, make_user


def test_end_before_start_is_refused_naming_both_dates():
	with pytest.raises(frappe.ValidationError) as err:
		make_campaign(start_date="2026-05-10", end_date="2026-05-01")
	assert "2026-05-01" in str(err.value) and "2026-05-10" in str(err.value)


def test_refused_campaign_is_not_saved():
	name = f"Refused {frappe.generate_hash(length=6)}"
	with pytest.raises(frappe.ValidationError):
		make_campaign(campaign_name=name, start_date="2026-05-10", end_date="2026-05-01")
	assert not frappe.db.exists("Campaign", name)


def test_negative_budget_is_refused():
	with pytest.raises(frappe.ValidationError):
		make_campaign(budget=-1)


def test_duplicate_promo_code_is_refused():
	code = f"EXPO{frappe.generate_hash(length=5)}"
	first = make_campaign(promo_code=code)
	with pytest.raises(frappe.ValidationError) as err:
		make_campaign(promo_code=f"  {code} ")
	assert first.name in str(err.value)


def test_parent_cycle_is_refused():
	a = make_campaign()
	b = make_campaign(parent_campaign=a.name)
	c = make_campaign(parent_campaign=b.name)
	a.parent_campaign = c.name
	with pytest.raises(frappe.ValidationError) as err:
		a.save()
	assert a.name in str(err.value)
	assert frappe.db.get_value("Campaign", a.name, "parent_campaign") is None


def test_self_parent_is_refused():
	a = make_campaign()
	a.parent_campaign = a.name
	with pytest.raises(frappe.ValidationError):
		a.save()


def test_validation_message_in_users_language():
	frappe.local.lang = "uk"
	with pytest.raises(frappe.ValidationError) as err:
		make_campaign(start_date="2026-05-10", end_date="2026-05-01")
	assert "Дата завершення" in str(err.value)


def test_workflow_moves_status_and_only_manager_approves():
	marketer = make_user(["Marketing User"])
	manager = make_user(["Marketing Manager", "Marketing User"])
	frappe.set_user(marketer)
	campaign = make_campaign(budget=1000)
	assert campaign.workflow_state == "Draft"
	assert campaign.campaign_status == "Planned"

	campaign = apply_workflow(campaign, "Submit for Approval")
	assert (campaign.workflow_state, campaign.campaign_status) == ("Pending Approval", "Pending Approval")
	assert open_actions(campaign.name) == [("Pending Approval", {"Marketing Manager"})]
	with pytest.raises(frappe.ValidationError):
		apply_workflow(frappe.get_doc("Campaign", campaign.name), "Approve")
	assert frappe.db.get_value("Campaign", campaign.name, "workflow_state") == "Pending Approval"

	frappe.set_user(manager)
	campaign = apply_workflow(frappe.get_doc("Campaign", campaign.name), "Approve")
	assert (campaign.workflow_state, campaign.campaign_status) == ("Approved", "Approved")

	frappe.set_user(marketer)
	campaign = apply_workflow(frappe.get_doc("Campaign", campaign.name), "Start")
	campaign = apply_workflow(frappe.get_doc("Campaign", campaign.name), "Complete")
	assert frappe.db.get_value("Campaign", campaign.name, ["workflow_state", "campaign_status"]) == (
		"Completed",
		"Completed",
	)
	assert open_actions(campaign.name) == []  # nothing waits on anyone once approved


def open_actions(campaign: str) -> list:
	"""(state, roles) of the campaign's Open Workflow Actions: what the Workflow Action list shows."""
	actions = frappe.get_all(
		"Workflow Action",
		filters={"reference_doctype": "Campaign", "reference_name": campaign, "status": "Open"},
		fields=["name", "workflow_state"],
	)
	return [
		(
			a.workflow_state,
			set(frappe.get_all("Workflow Action Permitted Role", filters={"parent": a.name}, pluck="role")),
		)
		for a in actions
	]


def test_manager_edits_draft_and_running_campaigns_states_have_styles():
	"""The form is editable to a role the state's "Only Allow Edit For" rows name; every state is styled."""
	states = frappe.get_all(
		"Workflow Document State", filters={"parent": "Campaign Approval"}, fields=["state", "allow_edit"]
	)
	editors = {}
	for row in states:
		editors.setdefault(row.state, set()).add(row.allow_edit)
	assert editors["Draft"] == editors["Running"] == {"Marketing Manager", "Marketing User"}
	assert all("Marketing Manager" in roles for roles in editors.values())
	assert all(frappe.db.get_value("Workflow State", state, "style") for state in editors)
	assert not frappe.db.get_value("Workflow", "Campaign Approval", "override_status")  # list shows the state


def test_rejection_cancels_campaign():
	manager = make_user(["Marketing Manager", "Marketing User"])
	frappe.set_user(manager)
	campaign = apply_workflow(make_campaign(), "Submit for Approval")
	campaign = apply_workflow(campaign, "Reject")
	assert (campaign.workflow_state, campaign.campaign_status) == ("Rejected", "Cancelled")


def test_sales_user_cannot_edit_budget():
	campaign = make_campaign(budget=500)
	frappe.set_user(make_user(["Sales User"]))
	doc = frappe.get_doc("Campaign", campaign.name)
	assert doc.has_permission("read")
	doc.budget = 1
	with pytest.raises(frappe.PermissionError):
		doc.save()
	frappe.set_user("Administrator")
	assert frappe.db.get_value("Campaign", campaign.name, "budget") == 500


def test_accounts_user_reads_campaign_but_cannot_write():
	campaign = make_campaign()
	frappe.set_user(make_user(["Accounts User"]))
	assert frappe.has_permission("Campaign", "read", campaign.name)
	assert not frappe.has_permission("Campaign", "write", campaign.name)


def test_user_without_marketing_roles_sees_no_marketing_data():
	frappe.set_user(make_user(["Stock User"]))
	for doctype in ("Campaign", "Marketing Funnel", "CRM Marketing Settings"):
		assert not frappe.has_permission(doctype, "read"), doctype


def test_settings_defaults_and_threshold_order():
	settings = frappe.get_single("CRM Marketing Settings")
	assert (settings.hot_threshold, settings.warm_threshold) == (50, 20)
	assert (settings.attribution_model, settings.attribution_window_days) == ("Last Touch", 90)
	settings.warm_threshold = 60
	with pytest.raises(frappe.ValidationError):
		settings.save()
