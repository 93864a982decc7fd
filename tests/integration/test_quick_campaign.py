"""Quick campaign: a list-view selection becomes a campaign, a static list of it and a first activity."""

import frappe
import pytest
from frappe.utils import random_string

from crm_marketing_app.campaign_execution.quick_campaign import create_quick_campaign
from tests.integration.helpers import make_customer, make_user


def leads(n: int) -> list[str]:
	return [
		frappe.get_doc({"doctype": "Lead", "first_name": f"Quick {random_string(5)}", "lead_name": "Q"})
		.insert()
		.name
		for _ in range(n)
	]


def test_selected_leads_become_campaign_list_and_activity():
	frappe.set_user(make_user(["Marketing User"], "quick"))
	selected = leads(3)
	name = f"Quick {random_string(6)}"
	made = create_quick_campaign(
		"Lead", frappe.as_json(selected), name, "Phone Call", "2026-03-02", "Webinar"
	)
	campaign = frappe.get_doc("Campaign", made["campaign"])
	assert (campaign.campaign_name, campaign.campaign_type, campaign.workflow_state) == (
		name,
		"Webinar",
		"Draft",
	)
	assert str(campaign.start_date) == "2026-03-02"
	target_list = frappe.get_doc("Target List", made["target_list"])
	assert (target_list.list_name, target_list.list_type, target_list.member_doctype) == (
		name,
		"Static",
		"Lead",
	)
	members = frappe.get_all("Target List Member", filters={"target_list": target_list.name}, pluck="member")
	assert sorted(members) == sorted(selected) and made["member_count"] == 3
	activity = frappe.get_doc("Campaign Activity", made["campaign_activity"])
	assert (activity.campaign, activity.channel, activity.subject) == (campaign.name, "Phone Call", name)
	assert [row.target_list for row in activity.target_lists] == [target_list.name]
	assert str(activity.scheduled_date) == "2026-03-02"


def test_customers_too_and_a_second_list_of_the_same_name_is_numbered():
	customers = [make_customer(), make_customer()]
	first = create_quick_campaign("Customer", customers, f"Q {random_string(6)}", "Email", "2026-03-02")
	frappe.delete_doc("Campaign", first["campaign"], force=True, ignore_permissions=True)
	list_name = frappe.db.get_value("Target List", first["target_list"], "list_name")
	again = create_quick_campaign("Customer", customers, list_name, "Email", "2026-03-02")
	assert again["target_list"] == f"{list_name} (2)"


def test_bad_input_changes_nothing():
	selected = leads(1)
	before = (frappe.db.count("Campaign"), frappe.db.count("Target List"))
	with pytest.raises(frappe.ValidationError, match="Leads, Contacts or Customers"):
		create_quick_campaign("Prospect", selected, f"Q {random_string(6)}", "Email", "2026-03-02")
	with pytest.raises(frappe.ValidationError, match="Select the records"):
		create_quick_campaign("Lead", [], f"Q {random_string(6)}", "Email", "2026-03-02")
	with pytest.raises(frappe.ValidationError, match="not found"):
		create_quick_campaign("Lead", ["NO-SUCH-LEAD"], f"Q {random_string(6)}", "Email", "2026-03-02")
	assert (frappe.db.count("Campaign"), frappe.db.count("Target List")) == before


def test_sales_user_may_not_create_one():
	selected = leads(1)
	frappe.set_user(make_user(["Sales User"], "seller"))
	with pytest.raises(frappe.PermissionError):
		create_quick_campaign("Lead", selected, f"Q {random_string(6)}", "Email", "2026-03-02")
