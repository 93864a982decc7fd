"""Website tracking over HTTP, against the site served by Frappe's own web server.

What the served site sees must be committed, so the module's fixture commits a campaign, an activity
and a score rule, and deletes them (and the leads and responses the tests made) afterwards. Beacons
queue their writes; `record()` runs the queued jobs as a worker would, then reads what they wrote.
"""

import base64
import json
import re

import frappe
import pytest
from frappe.utils import random_string
from frappe.utils.password import get_encryption_key

from crm_marketing_app.campaign_execution.tracking import tracking_url
from crm_marketing_app.campaign_execution.web_tracking import (
	UTM_COOKIE,
	VISITOR_COOKIE,
	record_web_response,
	site_key,
)
from crm_marketing_app.engine import web_tracking as web
from tests.integration.helpers import (
	default_company,
	make_campaign,
	make_contact,
	make_customer,
	make_item,
	make_user,
)
from tests.integration.test_revenue_attribution import attribution_settings, order, rows_of
from tests.served_site import Client, run_site_jobs, serve_site

SETTINGS = "CRM Marketing Settings"
VISIT_POINTS = 7
PASSWORD = "Web-Track-2026!"


@pytest.fixture(scope="module")
def served(site):
	with serve_site("web-tracking-serve") as url:
		yield url


@pytest.fixture(scope="module")
def world(site, served):
	"""A running campaign with a promo code, an email activity and a Website Visit score rule (committed)."""
	run_site_jobs()  # an interrupted earlier run's beacons must not land on this run's leads
	site.db.rollback()
	site.set_user("Administrator")
	promo = f"WEB{random_string(6).upper()}"
	campaign = make_campaign("Approved", company=default_company(), promo_code=promo).name
	activity = frappe.get_doc(
		{
			"doctype": "Campaign Activity",
			"subject": f"Newsletter {random_string(5)}",
			"campaign": campaign,
			"channel": "Email",
			"scheduled_date": "2026-04-01",
		}
	).insert()
	rule = frappe.get_doc(
		{
			"doctype": "Lead Score Rule",
			"rule_name": f"Web visit {random_string(6)}",
			"applies_to": "Lead",
			"enabled": 1,
			"rule_type": "Activity",
			"response_type": "Website Visit",
			"points": VISIT_POINTS,
			"per_occurrence": 1,
		}
	).insert()
	desk_user = make_user(["Marketing User"], prefix="web-desk")
	frappe.get_doc("User", desk_user).update({"new_password": PASSWORD}).save(ignore_permissions=True)
	site.db.commit()
	world = frappe._dict(
		url=served,
		campaign=campaign,
		activity=activity.name,
		promo=promo,
		key=site_key(served),
		leads=[],
		desk_user=desk_user,
	)
	yield world
	site.db.rollback()
	site.set_user("Administrator")
	leads = world.leads + frappe.get_all("Lead", {"campaign_name": campaign}, pluck="name")
	frappe.db.delete("Campaign Response", {"campaign": campaign})
	frappe.db.delete("Campaign Response", {"respondent": ("in", leads or [""])})
	for name in set(leads):
		frappe.delete_doc("Lead", name, force=True)
	frappe.delete_doc("Lead Score Rule", rule.name, force=True)
	frappe.delete_doc("Campaign Activity", activity.name, force=True)
	frappe.delete_doc("Campaign", campaign, force=True)
	frappe.delete_doc("User", desk_user, force=True)
	site.db.commit()
	frappe.cache.delete_keys("crm_web_seen:")  # the day's marks of leads whose names may be given again


def committed_lead(world) -> str:
	lead = frappe.get_doc({"doctype": "Lead", "first_name": f"Visitor {random_string(5)}"}).insert().name
	frappe.db.commit()
	world.leads.append(lead)
	return lead


