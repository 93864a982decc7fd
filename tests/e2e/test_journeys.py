"""Marketing Journeys in the desk: the flow diagram with its counts, Activate, Enrol from a Lead form
and a Lead list selection, the Lead's journeys, and what each role is offered (see conftest.py)."""

import re

import pytest
from playwright.sync_api import expect

from crm_marketing_app.bulk import insert_rows
from crm_marketing_app.journeys.enrolments import enrol
from tests.e2e.conftest import screenshot
from tests.e2e.test_desk import committed_value

pytestmark = pytest.mark.e2e

# An invitation: mail, wait, did they accept? yes → a stand meeting; no → an A/B reminder.
STEPS = [
	{"step_id": "S1", "step_type": "Create ToDo", "description": "Invite {{ member.lead_name }}", "next_step": "S2",
	 "step_label": "Invite by phone"},
	{"step_id": "S2", "step_type": "Wait", "wait_days": 3, "next_step": "S3"},
	{"step_id": "S3", "step_type": "Branch", "condition_type": "Response", "response_type": "Accepted",
	 "within_days": 7, "next_step": "S4", "else_step": "S5", "step_label": "Accepted?"},
	{"step_id": "S4", "step_type": "Create ToDo", "description": "Book the stand meeting", "step_label": "Stand meeting"},
	{"step_id": "S5", "step_type": "Split", "split_percent": 50, "else_percent": 50, "next_step": "S6",
	 "else_step": "S7", "step_label": "Reminder test"},
	{"step_id": "S6", "step_type": "Create ToDo", "description": "Remind by phone", "step_label": "Call"},
	{"step_id": "S7", "step_type": "Exit"},
]  # fmt: skip


@pytest.fixture(autouse=True)
def leads_removed_after(site, users):
	"""Each test's leads, and the Lead list filters it left in its users' list settings, go when it
	ends: the Lead list tests after these see the whole list."""
	yield
	site.db.rollback()
	for user in users.values():
		site.cache.hdel("_user_settings", f"Lead::{user}")
	site.db.sql("delete from `__UserSettings` where doctype = 'Lead' and user in %s", [tuple(users.values())])
	leads = site.get_all("Lead", filters={"email_id": ("like", "e2e-lead-j%")}, pluck="name")
	site.db.delete("Journey Enrolment", {"member_doctype": "Lead", "member": ("in", leads or [""])})
	site.db.delete("Journey Step Log", {"member_doctype": "Lead", "member": ("in", leads or [""])})
	for lead in leads:
		site.delete_doc("Lead", lead, force=True)
	site.db.commit()


def make_journey(site, status: str = "Active") -> str:
	journey = site.get_doc(
		{
			"doctype": "Marketing Journey",
			"journey_name": f"E2E Journey {site.generate_hash(length=6)}",
			"entry_type": "Manual",
			"steps": STEPS,
		}
	).insert()
	if status == "Active":
		journey.activate()
	site.db.commit()
	return journey.name


def make_leads(site, count: int) -> tuple[list[str], str]:
	suffix = site.generate_hash(length=6).lower()
	company = f"E2E Journey Co {suffix}"
	leads = [
		site.get_doc(
			{
				"doctype": "Lead",
				"first_name": f"E2E Traveller {n} {suffix}",
				"company_name": company,
				"email_id": f"e2e-lead-j{n}-{suffix}@example.com",
			}
		)
		.insert()
		.name
		for n in range(1, count + 1)
	]
	site.db.commit()
	return leads, company


def enrolled(site, journey: str) -> list[str]:
	site.db.rollback()  # a new snapshot: what the server committed
	return sorted(site.get_all("Journey Enrolment", filters={"journey": journey}, pluck="member"))


