"""Lead scoring on the live site: seed example, windows, caps, rule changes, bad input, permissions."""

import frappe
import pytest
from frappe.utils import random_string

from crm_marketing_app.api import explain_score
from crm_marketing_app.scoring.bulk import name_ranges
from crm_marketing_app.scoring.demo_rules import create_seed_rules
from crm_marketing_app.scoring.lead_score_rules import scoreable_fields
from crm_marketing_app.tasks import rescore_all
from tests.integration.helpers import make_user
from tests.integration.scoring_helpers import add_response, isolate_rules, make_lead, make_rule, stored_score


@pytest.fixture(autouse=True)
def only_test_rules():
	isolate_rules(hot=50, warm=20)


def seed_lead():
	lead = make_lead(
		email_id=f"vp-{random_string(6)}@example.com", job_title="Vice President of Sales", country="Ukraine"
	)
	for days_ago in (1, 5, 20):
		add_response(lead.name, "Website Visit", days_ago)
	add_response(lead.name, "Website Visit", 45)  # the 4th visit, outside the 30-day window
	for days_ago in (3, 400):
		add_response(lead.name, "Downloaded", days_ago)
	return lead


def test_seed_rules_score_57_and_hot_in_both_back_ends():
	create_seed_rules(enabled=True)
	lead = seed_lead()
	assert stored_score(lead.name) == (8 + 7 + 8 + 15 + 9 + 10, "Hot")

	frappe.db.set_value("Lead", lead.name, {"marketing_score": 0, "score_grade": "Cold"})
	rescore_all()
	assert stored_score(lead.name) == (57, "Hot")

	explained = explain_score("Lead", lead.name)
	assert explained["score"] == 57 and explained["grade"] == "Hot"
	by_rule = {r["rule"]: r for r in explained["rules"]}
	assert by_rule["Website visits"]["points"] == 9
	assert "3 × Website Visit" in by_rule["Website visits"]["reason"]  # noqa: RUF001
	assert by_rule["Downloads"]["points"] == 10


def test_demo_rules_are_created_disabled_and_change_no_score():
	lead = make_lead(email_id=f"d-{random_string(6)}@example.com", job_title="President", country="Ukraine")
	names = create_seed_rules()
	assert frappe.get_all("Lead Score Rule", filters={"name": ("in", names)}, pluck="enabled") == [0] * 6
	lead.reload()
	lead.save()
	assert stored_score(lead.name) == (0, "Cold")


def test_validate_sets_score_fields_on_lead_and_contact():
	make_rule(field="job_title", operator="like", value="manager", points=25)
	make_rule(applies_to="Contact", rule_type="Activity", response_type="Registered", points=4)
	lead = make_lead(job_title="Marketing Manager")
	assert (lead.marketing_score, lead.score_grade) == (25, "Warm")
	assert lead.score_updated_on

	contact = frappe.get_doc({"doctype": "Contact", "first_name": f"Scoring {random_string(6)}"}).insert()
	assert (contact.marketing_score, contact.score_grade) == (0, "Cold")
	add_response(contact.name, "Registered", doctype="Contact")
	assert stored_score(contact.name, "Contact") == (4, "Cold")


def test_response_insert_and_delete_rescore_the_respondent():
	make_rule(rule_type="Activity", response_type="Attended", points=30)
	lead = make_lead()
	response = add_response(lead.name, "Attended")
	assert stored_score(lead.name) == (30, "Warm")
	response.delete()
	assert stored_score(lead.name) == (0, "Cold")


def test_caps_and_negative_points():
	make_rule(rule_type="Activity", response_type="Clicked", points=4, per_occurrence=1, max_points=10)
	make_rule(rule_type="Activity", response_type="Declined", points=-6, per_occurrence=1, max_points=15)
	make_rule(field="unsubscribed", operator="=", value="1", points=-50)
	lead = make_lead()
	for _ in range(4):
		add_response(lead.name, "Clicked")
	assert stored_score(lead.name) == (10, "Cold")  # 16 capped at 10
	for _ in range(3):
		add_response(lead.name, "Declined")
	assert stored_score(lead.name) == (10 - 15, "Cold")  # -18 capped at -15
	lead.reload()
	lead.unsubscribed = 1
	lead.save()
	assert lead.marketing_score == -55
	frappe.db.set_value("Lead", lead.name, "marketing_score", 0)
	rescore_all(["Lead"])
	assert stored_score(lead.name) == (-55, "Cold")


def test_rule_disable_and_enable_rescore_everyone():
	rule = make_rule(field="city", operator="in", value="Kyiv, Lviv", points=60)
	kyiv, odesa = make_lead(city="kyiv"), make_lead(city="Odesa")
	assert (stored_score(kyiv.name), stored_score(odesa.name)) == ((60, "Hot"), (0, "Cold"))
	rule.enabled = 0
	rule.save()
	assert stored_score(kyiv.name) == (0, "Cold")
	rule.enabled = 1
	rule.save()
	assert stored_score(kyiv.name) == (60, "Hot")
	rule.points = 30
	rule.save()
	assert stored_score(kyiv.name) == (30, "Warm")
	rule.delete()
	assert stored_score(kyiv.name) == (0, "Cold")