def clicked(world, lead: str, **client) -> Client:
	"""A browser that clicked the activity's tracked link for `lead` (landing on the site's /about)."""
	browser = Client(world.url, **client)
	link = tracking_url(world.activity, "Lead", lead, "click", f"{world.url}/about")
	status, headers, _ = browser.get(link)
	assert status in (302, 303), status
	assert headers["Location"] == f"{world.url}/about"
	cookie = next(h for h in headers.get_all("Set-Cookie") if h.startswith(f"{VISITOR_COOKIE}="))
	assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
	return browser


def record() -> None:
	"""Runs the jobs the beacons queued, then starts a new transaction to see what they committed."""
	run_site_jobs()
	frappe.db.rollback()


def web_responses(respondent: str, response_type: str = "Website Visit") -> list[dict]:
	return frappe.get_all(
		"Campaign Response",
		{"respondent": respondent, "response_type": response_type},
		["page_url", "campaign", "campaign_activity", "channel", "utm_source", "utm_campaign", "lead"],
		order_by="page_url",
	)


def test_click_then_two_views_of_a_page_on_one_day_make_one_website_visit_and_score_it(world):
	lead = committed_lead(world)
	browser = clicked(world, lead)
	payload = web.decode_token(
		web.purpose_key(get_encryption_key(), "visitor"), browser.cookies[VISITOR_COOKIE], 0
	)
	assert (payload["d"], payload["r"], payload["c"], payload["a"]) == (
		"Lead",
		lead,
		world.campaign,
		world.activity,
	)
	assert payload["exp"] > 0
	frappe.db.rollback()
	score_before = frappe.db.get_value("Lead", lead, "marketing_score") or 0

	assert browser.beacon(world.key, f"{world.url}/about") == 200
	assert browser.beacon(world.key, f"{world.url}/about?ref=menu#team") == 200
	assert browser.beacon(world.key, f"{world.url}/contact") == 200
	record()

	def visit(page):
		return {
			"page_url": f"{world.url}{page}",
			"campaign": world.campaign,
			"campaign_activity": world.activity,
			"channel": "Website",
			"utm_source": None,
			"utm_campaign": None,
			"lead": lead,
		}

	assert web_responses(lead) == [visit("/about"), visit("/contact")]
	# The response's own hooks rescored the lead, as for any other response.
	assert (frappe.db.get_value("Lead", lead, "marketing_score") or 0) - score_before == 2 * VISIT_POINTS


def test_a_file_link_click_is_a_download_and_pages_or_other_files_are_not(world):
	lead = committed_lead(world)
	browser = clicked(world, lead)
	assert browser.beacon(world.key, f"{world.url}/files/price-list.PDF", "download") == 200
	assert browser.beacon(world.key, f"{world.url}/files/price-list.PDF", "download") == 200
	assert browser.beacon(world.key, f"{world.url}/about.html", "download") == 200
	assert browser.beacon(world.key, f"{world.url}/files/photo.exe", "download") == 200
	record()

	downloads = web_responses(lead, "Downloaded")
	assert [(d.page_url, d.campaign) for d in downloads] == [
		(f"{world.url}/files/price-list.PDF", world.campaign)
	]
	assert web_responses(lead) == []


def test_nobody_is_recorded_without_a_click_or_a_form_nor_bots_desk_users_or_excluded_pages(world):
	page = f"{world.url}/unknown-{random_string(6)}"
	stranger = Client(world.url)
	assert stranger.beacon(world.key, page) == 200
	assert VISITOR_COOKIE not in stranger.cookies

	lead = committed_lead(world)
	bot = clicked(world, lead, user_agent="Mozilla/5.0 (compatible; Googlebot/2.1)")
	assert bot.beacon(world.key, page) == 200
	person = clicked(world, lead)
	assert person.beacon(world.key, f"{world.url}/app/lead") == 200  # the desk is excluded
	marketer = clicked(world, lead)  # a desk user clicking their own campaign's link, then logged in
	status, _, _ = marketer.request("POST", "/api/method/login", {"usr": world.desk_user, "pwd": PASSWORD})
	assert status == 200 and marketer.cookies["sid"] != "Guest"
	_, _, html = marketer.get("/about")  # the page script sends the session's CSRF token along
	csrf_token = re.search(r'frappe.csrf_token = "([^"]+)"', html.decode()).group(1)
	assert marketer.beacon(world.key, page, csrf_token=csrf_token) == 200
	record()

	assert frappe.db.count("Campaign Response", {"page_url": page}) == 0
	assert web_responses(lead) == []