def pick_journey(page, journey: str):
	"""Chooses the journey in the open Enrol dialog and enrols."""
	dialog = page.locator(".modal.show")
	field = dialog.locator('input[data-fieldname="journey"]')
	field.fill(journey)
	page.locator(".modal.show .awesomplete [role=option]", has_text=journey).first.click()
	expect(field).to_have_value(journey)
	dialog.get_by_role("button", name="Enrol", exact=True).click()
	expect(dialog).to_be_hidden()


def test_flow_diagram_draws_the_steps_routes_and_counts(site, login, users):
	journey = make_journey(site)
	leads, _company = make_leads(site, 3)
	rows = [
		{"journey": journey, "member_doctype": "Lead", "member": lead, "member_name": lead, "status": status,
		 "current_step": step, "pass_no": 1, "entry_key": site.generate_hash(length=32)}
		for lead, (step, status) in zip(leads, [("S2", "Waiting"), ("S3", "Waiting"), ("S6", "Failed")], strict=True)
	]  # fmt: skip
	insert_rows("Journey Enrolment", rows)
	enrolment = dict(
		site.get_all("Journey Enrolment", {"journey": journey}, ["member", "name"], as_list=True)
	)
	log = [(leads[0], "S1", "Done"), (leads[1], "S1", "Done"), (leads[2], "S1", "Done"), (leads[1], "S2", "Done"),
		   (leads[2], "S2", "Done"), (leads[2], "S3", "No"), (leads[2], "S5", "Done"), (leads[2], "S6", "Failed")]  # fmt: skip
	insert_rows(
		"Journey Step Log",
		[
			{"enrolment": enrolment[lead], "journey": journey, "step_id": step, "pass_no": 1, "outcome": outcome,
			 "member_doctype": "Lead", "member": lead}
			for lead, step, outcome in log
		],
	)  # fmt: skip
	site.db.commit()

	page = login(users["marketing_manager"])
	page.goto(f"/app/marketing-journey/{journey}")
	flow = page.locator('[data-fieldname="flow_html"] .journey-flow svg')
	expect(flow.locator(".flow-step")).to_have_count(len(STEPS))
	expect(flow.locator('.flow-step[data-step="S3"]')).to_contain_text("Accepted?")
	routes = flow.locator(".flow-route")
	expect(routes).to_have_text(["Yes", "No", "A", "B"])
	# the counts came: per step waiting, done, no, failed
	expect(flow.locator('.flow-step[data-step="S1"]')).to_contain_text("3 done")
	expect(flow.locator('.flow-step[data-step="S2"]')).to_contain_text("1 waiting · 2 done")
	expect(flow.locator('.flow-step[data-step="S3"]')).to_contain_text("1 waiting · 1 no")
	expect(flow.locator('.flow-step[data-step="S6"] .flow-count-failed')).to_have_text("1 failed")
	# layered from the first step: each route goes down, the branch's two targets side by side
	box = {
		s: flow.locator(f'.flow-step[data-step="{s}"] rect').first.bounding_box()
		for s in ("S1", "S2", "S3", "S4", "S5")
	}
	assert box["S1"]["y"] < box["S2"]["y"] < box["S3"]["y"] < box["S4"]["y"] == box["S5"]["y"]
	assert box["S4"]["x"] < box["S5"]["x"]
	expect(page.locator(".form-dashboard")).to_contain_text("Failed: 1")
	page.locator('[data-fieldname="flow_html"]').scroll_into_view_if_needed()
	screenshot(page, "journey-flow")

	# an edited route redraws at once, before any save: S4 and S6 end the journey; then S4 leads to S7
	ends = page.locator(".journey-flow .flow-end")
	expect(ends).to_have_count(2)
	page.evaluate("""() => {
		const row = cur_frm.doc.steps.find((s) => s.step_id === "S4");
		frappe.model.set_value(row.doctype, row.name, "next_step", "S7");
	}""")
	expect(ends).to_have_count(1)


