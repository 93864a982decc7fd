"""What a marketer does in the desk, in a real browser (see conftest.py for the setup)."""

import re
import time

import pytest
from frappe.model.utils.user_settings import update_user_settings
from playwright.sync_api import expect

from tests.e2e.conftest import run_background_jobs, screenshot

pytestmark = pytest.mark.e2e

WORKSPACE_LABELS = {
	"en": ["Running Campaigns", "Hot Leads", "Marketing Spend This Month", "Attributed Revenue This Month",
		   "Marketing Spend vs Revenue", "Leads by Grade", "Campaign"],
	"uk": ["Активні кампанії", "Гарячі ліди", "Маркетингові витрати цього місяця", "Віднесений дохід цього місяця",
		   "Маркетингові витрати та дохід", "Ліди за оцінкою", "Кампанія"],
}  # fmt: skip


def open_workspace(page):
	page.goto("/app/crm-marketing")
	page.wait_for_selector(".widget.number-widget-box")
	page.wait_for_selector(
		".widget.dashboard-widget-box .chart-container svg, .widget.dashboard-widget-box .chart-empty-state"
	)


@pytest.mark.parametrize("language", ["en", "uk"])
def test_workspace_shows_cards_charts_and_shortcuts(login, users, demo_loaded, language):
	page = login(users["marketing_manager" if language == "en" else "manager_uk"])
	open_workspace(page)
	for label in WORKSPACE_LABELS[language]:
		expect(page.locator(".layout-main-section").get_by_text(label, exact=True).first).to_be_visible()
	if language == "en":
		expect(
			page.locator(".number-widget-box", has_text="Running Campaigns").locator(".widget-content")
		).not_to_have_text("0")
		page.wait_for_timeout(1000)  # chart animations
		screenshot(page, "workspace")


def test_campaign_form_in_ukrainian(login, users):
	page = login(users["manager_uk"])
	page.goto("/app/campaign/new")
	form = page.locator(".form-layout")
	for label in ("Назва кампанії", "Тип кампанії", "Бюджет", "Промокод", "Відповідальний"):
		expect(form.get_by_text(label, exact=True).first).to_be_visible()


def committed_value(site, doctype: str, name: str, field: str, expected, timeout: float = 15):
	"""The field's committed value, waiting (up to `timeout` s) for the server to commit `expected`."""
	deadline = time.monotonic() + timeout
	while True:
		site.db.rollback()  # a new snapshot: see what the server committed
		value = site.db.get_value(doctype, name, field)
		if value == expected or time.monotonic() > deadline:
			return value
		time.sleep(0.3)


def workflow_action(page, action: str):
	page.get_by_role("button", name="Actions").click()
	page.locator(".dropdown-menu.show .dropdown-item", has_text=action).click()


def test_campaign_is_submitted_for_approval_and_approved(site, login, users):
	name = f"E2E Trade Show {site.generate_hash(length=6)}"
	page = login(users["marketing_user"])
	page.goto("/app/campaign/new")
	page.locator('input[data-fieldname="campaign_name"]').fill(name)
	page.locator('select[data-fieldname="campaign_type"]').select_option("Webinar")
	page.locator('input[data-fieldname="budget"]').fill("12000")
	page.keyboard.press("Control+s")
	page.wait_for_url(re.compile(r"/app/campaign/(?!new)"))
	name = page.url.rsplit("/", 1)[1].replace("%20", " ")
	workflow_action(page, "Submit for Approval")
	assert committed_value(site, "Campaign", name, "workflow_state", "Pending Approval") == "Pending Approval"
	expect(page.get_by_role("button", name="Actions")).to_have_count(0)  # only a manager may act now

	manager = login(users["marketing_manager"])
	manager.goto(f"/app/campaign/{name}")
	workflow_action(manager, "Approve")
	assert committed_value(site, "Campaign", name, "workflow_state", "Approved") == "Approved"
	assert site.db.get_value("Campaign", name, ["campaign_status", "budget"]) == ("Approved", 12000)
	manager.reload()
	expect(manager.locator('[data-fieldname="campaign_status"]').get_by_text("Approved")).to_be_visible()