def test_the_registration_form_gives_its_lead_the_landing_utm_values_and_identifies_the_visitor(world):
	email = f"web-{random_string(8).lower()}@example.com"
	browser = Client(world.url)
	landing = f"{world.url}/expo?utm_source=newsletter&utm_medium=email&utm_campaign={world.promo}&utm_content=banner"
	assert browser.beacon(world.key, landing) == 200
	assert UTM_COOKIE in browser.cookies and VISITOR_COOKIE not in browser.cookies

	form = {
		"doctype": "Marketing Confirmation",
		"web_form_name": "event-registration",
		"campaign": world.campaign,
		"full_name": "Olena Web",
		"email": email,
		"organization": "Kyiv Wind",
	}
	status, _, body = browser.request(
		"POST",
		"/api/method/frappe.website.doctype.web_form.web_form.accept",
		{"web_form": "Event Registration", "data": frappe.as_json(form)},
	)
	assert status == 200, body
	frappe.db.rollback()
	lead = frappe.db.get_value(
		"Lead",
		{"email_id": email},
		["name", "campaign_name", "utm_source", "utm_medium", "utm_campaign", "utm_content"],
		as_dict=True,
	)
	world.leads.append(lead.name)
	assert (lead.utm_source, lead.utm_medium, lead.utm_campaign, lead.utm_content) == (
		"newsletter",
		"email",
		world.promo,
		"banner",
	)
	assert lead.campaign_name == world.campaign

	# The form identified the visitor: a later page view is theirs, with the landing's UTM values.
	assert VISITOR_COOKIE in browser.cookies
	assert browser.beacon(world.key, f"{world.url}/expo/programme") == 200
	record()
	visits = web_responses(lead.name)
	assert [(v.page_url, v.campaign, v.utm_source, v.utm_campaign) for v in visits] == [
		(f"{world.url}/expo/programme", world.campaign, "newsletter", world.promo)
	]


@pytest.fixture
def lead_web_form(site):
	"""A Web Form of the site's own (Frappe's) that creates Leads, committed; deleted afterwards."""
	form = frappe.get_doc(
		{
			"doctype": "Web Form",
			"title": f"Contact us {random_string(5)}",
			"route": f"contact-us-{random_string(6).lower()}",
			"doc_type": "Lead",
			"published": 1,
			"login_required": 0,
			"web_form_fields": [
				{"fieldname": "first_name", "fieldtype": "Data", "label": "First Name"},
				{"fieldname": "email_id", "fieldtype": "Data", "label": "Email", "options": "Email"},
			],
		}
	).insert()
	frappe.db.commit()
	yield form.name
	frappe.db.rollback()
	frappe.delete_doc("Web Form", form.name, force=True)
	frappe.db.commit()


def test_any_web_form_that_creates_a_lead_gives_it_the_utm_values_and_identifies_the_visitor(
	world, lead_web_form
):
	email = f"form-{random_string(8).lower()}@example.com"
	browser = Client(world.url)
	assert browser.beacon(world.key, f"{world.url}/?utm_source=ads&utm_campaign={world.promo}") == 200
	status, _, body = browser.request(
		"POST",
		"/api/method/frappe.website.doctype.web_form.web_form.accept",
		{
			"web_form": lead_web_form,
			"data": frappe.as_json({"doctype": "Lead", "first_name": "Taras", "email_id": email}),
		},
	)
	assert status == 200, body
	frappe.db.rollback()
	lead = frappe.db.get_value(
		"Lead", {"email_id": email}, ["name", "utm_source", "campaign_name"], as_dict=True
	)
	world.leads.append(lead.name)
	assert (lead.utm_source, lead.campaign_name) == ("ads", world.campaign)

	assert browser.beacon(world.key, f"{world.url}/pricing") == 200
	record()
	assert [(v.page_url, v.utm_source) for v in web_responses(lead.name)] == [(f"{world.url}/pricing", "ads")]


