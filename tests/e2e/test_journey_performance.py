"""Journey Performance in the desk: its steps, the A/B verdict, the summary and the chart, in English
and Ukrainian (the figures themselves: tests/integration/test_journey_performance.py)."""

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import screenshot
from tests.e2e.test_desk import wait_for_drawn_chart
from tests.integration.test_journey_performance import MARCH, journey_with_people

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def journey(site):
	"""The integration test's journey and people, committed for the browser and deleted afterwards."""
	site.set_user("Administrator")
	name = journey_with_people()
	site.db.commit()
	yield name
	site.db.rollback()
	site.db.delete("Journey Step Log", {"journey": name})
	site.db.delete("Journey Enrolment", {"journey": name})
	site.delete_doc("Marketing Journey", name, force=True)
	site.db.commit()


def open_report(page, journey):
	page.goto(
		f"/app/query-report/Journey Performance?journey={journey}"
		f"&from_date={MARCH['from_date']}&to_date={MARCH['to_date']}"
	)
	expect(page.locator(".dt-scrollable").get_by_text("Which call", exact=True).first).to_be_visible(
		timeout=60000
	)
	wait_for_drawn_chart(page)


def test_steps_verdict_summary_and_chart(login, users, journey):
	page = login(users["marketing_manager"])
	open_report(page, journey)
	table = page.locator(".dt-scrollable")
	expect(table.get_by_text("Winner at 95 %: A").first).to_be_visible()
	expect(table.get_by_text("Variant B", exact=True)).to_be_visible()
	# a step's row leaves the variants' columns empty; a variant's shows its rate
	expect(table.locator(".dt-row", has_text="Two days")).not_to_contain_text("%")
	expect(table.locator(".dt-row", has_text="Variant A")).to_contain_text("39.6")
	summary = page.locator(".report-summary")
	expect(summary).to_contain_text("Enrolled")
	expect(summary).to_contain_text("213")
	expect(summary).to_contain_text("28.17")
	expect(page.locator(".chart-container .legend-dataset-text, .chart-legend").first).to_be_visible()
	screenshot(page, "journey-performance")


def test_in_ukrainian(login, users, journey):
	page = login(users["manager_uk"])
	open_report(page, journey)
	expect(
		page.locator(".dt-scrollable").get_by_text("Переможець з надійністю 95 %: A").first
	).to_be_visible()
	headers = page.locator(".dt-header").first.inner_text()
	for label in ("Увійшли", "Ще чекають", "Досягли мети тут", "Висновок A/B"):
		assert label in headers, headers
	expect(page.locator(".report-summary")).to_contain_text("Учасників")
	expect(page.locator(".chart-container").get_by_text("Ще чекають").first).to_be_visible()
