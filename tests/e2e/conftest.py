"""Browser tests: headless Chromium (Debian's /usr/bin/chromium) driven by Playwright
against the bench's web server, started here on 127.0.0.1 for the site `$CRM_SITE`.

The browser only sees committed data, so the fixtures commit what they create and
delete it again when the package's tests are done (package scope: the integration
tests' own site fixture takes the connection over afterwards): two users (a Marketing User and a
Marketing Manager, plus a Ukrainian-speaking manager) and everything those users
create. The demo data set is loaded when the site does not have it yet (and then
cleared afterwards), so the reports have real figures for the screenshots.
"""

import os

import pytest

from tests.served_site import run_site_jobs, serve_site
from tests.site import connect

CHROMIUM = os.environ.get("CRM_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
	"--headless",
	"--no-sandbox",
	"--disable-gpu",
	"--disable-quic",
	"--no-first-run",
	"--disable-background-networking",
	"--disable-component-update",
	"--disable-sync",
]
PASSWORD = "E2e-Pass-2026!"
SCREENSHOTS = os.path.join(
	os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))), "docs", "screenshots"
)


@pytest.fixture(scope="package")
def site():
	"""A connection to the prepared site, to create (and commit) what the browser works on."""
	if not os.path.exists(CHROMIUM):
		pytest.fail(f"No Chromium at {CHROMIUM}: apt-get install -y chromium")
	frappe = connect()
	yield frappe
	frappe.db.rollback()
	frappe.destroy()


@pytest.fixture(scope="package")
def base_url(site):
	"""The bench's web server for the site, on a free port, stopped after the session."""
	with serve_site("e2e-serve") as url:
		yield url


def run_background_jobs() -> None:
	"""Runs the jobs the desk queued for the site (e.g. a distribution), as a worker would."""
	print(run_site_jobs())  # shown when a test fails


@pytest.fixture(scope="package")
def users(site):
	"""{role key: email} of the e2e users; they and what they created are deleted afterwards."""
	frappe = site
	suffix = frappe.generate_hash(length=6).lower()
	specs = {
		"marketing_user": (["Marketing User", "Sales User"], "en"),
		"marketing_manager": (["Marketing Manager", "Sales User"], "en"),
		"manager_uk": (["Marketing Manager", "Sales User"], "uk"),
		"sales_rep": (["Sales User"], "en"),
		"accountant": (["Accounts User"], "en"),
	}
	created = {}
	for key, (roles, language) in specs.items():
		email = f"e2e-{key.replace('_', '-')}-{suffix}@example.com"
		frappe.get_doc(
			{
				"doctype": "User",
				"email": email,
				"first_name": key.replace("_", " ").title(),
				"send_welcome_email": 0,
				"user_type": "System User",
				"language": language,
				"new_password": PASSWORD,
				"roles": [{"role": r} for r in roles],
			}
		).insert(ignore_permissions=True)
		created[key] = email
	frappe.db.commit()
	yield created
	delete_created_by(frappe, list(created.values()))


def delete_created_by(frappe, emails: list[str]) -> None:
	"""Removes the users and the campaigns, activities, lists, journeys, leads and ToDos the e2e session made."""
	frappe.db.rollback()
	frappe.set_user("Administrator")
	campaigns = frappe.get_all("Campaign", filters={"campaign_name": ("like", "E2E %")}, pluck="name")
	activities = frappe.get_all(
		"Campaign Activity", filters={"campaign": ("in", campaigns or [""])}, pluck="name"
	)
	leads = frappe.get_all("Lead", filters={"email_id": ("like", "e2e-lead-%")}, pluck="name")
	journeys = frappe.get_all("Marketing Journey", filters={"journey_name": ("like", "E2E %")}, pluck="name")
	for doctype in ("Journey Step Log", "Journey Enrolment"):
		frappe.db.delete(doctype, {"journey": ("in", journeys or [""])})
	for name in journeys:
		frappe.delete_doc("Marketing Journey", name, force=True)
	frappe.db.delete("ToDo", {"reference_type": "Lead", "reference_name": ("in", leads or [""])})
	frappe.db.delete(
		"ToDo", {"reference_type": "Campaign Activity", "reference_name": ("in", activities or [""])}
	)
	frappe.db.delete("Campaign Response", {"campaign": ("in", campaigns or [""])})
	for name in activities:
		frappe.delete_doc("Campaign Activity", name, force=True)
	for name in frappe.get_all("Target List", filters={"list_name": ("like", "E2E %")}, pluck="name"):
		frappe.delete_doc("Target List", name, force=True)
	for name in campaigns:
		frappe.delete_doc("Campaign", name, force=True)
	for name in leads:
		frappe.delete_doc("Lead", name, force=True)
	frappe.db.delete("Workflow Action", {"reference_name": ("in", campaigns or [""])})
	for email in emails:
		frappe.delete_doc("User", email, force=True)
	frappe.db.commit()


@pytest.fixture(scope="package")
def demo_loaded(site):
	"""The demo data set, for reports with real figures; cleared afterwards when this session loaded it."""
	from crm_marketing_app import demo

	loaded_here = not site.db.exists("Campaign", demo.CAMPAIGN)
	if loaded_here:
		demo.load()
	yield demo
	if loaded_here:
		demo.clear()


@pytest.fixture(scope="package")
def browser():
	from playwright.sync_api import sync_playwright

	with sync_playwright() as playwright:
		chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
		yield chromium
		chromium.close()


@pytest.fixture
def login(browser, base_url):
	"""login(email) -> a page logged in as that user through the login form."""
	contexts = []

	def _login(email: str):
		context = browser.new_context(
			base_url=base_url, viewport={"width": 1440, "height": 900}, locale="en-US"
		)
		context.set_default_timeout(30000)
		contexts.append(context)
		page = context.new_page()
		page.goto("/login")
		page.fill("#login_email", email)
		page.fill("#login_password", PASSWORD)
		page.click(".btn-login")
		page.wait_for_url("**/app**")
		return page

	yield _login
	for context in contexts:
		context.close()


def screenshot(page, name: str) -> str:
	"""Saves docs/screenshots/<name>.png (the README shows them)."""
	os.makedirs(SCREENSHOTS, exist_ok=True)
	path = os.path.join(SCREENSHOTS, f"{name}.png")
	page.screenshot(path=path)
	return path
