"""Website tracking in a real browser: a tracked link's click, then the site's own pages report back;
the tracking code of another website from the settings."""

import re

import pytest

from crm_marketing_app.campaign_execution.tracking import tracking_url
from crm_marketing_app.campaign_execution.web_tracking import VISITOR_COOKIE
from tests.e2e.conftest import run_background_jobs
from tests.served_site import served_path

pytestmark = pytest.mark.e2e

# A desktop Chrome: Playwright's own headless user agent is (rightly) taken for a bot.
USER_AGENT = (
	"Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36"
)


@pytest.fixture
def newsletter(site):
	"""A campaign, its email activity and a lead who got the mail (committed; deleted afterwards)."""
	frappe = site
	frappe.db.rollback()
	frappe.set_user("Administrator")
	suffix = frappe.generate_hash(length=6)
	campaign = frappe.get_doc(
		{"doctype": "Campaign", "campaign_name": f"E2E Web {suffix}", "campaign_type": "Exhibition"}
	).insert()
	activity = frappe.get_doc(
		{
			"doctype": "Campaign Activity",
			"subject": f"E2E newsletter {suffix}",
			"campaign": campaign.name,
			"channel": "Email",
			"scheduled_date": "2026-04-01",
		}
	).insert()
	lead = frappe.get_doc({"doctype": "Lead", "first_name": f"E2E Reader {suffix}"}).insert()
	frappe.db.commit()
	yield frappe._dict(campaign=campaign.name, activity=activity.name, lead=lead.name)
	frappe.db.rollback()
	frappe.db.delete("Campaign Response", {"respondent": lead.name})
	frappe.delete_doc("Lead", lead.name, force=True)
	frappe.delete_doc("Campaign Activity", activity.name, force=True)
	frappe.delete_doc("Campaign", campaign.name, force=True)
	frappe.db.commit()
	frappe.cache.delete_keys("crm_web_seen:")


def test_a_page_visited_after_a_tracked_click_is_recorded_with_its_downloads(
	site, browser, base_url, newsletter
):
	context = browser.new_context(base_url=base_url, user_agent=USER_AGENT)
	try:
		page = context.new_page()
		beacons = []
		page.on("request", lambda r: "crm_marketing_app.api.beacon" in r.url and beacons.append(r))
		with page.expect_response(lambda r: "crm_marketing_app.api.beacon" in r.url) as answered:
			link = tracking_url(newsletter.activity, "Lead", newsletter.lead, "click", f"{base_url}/about")
			page.goto(served_path(link))
		assert page.url == f"{base_url}/about"
		assert answered.value.status == 200

		cookie = next(c for c in context.cookies() if c["name"] == VISITOR_COOKIE)
		assert cookie["httpOnly"] and cookie["sameSite"] == "Lax"
		assert VISITOR_COOKIE not in page.evaluate("document.cookie")  # the page's scripts cannot read it

		# A file link on the page: the script reports it as a download before the browser follows it.
		with page.expect_response(lambda r: "crm_marketing_app.api.beacon" in r.url) as answered:
			page.evaluate(
				"""() => {
					const link = Object.assign(document.createElement("a"), {href: "/files/E2E-price-list.pdf"});
					link.addEventListener("click", (event) => event.preventDefault());
					document.body.appendChild(link);
					link.click();
				}"""
			)
		assert answered.value.status == 200
		assert [r.method for r in beacons] == ["POST", "POST"]
	finally:
		context.close()

	run_background_jobs()
	site.db.rollback()
	recorded = site.get_all(
		"Campaign Response",
		{"respondent": newsletter.lead, "response_type": ("in", ["Website Visit", "Downloaded"])},
		["response_type", "page_url", "campaign", "campaign_activity", "channel"],
		order_by="response_type desc",
	)
	assert recorded == [
		{
			"response_type": "Website Visit",
			"page_url": f"{base_url}/about",
			"campaign": newsletter.campaign,
			"campaign_activity": newsletter.activity,
			"channel": "Website",
		},
		{
			"response_type": "Downloaded",
			"page_url": f"{base_url}/files/E2E-price-list.pdf",
			"campaign": newsletter.campaign,
			"campaign_activity": newsletter.activity,
			"channel": "Website",
		},
	]


def test_a_marketing_manager_gets_the_tracking_code_of_another_website(site, login, users):
	from crm_marketing_app.campaign_execution.web_tracking import site_origin

	page = login(users["marketing_manager"])
	page.goto("/app/crm-marketing-settings")
	page.get_by_role("button", name="Website Tracking Code").click()
	page.locator(".modal.show input[data-fieldname='origin']").fill("https://www.example.com/about")
	page.locator(".modal.show .btn-primary").click()
	code = page.locator(".modal.show pre").inner_text()
	assert code.startswith('<script src="') and "/crm_web_tracking.js" in code
	key = re.search(r'data-key="([^"]+)"', code).group(1)
	assert site_origin(key) == "https://www.example.com"
