"""Issue 13, low: number values that are no numbers and conditions of the wrong shape are clear
ValidationErrors; Lead Score Rule values are only values; the marketing roles can use the Email
Group export and Opportunity creation; the distribution log adds up over runs at once.
"""

import json
from unittest.mock import patch

import frappe
import pytest
from frappe.utils import random_string

from crm_marketing_app.campaign_execution import distribution
from crm_marketing_app.target_lists import members
from tests.integration.helpers import default_company, make_campaign, make_user

PREVIEW = "crm_marketing_app.target_lists.api.preview"


@pytest.mark.parametrize("value", ["NaN", "Infinity", "-inf", "sNaN", "1e999999", "1e-999999"])
@pytest.mark.parametrize("field", ["annual_revenue", "total_ordered"])
def test_numbers_that_are_no_numbers_are_refused(field, value):
	name = f"Nan {random_string(8)}"
	with pytest.raises(frappe.ValidationError, match="not a valid value"):
		frappe.get_doc(
			{
				"doctype": "Target List",
				"list_name": name,
				"member_doctype": "Lead",
				"list_type": "Dynamic",
				"conditions": [{"field": field, "operator": ">", "value": value}],
			}
		).insert()
	assert not frappe.db.exists("Target List", name)
	frappe.set_user(make_user(["Marketing User"], "nan"))
	conditions = json.dumps([{"field": field, "operator": ">", "value": value}])
	with pytest.raises(frappe.ValidationError, match="not a valid value"):
		frappe.call(PREVIEW, member_doctype="Lead", conditions=conditions)


@pytest.mark.parametrize(
	"conditions",
	[
		'{"field": "city", "operator": "=", "value": "Kyiv"}',  # an object, not a list
		"[{'field': 'city'",  # not JSON
		'["city", "=", "Kyiv"]',  # a list of strings
		'[{"field": {"x": 1}, "operator": "=", "value": "Kyiv"}]',
		'[{"field": "city", "operator": ["="], "value": "Kyiv"}]',
		'[{"field": "city", "operator": "=", "value": {"$ne": 1}}]',
		"42",
	],
)
def test_conditions_of_the_wrong_shape_are_refused(conditions):
	frappe.set_user(make_user(["Marketing User"], "shape"))
	with pytest.raises(frappe.ValidationError, match="Conditions must be a list"):
		frappe.call(PREVIEW, member_doctype="Lead", conditions=conditions)


def test_a_number_value_sent_as_json_number_still_works():
	city = f"Num {random_string(6)}"
	lead = frappe.get_doc(
		{"doctype": "Lead", "first_name": city, "city": city, "annual_revenue": 5000}
	).insert()
	conditions = json.dumps(
		[
			{"field": "city", "operator": "=", "value": city},
			{"field": "annual_revenue", "operator": ">", "value": 4999.5},
		]
	)
	seen = frappe.call(PREVIEW, member_doctype="Lead", conditions=conditions)
	assert [r.member for r in seen["rows"]] == [lead.name]


@pytest.mark.parametrize("text", ["Sales -- Kyiv", "please select from list", "O'Brien; Sons"])
def test_lead_score_rule_takes_ordinary_text(text):
	rule = frappe.get_doc(
		{
			"doctype": "Lead Score Rule",
			"rule_name": f"{text} {random_string(6)}",
			"enabled": 1,
			"rule_type": "Attribute",
			"field": "city",
			"operator": "=",
			"value": text,
			"points": 9,
		}
	).insert()
	lead = frappe.get_doc(
		{"doctype": "Lead", "first_name": f"Rule {random_string(6)}", "city": text}
	).insert()
	assert frappe.db.get_value("Lead", lead.name, "marketing_score") >= 9
	assert frappe.db.get_value("Lead Score Rule", rule.name, "value") == text


@pytest.mark.parametrize("role", ["Marketing Manager", "Marketing User"])
def test_marketing_roles_export_to_email_group_and_create_opportunities(role):
	tag = random_string(8).lower()
	lead = frappe.get_doc(
		{"doctype": "Lead", "first_name": f"Export {tag}", "email_id": f"export-{tag}@example.com"}
	).insert()
	target = frappe.get_doc(
		{
			"doctype": "Target List",
			"list_name": f"Export {tag}",
			"member_doctype": "Lead",
			"list_type": "Static",
		}
	).insert()
	members.add_members(target, "Lead", [lead.name])
	campaign = make_campaign(company=default_company())
	response = frappe.get_doc(
		{
			"doctype": "Campaign Response",
			"campaign": campaign.name,
			"respondent_doctype": "Lead",
			"respondent": lead.name,
			"response_type": "Registered",
			"email": lead.email_id,
		}
	).insert()

	frappe.set_user(make_user([role], "exporter"))
	group = frappe.get_doc("Target List", target.name).export_to_email_group()
	assert frappe.get_all("Email Group Member", {"email_group": group}, pluck="email") == [lead.email_id]
	opportunity = frappe.get_doc("Campaign Response", response.name).create_opportunity()
	assert frappe.db.get_value("Opportunity", opportunity, ["party_name", "campaign"]) == (
		lead.name,
		campaign.name,
	)


def test_two_runs_at_once_add_up_in_the_log(world):
	leads = [world.lead(f"Both{i}", phone=f"+38050000001{i}") for i in range(7)]
	target = world.target_list([(lead, "Active") for lead in leads])
	activity = world.activity(world.campaign(), "Phone Call", [target], responsible="Administrator")
	runs, started = [], []
	real_after_commit = distribution.PhoneCall.after_commit

	def second_run_starts(self):
		real_after_commit(self)
		if not started:  # while the first run is between its chunks, a second one runs through
			started.append(True)
			runs.append(distribution.distribute_activity(activity.name))

	with (
		patch.object(distribution, "CHUNK_SIZE", 3),
		patch.object(distribution.PhoneCall, "after_commit", second_run_starts),
	):
		first = distribution.distribute_activity(activity.name)
	second = runs[0]
	assert first["sent"] + second["sent"] == 7
	log = json.loads(frappe.db.get_value("Campaign Activity", activity.name, "distribution_log"))
	assert log["sent"] == 7 and log["audience"] == 7 and log["skipped"] == {}
	assert frappe.db.get_value("Campaign Activity", activity.name, "distributed_count") == 7
	assert frappe.db.count("ToDo", {"reference_name": ("in", leads)}) == 7
