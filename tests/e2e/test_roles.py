"""The desk as each role sees it: workflow state, conversions, the condition picker, no dead
buttons, Ukrainian throughout (see conftest.py for the setup)."""

import re
import time

import pytest
from playwright.sync_api import expect

from crm_marketing_app import demo
from tests.e2e.test_desk import committed_value, open_workspace

pytestmark = pytest.mark.e2e

# Latin words a Ukrainian page may show: abbreviations. The demo's own names are data, not labels:
# they are taken out whole (so an English "Cold" grade label would still be caught).
LATIN_ALLOWED = {"CRM", "ROI"}
DEMO_NAMES = (demo.CAMPAIGN, demo.PAST_CAMPAIGN, demo.COMPANY[0])


def english_left(texts: list[str]) -> set[str]:
	words = set()
	for text in texts:
		for name in DEMO_NAMES:
			text = (text or "").replace(name, " ")
		words.update(re.findall(r"[A-Za-z]{2,}", text))
	return words - LATIN_ALLOWED


def e2e_campaign(site, state: str = "Draft") -> str:
	campaign = site.get_doc(
		{
			"doctype": "Campaign",
			"campaign_name": f"E2E State {site.generate_hash(length=6)}",
			"campaign_type": "Webinar",
		}
	).insert()
	if state != "Draft":
		status = site.db.get_value(
			"Workflow Document State", {"parent": "Campaign Approval", "state": state}, "update_value"
		)
		site.db.set_value("Campaign", campaign.name, {"workflow_state": state, "campaign_status": status})
	site.db.commit()
	return campaign.name


@pytest.mark.parametrize("state", ["Draft", "Running"])
def test_manager_edits_a_draft_and_a_running_campaign_and_sees_its_state(site, login, users, state):
	name = e2e_campaign(site, state)
	page = login(users["marketing_manager"])
	page.goto(f"/app/campaign/{name}")
	expect(page.locator(".page-head:visible .indicator-pill:visible").first).to_have_text(state)
	budget = page.locator('input[data-fieldname="budget"]')
	expect(budget).to_be_editable()
	budget.fill("7300")
	page.keyboard.press("Control+s")
	assert committed_value(site, "Campaign", name, "budget", 7300) == 7300
	# the save refreshes the form twice: the stats row is drawn once all the same
	page.wait_for_load_state("networkidle")
	expect(page.locator(".form-dashboard .indicator", has_text="Budget Used")).to_have_count(1)

	page.goto("/app/campaign?campaign_type=Webinar")
	row = page.locator(".list-row-container", has_text=name)
	expect(row.locator(".indicator-pill").first).to_have_text(state)


def test_sales_user_sees_no_copy_or_members_buttons(site, login, users, demo_loaded):
	page = login(users["sales_rep"])
	page.goto(f"/app/campaign/{demo_loaded.CAMPAIGN}")
	expect(page.locator(".page-head:visible .indicator-pill:visible").first).to_have_text("Running")
	# the form's own buttons came (the View group holds money reports: not for a Sales User)
	expect(page.get_by_role("button", name="View Leads")).to_be_visible()
	expect(page.get_by_role("button", name="View", exact=True)).to_have_count(0)
	expect(page.get_by_role("button", name="Copy as new campaign")).to_have_count(0)
	target_list = site.get_all("Target List", filters={"list_name": ("like", "Expo 2026%")}, pluck="name")[0]
	page.goto(f"/app/target-list/{target_list}")
	expect(page.locator(".form-layout")).to_be_visible()
	expect(page.get_by_role("button", name="Refresh Members")).to_have_count(0)
	expect(page.get_by_role("button", name="Members")).to_have_count(0)


def test_accountant_sees_no_view_leads_but_reads_funnel_and_segments(site, login, users, demo_loaded):
	page = login(users["accountant"])
	page.goto(f"/app/campaign/{demo_loaded.CAMPAIGN}")
	expect(page.locator(".page-head:visible .indicator-pill:visible").first).to_have_text("Running")
	expect(page.get_by_role("button", name="View", exact=True)).to_be_visible()
	expect(page.get_by_role("button", name="View Leads")).to_have_count(0)
	expect(page.get_by_role("button", name="Copy as new campaign")).to_have_count(0)
	page.goto(f"/app/query-report/Campaign Funnel?campaign={demo_loaded.CAMPAIGN}")
	expect(page.locator(".crm-funnel .crm-funnel-stage")).to_have_count(5)
	page.goto("/app/query-report/Customer Segments")
	expect(page.locator(".dt-scrollable").get_by_text("Arctic Foods Market").first).to_be_visible()