def test_rescore_in_chunks_reaches_every_record_once_and_fixes_stale_grades():
	make_rule(field="job_title", operator="like", value="buyer", points=30)
	buyers = [make_lead(job_title="Chief buyer").name for _ in range(5)]
	names = frappe.get_all("Lead", order_by="name asc", pluck="name")
	for size in (1, 2, 3, len(names), len(names) + 1):
		expected = [(names[i], names[min(i + size, len(names)) - 1]) for i in range(0, len(names), size)]
		assert name_ranges("Lead", size) == expected

	stale = {buyers[0]: (0, "Warm"), buyers[1]: (30, "Hot"), buyers[2]: (30, None), buyers[3]: (99, "Cold")}
	for name, (score, grade) in stale.items():
		frappe.db.set_value("Lead", name, {"marketing_score": score, "score_grade": grade})
	rescore_all(["Lead"], chunk_size=2)
	assert {name: stored_score(name) for name in buyers} == dict.fromkeys(buyers, (30, "Warm"))


def test_settings_thresholds_regrade_everyone():
	make_rule(field="city", operator="=", value="Kharkiv", points=30)
	lead = make_lead(city="Kharkiv")
	assert stored_score(lead.name) == (30, "Warm")
	settings = frappe.get_doc("CRM Marketing Settings")
	settings.hot_threshold, settings.warm_threshold = 25, 10
	settings.save()
	assert stored_score(lead.name) == (30, "Hot")


BAD_RULES = [
	({"field": "no_such_field", "operator": "=", "value": "x"}, "does not exist"),
	({"field": "notes", "operator": "is set"}, "cannot be scored"),
	({"field": "annual_revenue", "operator": "like", "value": "5"}, "does not fit"),
	({"field": "annual_revenue", "operator": ">", "value": "a lot"}, "is not valid"),
	({"field": "qualified_on", "operator": ">", "value": "yesterday"}, "is not valid"),
	({"field": "city", "operator": "=", "value": "Kyiv", "points": 0}, "cannot be zero"),
	({"rule_type": "Activity", "response_type": "Clicked", "within_days": -3}, "cannot be negative"),
]


@pytest.mark.parametrize(("fields", "message"), BAD_RULES)
def test_bad_rules_are_refused_and_change_nothing(fields, message):
	make_rule(field="city", operator="=", value="Dnipro", points=7)
	lead = make_lead(city="Dnipro")
	before = frappe.db.count("Lead Score Rule")
	with pytest.raises(frappe.ValidationError, match=message):
		make_rule(**{"points": 5, **fields})
	assert frappe.db.count("Lead Score Rule") == before
	assert stored_score(lead.name) == (7, "Cold")


def test_bad_rule_message_is_in_the_users_language():
	frappe.local.lang = "uk"
	with pytest.raises(frappe.ValidationError) as error:
		make_rule(field="city", operator="=", value="Kyiv", points=0)
	assert "Бали не можуть дорівнювати нулю" in str(error.value)


def test_only_marketing_manager_edits_rules_and_scores_are_readable():
	manager, marketer, seller = (
		make_user([role]) for role in ("Marketing Manager", "Marketing User", "Sales User")
	)
	outsider = make_user(["Accounts User"])
	lead = make_lead(city="Poltava")

	frappe.set_user(manager)
	rule = make_rule(field="city", operator="=", value="Poltava", points=12)
	assert stored_score(lead.name) == (12, "Cold")

	for user in (marketer, seller):
		frappe.set_user(user)
		assert frappe.has_permission("Lead Score Rule", "read", rule.name)
		assert not frappe.has_permission("Lead Score Rule", "write", rule.name)
		with pytest.raises(frappe.PermissionError):
			make_rule(field="city", operator="is set", points=1)
		assert explain_score("Lead", lead.name)["score"] == 12

	fields = {f["fieldname"] for f in scoreable_fields("Lead")}
	assert "city" in fields and not fields & {"marketing_score", "score_grade", "score_updated_on"}
	assert scoreable_fields("Customer") == []

	frappe.set_user(outsider)
	assert not frappe.has_permission("Lead Score Rule", "read")
	with pytest.raises(frappe.PermissionError):
		scoreable_fields("Lead")
	with pytest.raises(frappe.PermissionError):
		explain_score("Lead", lead.name)
	with pytest.raises(frappe.PermissionError):
		frappe.call("crm_marketing_app.scoring.bulk.enqueue_rescore_all")

	frappe.set_user("Administrator")
	with pytest.raises(frappe.ValidationError, match="only for Lead and Contact"):
		explain_score("Customer", "anything")


def test_hot_leads_number_card_counts_hot_leads():
	from frappe.desk.doctype.number_card.number_card import get_result

	card = frappe.get_doc("Number Card", "Hot Leads")
	before = get_result(card, None)
	make_rule(field="city", operator="=", value="Uzhhorod", points=90)
	make_lead(city="Uzhhorod")
	assert get_result(card, None) == before + 1