def forged_cookies(genuine: str) -> list[str]:
	body, signature = genuine.split(".")
	payload = json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
	other_person = base64.urlsafe_b64encode(json.dumps({**payload, "r": "CRM-LEAD-OTHER"}).encode()).decode()
	return [
		f"{other_person}.{signature}",  # altered payload, genuine signature
		web.encode_token(web.purpose_key("not this site's secret", "visitor"), payload),  # another key
		web.encode_token(web.purpose_key(get_encryption_key(), "utm"), payload),  # another purpose
		f"{body}.{signature[:-2]}xx",
		"garbage",
	]


def test_forged_cookies_other_sites_beacons_and_bad_urls_get_403_and_write_nothing(world):
	lead = committed_lead(world)
	browser = clicked(world, lead)
	genuine = browser.cookies[VISITOR_COOKIE]
	page = f"{world.url}/pricing"

	for cookie in forged_cookies(genuine):
		browser.cookies[VISITOR_COOKIE] = cookie
		assert browser.beacon(world.key, page) == 403, cookie
	browser.cookies[VISITOR_COOKIE] = genuine
	browser.cookies[UTM_COOKIE] = forged_cookies(genuine)[1]
	assert browser.beacon(world.key, page) == 403
	del browser.cookies[UTM_COOKIE]

	secret = get_encryption_key()
	other_site_keys = [
		web.encode_token(
			web.purpose_key("another site's secret", "site"), {"s": frappe.local.site, "o": world.url}
		),
		web.encode_token(web.purpose_key(secret, "site"), {"s": "other.localhost", "o": world.url}),
		site_key("https://www.other-company.example"),  # this site's key, for another website
		"not-a-key",
	]
	for key in other_site_keys:
		assert browser.beacon(key, page) == 403, key
	for url in (
		f"{world.url}/{'a' * 5000}",
		f"{world.url}/{'b' * (web.MAX_URL_LENGTH)}",
		"javascript:alert(1)",
		f"{world.url}/two words",
		f"{world.url}/line\nbreak",
		"http://[127.0.0.1/",
		"ftp://127.0.0.1/file.pdf",
		"https://www.other-company.example/pricing",
		"",
	):
		assert browser.beacon(world.key, url) == 403, url[:80]
	assert browser.beacon(world.key, page, "delete") == 403
	record()

	assert web_responses(lead) == []
	assert frappe.db.count("Campaign Response", {"respondent": "CRM-LEAD-OTHER"}) == 0


@pytest.fixture
def settings():
	"""settings(**fields) changes CRM Marketing Settings for one test (committed: the served site reads
	them); restored afterwards, with fresh rate-limit counts for the next tests."""
	doc = frappe.get_doc(SETTINGS)
	before = {}

	def change(**fields):
		for field, value in fields.items():
			before.setdefault(field, doc.get(field))
			doc.set(field, value)
		doc.save()
		frappe.db.commit()

	yield change
	for ip in ("127.0.0.1", "127.0.0.77", "127.0.0.78"):
		frappe.cache.delete_value(f"rl:crm_marketing_app.api.beacon:{ip}")
	frappe.db.rollback()
	doc.reload()
	doc.update(before)
	doc.save()
	frappe.db.commit()


def test_with_tracking_off_a_click_sets_no_cookie_and_beacons_write_nothing(world, settings):
	lead = committed_lead(world)
	identified = clicked(world, lead)
	settings(enable_web_tracking=0)
	browser = Client(world.url)
	status, _, _ = browser.get(tracking_url(world.activity, "Lead", lead, "click", f"{world.url}/about"))
	assert status in (302, 303) and VISITOR_COOKIE not in browser.cookies
	assert identified.beacon(world.key, f"{world.url}/about?utm_source=x") == 200
	assert UTM_COOKIE not in identified.cookies
	record()

	assert web_responses(lead) == []