@pytest.fixture
def contact_response(site):
	"""A Requested Info response of a Contact (not yet a Lead) to an E2E campaign."""
	suffix = site.generate_hash(length=6).lower()
	campaign = e2e_campaign(site)
	contact = site.get_doc(
		{
			"doctype": "Contact",
			"first_name": "E2E Respondent",
			"last_name": suffix,
			"email_ids": [{"email_id": f"e2e-lead-resp-{suffix}@example.com", "is_primary": 1}],
		}
	).insert()
	response = site.get_doc(
		{
			"doctype": "Campaign Response",
			"campaign": campaign,
			"respondent_doctype": "Contact",
			"respondent": contact.name,
			"response_type": "Requested Info",
		}
	).insert()
	site.db.commit()
	yield response.name, contact
	site.db.rollback()
	site.delete_doc("Contact", contact.name, force=True)
	site.db.commit()


def test_a_response_becomes_a_lead_from_its_form(site, login, users, contact_response):
	response, contact = contact_response
	page = login(users["marketing_user"])
	page.goto("/app/campaign-response?response_type=Requested%20Info")
	expect(page.locator(".list-row-container", has_text=contact.full_name)).to_be_visible()  # titled by name
	page.goto(f"/app/campaign-response/{response}")
	page.get_by_role("button", name="Create").click()
	page.locator(".dropdown-menu.show .dropdown-item", has_text="Create Lead").click()
	deadline = time.monotonic() + 15
	while (
		not (lead := site.db.get_value("Campaign Response", response, "lead")) and time.monotonic() < deadline
	):
		time.sleep(0.3)
		site.db.rollback()  # see what the server committed
	assert lead and site.db.get_value("Lead", lead, "email_id") == contact.email_id
	expect(page.get_by_role("button", name="View", exact=True)).to_be_visible()


def test_quick_campaign_from_a_lead_list_selection(site, login, users):
	suffix = site.generate_hash(length=6).lower()
	leads = [
		site.get_doc(
			{
				"doctype": "Lead",
				"first_name": f"E2E Quick {n} {suffix}",
				"email_id": f"e2e-lead-q{n}-{suffix}@example.com",
			}
		)
		.insert()
		.name
		for n in (1, 2)
	]
	site.db.commit()
	page = login(users["marketing_manager"])
	page.goto("/app/lead")
	page.get_by_role("button", name="100", exact=True).click()  # the new leads score least: last
	for lead in leads:
		page.locator(f'.list-row-checkbox[data-name="{lead}"]').check()
	page.get_by_role("button", name="Actions").click()
	page.locator(".dropdown-menu.show .dropdown-item", has_text="Quick Campaign").click()
	dialog = page.locator(".modal.show")
	name = f"E2E Quick {suffix}"
	dialog.locator('input[data-fieldname="campaign_name"]').fill(name)
	dialog.locator('select[data-fieldname="channel"]').select_option("Phone Call")
	dialog.get_by_role("button", name="Create").click()
	page.wait_for_url(re.compile(r"/app/campaign/(?!new)"))
	site.db.rollback()
	campaign = site.db.get_value(
		"Campaign", {"campaign_name": name}, ["name", "workflow_state"], as_dict=True
	)
	assert campaign.workflow_state == "Draft"
	target_list = site.db.get_value("Target List", {"list_name": name}, ["name", "list_type"], as_dict=True)
	assert target_list.list_type == "Static"
	members = site.get_all("Target List Member", filters={"target_list": target_list.name}, pluck="member")
	assert sorted(members) == sorted(leads)
	activity = site.get_all(
		"Campaign Activity", filters={"campaign": campaign.name}, fields=["channel", "name"]
	)
	assert [a.channel for a in activity] == ["Phone Call"]
	expect(page.locator(".page-head:visible .indicator-pill:visible").first).to_have_text("Draft")


def choose(page, fieldname: str):
	page.evaluate("(f) => cur_frm.crm_condition_dialog.set_value('field', f)", fieldname)
	page.wait_for_timeout(300)