@pytest.fixture
def phone_call_activity(site, users):
	"""A Phone Call activity of an E2E campaign over a list of two leads owned by the Marketing User,
	and a third lead without a phone number (skipped); returns the activity and the two callable leads."""
	from crm_marketing_app.target_lists.members import add_members

	suffix = site.generate_hash(length=6).lower()
	leads = [
		site.get_doc(
			{
				"doctype": "Lead",
				"first_name": f"E2E Caller {n} {suffix}",
				"email_id": f"e2e-lead-{n}-{suffix}@example.com",
				"mobile_no": f"+38050555000{n}",
				"lead_owner": users["marketing_user"],
			}
		)
		.insert()
		.name
		for n in (1, 2)
	]
	target_list = site.get_doc(
		{
			"doctype": "Target List",
			"list_name": f"E2E Calls {suffix}",
			"member_doctype": "Lead",
			"list_type": "Static",
			"channel": "Phone",
		}
	).insert()
	no_phone = site.get_doc(
		{
			"doctype": "Lead",
			"first_name": f"E2E Caller 3 {suffix}",
			"email_id": f"e2e-lead-3-{suffix}@example.com",
		}
	).insert()
	add_members(target_list, "Lead", [*leads, no_phone.name])
	campaign = site.get_doc(
		{"doctype": "Campaign", "campaign_name": f"E2E Calls {suffix}", "campaign_type": "Other"}
	).insert()
	# only approved campaigns distribute
	site.db.set_value(
		"Campaign", campaign.name, {"workflow_state": "Approved", "campaign_status": "Approved"}
	)
	activity = site.get_doc(
		{
			"doctype": "Campaign Activity",
			"campaign": campaign.name,
			"subject": f"E2E follow-up calls {suffix}",
			"channel": "Phone Call",
			"scheduled_date": site.utils.today(),
			"responsible": users["marketing_user"],
			"target_lists": [{"target_list": target_list.name}],
		}
	).insert()
	site.db.commit()
	return activity.name, leads


def test_phone_call_activity_is_distributed_into_todos(site, login, users, phone_call_activity):
	activity, leads = phone_call_activity
	page = login(users["marketing_user"])
	page.goto(f"/app/campaign-activity/{activity}")
	page.get_by_role("button", name="Distribute").click()
	assert committed_value(site, "Campaign Activity", activity, "status", "In Progress") == "In Progress"
	run_background_jobs()

	page.goto(f"/app/todo?reference_type=Lead&allocated_to={users['marketing_user']}")
	rows = page.locator(".list-row-container .list-row")
	for n in (1, 2):  # (a new user's first list view loads slowly on a busy machine)
		expect(rows.filter(has_text=f"E2E Caller {n}")).to_have_count(1, timeout=20000)
	expect(rows.filter(has_text="E2E Caller 3")).to_have_count(0)  # no phone: no call
	site.db.rollback()
	assert sorted(
		site.get_all(
			"ToDo",
			filters={"reference_type": "Lead", "reference_name": ("in", leads)},
			pluck="reference_name",
		)
	) == sorted(leads)

	# The distribution log reads as a sentence and indicators, not as its JSON.
	page.goto(f"/app/campaign-activity/{activity}")
	intro = page.locator(".form-message:visible")
	expect(intro).to_have_text(
		re.compile(r"^Last distribution \S.*: 2 of 3 members reached\. Skipped: no phone: 1\.\s*$")
	)
	indicators = page.locator(".form-dashboard .indicator")
	expect(indicators.filter(has_text="Calls assigned: 2")).to_have_count(1)
	expect(indicators.filter(has_text="No phone: 1")).to_have_count(1)
	expect(page.locator('[data-fieldname="distribution_log"]:visible')).to_have_count(0)
	assert '"skipped"' not in page.locator(".form-layout").inner_text()  # what the eye sees


