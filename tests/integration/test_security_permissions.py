"""Issue 13, medium: money, personal data and settings only for the roles README's Configuration gives
them; Target List members and previews only for who may read the person (User Permissions included).

Each check goes the way the probe did: the document as `/api/resource` returns it
(`frappe.api.v1.read_doc`), lists as `frappe.get_list`, methods as the desk calls them.
"""

import frappe
import pytest
from frappe.api.v1 import read_doc
from frappe.desk.doctype.number_card.number_card import get_result
from frappe.utils import nowdate, random_string

from crm_marketing_app.attribution.dashboard import get_campaign_revenue
from crm_marketing_app.crm_marketing_app.dashboard_chart_source.marketing_spend_vs_revenue import (
	marketing_spend_vs_revenue as spend_chart,
)
from crm_marketing_app.target_lists import api, members
from tests.integration.helpers import make_campaign, make_campaign_activity, make_user

CAMPAIGN_MONEY = ("budget", "expected_revenue", "planned_cost", "actual_cost", "attributed_revenue", "roi")
ACTIVITY_MONEY = ("planned_cost", "actual_cost")


@pytest.fixture
def costed_activity():
	campaign = make_campaign(budget=5000, expected_revenue=9000)
	activity = make_campaign_activity(
		campaign.name, planned_cost=700, actual_cost=800, scheduled_date=nowdate(), end_date=nowdate()
	)
	assert frappe.db.get_value("Campaign", campaign.name, "actual_cost") == 800
	return campaign.name, activity.name


def test_sales_user_reads_campaigns_but_no_money(costed_activity):
	campaign, activity = costed_activity
	frappe.set_user(make_user(["Sales User"], "seller"))

	doc = read_doc("Campaign", campaign).as_dict()
	assert doc["campaign_name"] and not any(doc.get(f) for f in CAMPAIGN_MONEY)
	doc = read_doc("Campaign Activity", activity).as_dict()
	assert doc["subject"] and not any(doc.get(f) for f in ACTIVITY_MONEY)
	for field in ACTIVITY_MONEY:  # one per call: Frappe 15 skips the field after a removed one
		[row] = frappe.get_list("Campaign Activity", filters={"name": activity}, fields=["name", field])
		assert row.get(field) is None, field
	with pytest.raises(frappe.PermissionError):
		get_campaign_revenue(campaign)
	with pytest.raises(frappe.PermissionError):
		spend_chart.get(no_cache=True)
	card = frappe.get_doc("Number Card", "Marketing Spend This Month").as_dict()
	assert get_result(card, [["Campaign Activity", "name", "=", activity]]) == 0


@pytest.mark.parametrize("roles", [["Accounts User"], ["Marketing User"], ["Marketing Manager"]])
def test_money_roles_read_costs_and_revenue(costed_activity, roles):
	campaign, activity = costed_activity
	frappe.set_user(make_user(roles, "money"))
	assert read_doc("Campaign", campaign).budget == 5000
	assert read_doc("Campaign Activity", activity).actual_cost == 800
	[row] = frappe.get_list("Campaign Activity", filters={"name": activity}, fields=["name", "actual_cost"])
	assert row.actual_cost == 800
	assert get_campaign_revenue(campaign)["actual_cost"] == 800
	assert len(spend_chart.get(no_cache=True)["datasets"]) == 2


def test_marketing_user_types_actual_cost_accountant_cannot(costed_activity):
	_campaign, activity = costed_activity
	frappe.set_user(make_user(["Marketing User"], "marketer"))
	doc = frappe.get_doc("Campaign Activity", activity)
	doc.actual_cost = 900
	doc.save()
	assert frappe.db.get_value("Campaign Activity", activity, "actual_cost") == 900
	frappe.set_user(make_user(["Accounts User"], "accountant"))
	doc = frappe.get_doc("Campaign Activity", activity)
	doc.actual_cost = 1
	with pytest.raises(frappe.PermissionError):
		doc.save()


def test_each_role_reads_only_what_readme_gives_it():
	expected = {
		"Sales User": {"Campaign Response": True, "CRM Marketing Settings": False, "Marketing Funnel": False},
		"Accounts User": {
			"Campaign Response": False,
			"CRM Marketing Settings": False,
			"Marketing Funnel": False,
			"Campaign Attribution": True,
		},
		"Marketing User": {
			"Campaign Response": True,
			"CRM Marketing Settings": True,
			"Marketing Funnel": True,
		},
	}
	for role, doctypes in expected.items():
		frappe.set_user(make_user([role], "role"))
		for doctype, allowed in doctypes.items():
			assert bool(frappe.has_permission(doctype, "read")) is allowed, (role, doctype)
		if not doctypes["CRM Marketing Settings"]:
			with pytest.raises(frappe.PermissionError):
				read_doc("CRM Marketing Settings", "CRM Marketing Settings")
		if not doctypes["Campaign Response"]:
			with pytest.raises(frappe.PermissionError):
				frappe.get_list("Campaign Response", fields=["full_name", "email", "phone"])


def test_sales_user_restricted_to_one_lead_sees_only_that_lead():
	tag = random_string(8).lower()
	leads = [
		frappe.get_doc(
			{
				"doctype": "Lead",
				"first_name": f"Perm {tag} {i}",
				"email_id": f"perm-{tag}-{i}@example.com",
				"mobile_no": f"+3805012345{i}",
				"city": f"City {tag}",
			}
		)
		.insert()
		.name
		for i in range(4)
	]
	target = frappe.get_doc(
		{
			"doctype": "Target List",
			"list_name": f"Perm {tag}",
			"member_doctype": "Lead",
			"list_type": "Static",
		}
	).insert()
	members.add_members(target, "Lead", leads)
	seller = make_user(["Sales User"], "restricted")
	frappe.get_doc(
		{
			"doctype": "User Permission",
			"user": seller,
			"allow": "Lead",
			"for_value": leads[0],
			"apply_to_all_doctypes": 1,
		}
	).insert()

	frappe.set_user(seller)
	seen = api.preview("Lead", [{"field": "city", "operator": "=", "value": f"City {tag}"}])
	assert seen["count"] == 1 and [r.member for r in seen["rows"]] == [leads[0]]
	rows = frappe.get_list(
		"Target List Member", filters={"target_list": target.name}, fields=["member", "email", "phone"]
	)
	assert [r.member for r in rows] == [leads[0]]
	assert frappe.db.count("Target List Member", {"target_list": target.name}) == 4
	other = frappe.db.get_value("Target List Member", {"target_list": target.name, "member": leads[1]})
	with pytest.raises(frappe.PermissionError):
		read_doc("Target List Member", other)
	mine = frappe.db.get_value("Target List Member", {"target_list": target.name, "member": leads[0]})
	assert read_doc("Target List Member", mine).email == f"perm-{tag}-0@example.com"

	frappe.set_user(make_user(["Sales User"], "unrestricted"))  # no User Permission: every member
	assert len(frappe.get_list("Target List Member", filters={"target_list": target.name})) == 4
	assert api.preview("Lead", [{"field": "city", "operator": "=", "value": f"City {tag}"}])["count"] == 4