def test_condition_picker_offers_fields_and_measures_with_their_widgets(site, login, users):
	page = login(users["marketing_manager"])
	page.goto("/app/target-list/new")
	name = f"E2E Picker {site.generate_hash(length=6)}"
	page.locator('input[data-fieldname="list_name"]').fill(name)
	page.locator('select[data-fieldname="member_doctype"]').select_option("Lead")
	page.locator('select[data-fieldname="list_type"]').select_option("Dynamic")
	page.get_by_role("button", name="Add Condition").click()
	dialog = page.locator(".modal.show")
	expect(dialog.locator('input[data-fieldname="field"]')).to_be_visible()
	# The picker offers fields and measures by label; choosing one sets what the control would.
	labels = page.evaluate(
		"() => cur_frm.crm_condition_dialog.fields_dict.field.df.options.map((o) => o.label)"
	)
	assert "Last Order Date · Derived Measure" in labels and "Territory · Lead Field" in labels
	choose(page, "last_order_date")
	expect(dialog.locator('select[data-fieldname="operator"]')).to_have_value("=")
	date = dialog.locator('input[data-fieldname="value_date"]')
	expect(date).to_be_visible()  # a date picker, not a text box
	expect(dialog.locator('input[data-fieldname="value_data"]')).to_be_hidden()
	dialog.locator('select[data-fieldname="operator"]').select_option(">=")
	date.fill("01-01-2024")
	dialog.locator(".modal-title").click()  # closes the calendar
	dialog.get_by_role("button", name="Add").click()
	# the grid's Field column reads the label, not the stored fieldname
	grid_field = page.locator(
		'[data-fieldname="conditions"] .grid-body .grid-row [data-fieldname="field_label"]'
	)
	expect(grid_field.first).to_have_text("Last Order Date")

	page.get_by_role("button", name="Add Condition").click()
	dialog = page.locator(".modal.show")
	expect(dialog.locator('input[data-fieldname="field"]')).to_be_visible()
	choose(page, "territory")
	link = dialog.locator('input[data-fieldname="value_link"]')
	expect(link).to_be_visible()
	link.fill("All Territories")
	page.wait_for_timeout(1000)
	dialog.locator(".modal-title").click()
	page.wait_for_timeout(500)
	dialog.get_by_role("button", name="Add").click()
	page.keyboard.press("Control+s")
	page.wait_for_url(re.compile(r"/app/target-list/(?!new)"))
	page.reload()  # the labels the server sends for saved rows
	expect(grid_field).to_have_text(["Last Order Date", "Territory"])
	site.db.rollback()
	rows = site.get_all(
		"Target List Condition",
		filters={"parent": site.db.get_value("Target List", {"list_name": name})},
		fields=["field", "operator", "value"],
		order_by="idx",
	)
	assert [(r.field, r.operator, r.value) for r in rows] == [
		("last_order_date", ">=", "2024-01-01"),
		("territory", "=", "All Territories"),
	]


def test_workspace_and_roi_report_are_all_ukrainian(login, users, demo_loaded):
	page = login(users["manager_uk"])
	open_workspace(page)
	page.wait_for_selector(".widget.dashboard-widget-box .chart-legend, .widget.dashboard-widget-box svg")
	page.wait_for_timeout(1500)
	main = page.locator(".layout-main-section")
	expect(main.get_by_text("Звіти та довідники", exact=True)).to_be_visible()
	for grade in ("Гарячий", "Теплий", "Холодний"):
		expect(main.get_by_text(grade, exact=True).first).to_be_visible()  # none clipped
	assert english_left([main.inner_text()]) == set(), main.inner_text()

	page.goto("/app/query-report/Campaign ROI?campaign_type=Exhibition")
	expect(page.locator(".dt-scrollable").get_by_text(demo_loaded.CAMPAIGN).first).to_be_visible()
	page.wait_for_timeout(1500)
	texts = [page.locator(".page-head:visible").inner_text()]
	texts += page.locator(".page-form input:visible").evaluate_all(
		"(inputs) => inputs.map((i) => i.placeholder || '')"
	)
	texts += page.locator(".dt-cell__content--header").all_inner_texts()
	texts += page.locator(".chart-container .legend-dataset-text, .chart-legend").all_inner_texts()
	# every cell but the campaign's name (data)
	texts += page.locator(".dt-scrollable .dt-cell__content:not(.dt-cell__content--col-1)").all_inner_texts()
	assert english_left(texts) == set(), [t for t in texts if english_left([t])]


def test_score_breakdown_sits_beside_the_score_on_the_lead_form(site, login, users, demo_loaded):
	from crm_marketing_app.scoring.explain import explain_score

	emails = [demo_loaded.lead_email(lead) for lead in demo_loaded.LEADS]
	lead = site.get_all(
		"Lead",
		filters={"email_id": ("in", emails)},
		fields=["name", "marketing_score"],
		order_by="marketing_score desc",
		limit=1,
	)[0]
	explained = explain_score("Lead", lead.name)
	page = login(users["sales_rep"])
	page.goto(f"/app/lead/{lead.name}")
	breakdown = page.locator('[data-fieldname="score_breakdown"]')
	# on the tab the form opens on, without going to Connections
	expect(breakdown.locator("table")).to_be_visible()
	expect(breakdown.locator("tbody tr")).to_have_count(len(explained["rules"]))
	expect(breakdown.locator("tfoot")).to_contain_text(str(lead.marketing_score))
	# in the score's own section, next to it
	section = page.locator(".form-section", has=breakdown)
	expect(section.locator('[data-fieldname="marketing_score"]')).to_be_visible()
	expect(section.locator('[data-fieldname="score_grade"]')).to_be_visible()
	assert "connections" not in (breakdown.evaluate("(el) => el.closest('.tab-pane')?.id || ''").lower())
	expect(page.locator(".form-dashboard")).not_to_contain_text("Score Breakdown")