def test_lead_list_opens_sorted_by_score_and_keeps_a_chosen_sort(site, login, users, demo_loaded):
	"""A sales rep who never sorted the list gets the hottest leads first; their own choice sticks."""
	page = login(users["sales_rep"])
	page.set_viewport_size({"width": 1680, "height": 900})  # wide enough for the score columns
	with page.expect_response(
		lambda r: "frappe.desk.reportview.get" in r.url and "marketing_score" in (r.request.post_data or "")
	):
		page.goto("/app/lead")
	expect(page.locator(".sort-selector .dropdown-text")).to_have_text("Marketing Score")
	expect(page.locator(".sort-selector .btn-order")).to_have_attribute("data-value", "desc")
	checkboxes = page.locator(".list-row-container .list-row-checkbox")
	expect(checkboxes.first).to_be_visible()

	def shown_scores() -> list[int]:
		shown = [c.get_attribute("data-name") for c in checkboxes.all()]
		score = dict(
			site.get_all(
				"Lead", filters={"name": ("in", shown)}, fields=["name", "marketing_score"], as_list=True
			)
		)
		return [score.get(name) or 0 for name in shown]

	deadline = time.monotonic() + 10  # the rows re-render just after the response
	while (scores := shown_scores()) != sorted(scores, reverse=True) and time.monotonic() < deadline:
		time.sleep(0.3)
	assert len(scores) >= 2 and scores == sorted(scores, reverse=True)
	assert scores[0] == site.get_all("Lead", fields=["max(marketing_score) as top"])[0].top
	expect(page.locator(".list-row-head")).to_contain_text("Score Grade")
	screenshot(page, "lead-list")

	# A sort the rep chose is kept. Set server-side, as the sort selector saves it: two saves of the
	# list's settings that Frappe sends at once can land in either order, which is not this test's.
	site.set_user(users["sales_rep"])
	try:
		update_user_settings("Lead", {"List": {"sort_by": "creation", "sort_order": "desc"}})
	finally:
		site.set_user("Administrator")
	page.reload()
	expect(page.locator(".sort-selector .dropdown-text")).to_have_text("Created On")


def wait_for_drawn_chart(page):
	"""Waits until the report's chart has bars with a height (they grow in, and redraw on each refresh)."""
	page.wait_for_load_state("networkidle")
	page.wait_for_function(
		"""() => [...document.querySelectorAll('.chart-container svg rect')]
			.some((r) => parseFloat(r.getAttribute('height') || 0) > 1)"""
	)
	page.wait_for_timeout(1000)  # the end of the grow-in animation


def test_campaign_roi_and_funnel_reports_show_their_charts(login, users, demo_loaded):
	page = login(users["marketing_manager"])
	page.goto("/app/query-report/Campaign ROI?campaign_type=Exhibition")  # the demo's, not the e2e campaigns
	expect(page.locator(".dt-scrollable").get_by_text(demo_loaded.CAMPAIGN).first).to_be_visible()
	wait_for_drawn_chart(page)
	screenshot(page, "campaign-roi")

	page.goto(f"/app/query-report/Campaign Funnel?campaign={demo_loaded.CAMPAIGN}")
	for stage in ("Invitation", "Registration", "Attendance"):
		expect(page.locator(".dt-scrollable").get_by_text(stage, exact=True).first).to_be_visible()
	# The funnel: one bar per stage, narrowing as the counts fall.
	bars = page.locator(".crm-funnel .crm-funnel-stage")
	expect(bars).to_have_count(5)
	expect(bars.first).to_contain_text("13")
	expect(page.locator(".report-summary")).to_contain_text("Reference Campaigns")
	screenshot(page, "campaign-funnel")


def test_target_list_form_shows_the_rule_and_the_day_a_relative_date_means(site, login, users):
	"""Two OR groups with a relative date: the preview states the rule and the row its day."""
	suffix = site.generate_hash(length=6)
	target = site.get_doc(
		{
			"doctype": "Target List",
			"list_name": f"E2E Recent {suffix}",
			"member_doctype": "Lead",
			"list_type": "Dynamic",
			"conditions": [
				{"group": 1, "field": "city", "operator": "=", "value": f"Kyiv {suffix}"},
				{"group": 2, "field": "creation", "operator": ">=", "value": "today-14d"},
			],
		}
	).insert()
	site.db.commit()
	day = str(site.utils.add_days(site.utils.nowdate(), -14))
	page = login(users["marketing_user"])
	page.goto(f"/app/target-list/{target.name}")
	preview = page.locator('[data-fieldname="preview_html"]')
	expect(preview).to_contain_text(f"(City is Kyiv {suffix}) or (Created On is at least today-14d ({day}))")
	expect(page.locator('[data-fieldname="rule_description"]')).to_contain_text("or (Created On")
	# the grid row of the relative date shows the day it resolves to
	expect(page.locator('.grid-row[data-idx="2"]')).to_contain_text(
		site.utils.formatdate(day, site.utils.get_user_date_format())
	)
	screenshot(page, "target-list-rule")


def test_channel_effectiveness_shows_channels_and_its_chart(login, users, demo_loaded):
	page = login(users["marketing_manager"])
	page.goto(f"/app/query-report/Channel Effectiveness?campaign={demo_loaded.CAMPAIGN}")
	# the demo's stand and letters are activities with costs and responses
	expect(page.locator(".dt-scrollable").get_by_text("Exhibition", exact=True).first).to_be_visible()
	wait_for_drawn_chart(page)