def test_a_flood_of_one_person_or_from_one_ip_gets_429_and_writes_nothing_more(world, settings):
	suffix = random_string(6)
	settings(beacon_limit_per_ip=1000, beacon_limit_per_visitor=5)
	lead = committed_lead(world)
	person = clicked(world, lead, source_ip="127.0.0.78")
	statuses = [person.beacon(world.key, f"{world.url}/person-{suffix}-{i}") for i in range(8)]
	assert statuses == [200] * 5 + [429] * 3

	settings(beacon_limit_per_ip=20)
	flood = clicked(world, lead, source_ip="127.0.0.77")
	statuses = [flood.beacon(world.key, f"{world.url}/flood-{suffix}-{i}") for i in range(30)]
	assert statuses.count(429) >= 10 and statuses[-1] == 429
	record()

	assert len(web_responses(lead)) == 5


# -- in-process: the queued write -----------------------------------------------------------------


def visit_of(respondent_doctype: str, respondent: str, campaign: str, day: str = "2025-06-28") -> dict:
	page = "https://www.example.com/wind-turbines"
	return {
		"tracking_key": web.response_key(respondent_doctype, respondent, "Website Visit", page, day),
		"response_type": "Website Visit",
		"respondent_doctype": respondent_doctype,
		"respondent": respondent,
		"campaign": campaign,
		"activity": None,
		"page_url": page,
		"response_date": f"{day} 15:00:00",
		"utm": {"utm_source": "newsletter", "utm_campaign": "spring"},
	}


def test_a_visit_is_written_once_even_past_the_check_and_is_an_attribution_touch():
	campaign = make_campaign().name
	customer, item = make_customer(), make_item()
	contact = make_contact(customer)
	visit = visit_of("Contact", contact, campaign)

	first = record_web_response(**visit)
	assert record_web_response(**visit) == first
	# Two workers past the existence check at once: the unique key refuses the second row.
	duplicate = frappe.get_doc(
		{
			"doctype": "Campaign Response",
			"respondent_doctype": "Contact",
			"respondent": contact,
			"response_type": "Website Visit",
			"response_date": visit["response_date"],
			"tracking_key": visit["tracking_key"],
		}
	)
	with pytest.raises(frappe.UniqueValidationError):
		duplicate.insert()
	assert frappe.db.get_value("Campaign Response", first, ["utm_source", "utm_campaign", "channel"]) == (
		"newsletter",
		"spring",
		"Website",
	)

	with attribution_settings("Last Touch"):
		doc = order(customer, item, 640)
	assert [(r.campaign, r.amount) for r in rows_of(doc)] == [(campaign, 640)]


def test_the_campaign_form_counts_its_web_traffic():
	from crm_marketing_app.attribution.dashboard import get_campaign_revenue

	campaign = make_campaign().name
	leads = [frappe.get_doc({"doctype": "Lead", "first_name": f"Reader {i}"}).insert().name for i in range(2)]
	for lead, day in ((leads[0], "2025-06-27"), (leads[0], "2025-06-28"), (leads[1], "2025-06-28")):
		record_web_response(**visit_of("Lead", lead, campaign, day))
	record_web_response(
		**{**visit_of("Lead", leads[1], campaign), "response_type": "Downloaded", "tracking_key": "d"}
	)

	assert get_campaign_revenue(campaign)["web_traffic"] == {
		"Website Visit": {"responses": 3, "people": 2},
		"Downloaded": {"responses": 1, "people": 1},
	}


def test_only_who_may_change_the_settings_gets_a_tracking_code_and_only_for_a_website_address():
	from crm_marketing_app.campaign_execution.web_tracking import embed_snippet, site_origin

	code = embed_snippet("https://www.example.com/any/page")
	assert site_origin(re.search(r'data-key="([^"]+)"', code).group(1)) == "https://www.example.com"
	with pytest.raises(frappe.ValidationError):
		embed_snippet("javascript:alert(1)")
	frappe.set_user(make_user(["Marketing User"]))
	with pytest.raises(frappe.PermissionError):
		embed_snippet("https://www.example.com")