def test_activate_pause_and_stop_from_the_form(site, login, users):
	journey = make_journey(site, status="Draft")
	page = login(users["marketing_user"])
	page.goto(f"/app/marketing-journey/{journey}")
	expect(page.locator(".page-head:visible .indicator-pill:visible").first).to_have_text("Draft")
	expect(page.get_by_role("button", name="Pause")).to_have_count(0)
	page.get_by_role("button", name="Activate").click()
	assert committed_value(site, "Marketing Journey", journey, "status", "Active") == "Active"
	expect(page.locator(".page-head:visible .indicator-pill:visible").first).to_have_text("Active")
	expect(page.get_by_role("button", name="Activate")).to_have_count(0)
	page.get_by_role("button", name="Pause").click()
	assert committed_value(site, "Marketing Journey", journey, "status", "Paused") == "Paused"
	page.get_by_role("button", name="Stop").click()
	page.locator(".modal.show").get_by_role("button", name="Yes").click()
	assert committed_value(site, "Marketing Journey", journey, "status", "Stopped") == "Stopped"
	expect(page.locator(".page-head:visible .indicator-pill:visible").first).to_have_text("Stopped")
	for label in ("Activate", "Pause", "Stop"):
		expect(page.get_by_role("button", name=label, exact=True)).to_have_count(0)


def test_enrol_from_a_lead_form_and_the_lead_shows_the_journey(site, login, users):
	journey = make_journey(site)
	(lead,), _company = make_leads(site, 1)
	page = login(users["marketing_user"])
	page.goto(f"/app/lead/{lead}")
	page.get_by_role("button", name="Enrol in Journey").click()
	pick_journey(page, journey)
	assert enrolled(site, journey) == [lead]
	# the form reloads and lists the journey, where the lead stands and its status
	row = page.locator('[data-fieldname="journeys_html"] .journey-enrolments tr', has_text=journey)
	expect(row).to_contain_text("S1 · Invite by phone")
	expect(row.locator(".indicator-pill")).to_have_text("Active")
	row.scroll_into_view_if_needed()
	screenshot(page, "lead-journeys")
	# and its Connections count it under Journeys (Frappe counts them once, when they come into view)
	page.reload()
	page.get_by_role("tab", name="Connections").click()
	group = page.locator(".form-link-title", has_text="Journeys")
	expect(group).to_be_visible()
	link = page.locator('.document-link[data-doctype="Journey Enrolment"]')
	link.scroll_into_view_if_needed()
	expect(link.locator(".count")).to_have_text("1")


def test_enrol_a_lead_list_selection(site, login, users):
	journey = make_journey(site)
	leads, company = make_leads(site, 2)
	page = login(users["marketing_manager"])
	page.goto(f"/app/lead?company_name={company.replace(' ', '%20')}")
	for lead in leads:
		page.locator(f'.list-row-checkbox[data-name="{lead}"]').check()
	page.get_by_role("button", name="Actions").click()
	page.locator(".dropdown-menu.show .dropdown-item", has_text="Enrol in Journey").click()
	expect(page.locator(".modal.show .modal-title")).to_have_text("Enrol 2 selected in a Journey")
	pick_journey(page, journey)
	assert enrolled(site, journey) == sorted(leads)
	expect(page.locator(".alert-message", has_text="2 enrolled in")).to_be_visible()

	# the enrolment list shows them with their status and step
	page.goto(f"/app/journey-enrolment?journey={journey.replace(' ', '%20')}")
	rows = page.locator(".list-row-container")
	expect(rows).to_have_count(2)
	expect(rows.first.locator(".indicator-pill").first).to_have_text("Active")


def test_a_sales_user_sees_journeys_but_cannot_run_or_enrol(site, login, users):
	journey = make_journey(site)
	(lead,), company = make_leads(site, 1)
	enrol(site.get_doc("Marketing Journey", journey), "Lead", [{"member": lead, "member_name": lead}])
	site.db.commit()

	page = login(users["sales_rep"])
	page.goto(f"/app/marketing-journey/{journey}")
	expect(page.locator('[data-fieldname="flow_html"] .flow-step')).to_have_count(len(STEPS))
	expect(page.locator('.flow-step[data-step="S1"]')).to_contain_text("1 waiting")
	for label in ("Activate", "Pause", "Stop"):
		expect(page.get_by_role("button", name=label, exact=True)).to_have_count(0)
	page.goto(f"/app/lead/{lead}")
	expect(
		page.locator('[data-fieldname="journeys_html"] .journey-enrolments tr', has_text=journey)
	).to_be_visible()
	expect(page.get_by_role("button", name="Enrol in Journey")).to_have_count(0)
	page.goto(f"/app/lead?company_name={company.replace(' ', '%20')}")
	page.locator(f'.list-row-checkbox[data-name="{lead}"]').check()
	page.get_by_role("button", name="Actions").click()
	expect(page.locator(".dropdown-menu.show")).to_be_visible()
	expect(page.locator(".dropdown-menu.show .dropdown-item", has_text="Enrol in Journey")).to_have_count(0)

	# a Marketing User is offered both
	page = login(users["marketing_user"])
	page.goto(f"/app/marketing-journey/{journey}")
	expect(page.get_by_role("button", name="Pause")).to_be_visible()
	expect(page.get_by_role("button", name="Stop")).to_be_visible()
	page.goto(f"/app/lead/{lead}")
	expect(page.get_by_role("button", name="Enrol in Journey")).to_be_visible()


def test_journey_form_in_ukrainian(site, login, users):
	journey = make_journey(site)
	page = login(users["manager_uk"])
	page.goto(f"/app/marketing-journey/{journey}")
	expect(page.locator(".journey-flow .flow-route")).to_have_text(["Так", "Ні", "A", "B"])  # noqa: RUF001
	expect(page.get_by_role("button", name="Призупинити")).to_be_visible()
	form = page.locator(".form-layout")
	for label in ("Хто входить", "Повторний вхід", "Вхід", "Ціль", "Кроки"):
		expect(form.get_by_text(label, exact=True).first).to_be_visible()
	expect(page.locator('.flow-step[data-step="S2"]')).to_contain_text("Очікування")
	assert re.search(
		r"Активний", page.locator(".page-head:visible .indicator-pill:visible").first.inner_text()
	)


def test_a_customer_and_its_contact_show_their_journeys(site, login, users):
	journey = make_journey(site)
	customer = site.get_doc(
		{
			"doctype": "Customer",
			"customer_name": f"E2E Journey Customer {site.generate_hash(length=6)}",
			"customer_group": "Commercial",
			"territory": "All Territories",
		}
	).insert()
	contact = site.get_doc(
		{
			"doctype": "Contact",
			"first_name": f"E2E Journey Contact {site.generate_hash(length=6)}",
			"links": [{"link_doctype": "Customer", "link_name": customer.name}],
		}
	).insert()
	journey_doc = site.get_doc("Marketing Journey", journey)
	enrol(journey_doc, "Customer", [{"member": customer.name, "member_name": customer.customer_name}])
	site.db.commit()
	try:
		page = login(users["marketing_user"])
		page.goto(f"/app/customer/{customer.name}")
		expect(
			page.locator('[data-fieldname="journeys_html"] .journey-enrolments tr', has_text=journey)
		).to_contain_text("S1 · Invite by phone")
		page.goto(f"/app/contact/{contact.name}")
		page.get_by_role("button", name="Enrol in Journey").click()
		pick_journey(page, journey)
		site.db.rollback()
		assert site.db.exists(
			"Journey Enrolment", {"journey": journey, "member_doctype": "Contact", "member": contact.name}
		)
		expect(
			page.locator('[data-fieldname="journeys_html"] .journey-enrolments tr', has_text=journey)
		).to_be_visible()
	finally:
		site.db.rollback()
		site.db.delete("Journey Enrolment", {"journey": journey})
		site.delete_doc("Contact", contact.name, force=True)
		site.delete_doc("Customer", customer.name, force=True)
		site.db.commit()
