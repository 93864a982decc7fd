"""Issue 13 over HTTP, against the served site: concurrent first hits on one tracking link, and
rate limits that a client-sent X-Forwarded-For does not get around.

The server sees only committed data, so these tests commit what they build and delete it after.
"""

import json
import threading
import urllib.error
import urllib.parse
import urllib.request

import frappe
import pytest
from frappe.utils import random_string

from crm_marketing_app.campaign_execution.tracking import TRACK_PATH, tracking_url
from tests.served_site import serve_site

WEB_FORM_ACCEPT = "frappe.website.doctype.web_form.web_form.accept"


@pytest.fixture(scope="module")
def base_url():
	with serve_site("security-serve") as url:
		yield url


class NoRedirect(urllib.request.HTTPRedirectHandler):
	def redirect_request(self, *args, **kwargs):
		return None  # report the redirect itself


def status_of(request: urllib.request.Request) -> int:
	opener = urllib.request.build_opener(NoRedirect)
	try:
		with opener.open(request, timeout=60) as response:
			return response.status
	except urllib.error.HTTPError as e:
		return e.code


@pytest.fixture
def committed_activity():
	tag = random_string(8)
	campaign = frappe.get_doc(
		{"doctype": "Campaign", "campaign_name": f"HTTP {tag}", "campaign_type": "Other"}
	).insert()
	lead = frappe.get_doc(
		{"doctype": "Lead", "first_name": f"Clicker {tag}", "email_id": f"click-{tag.lower()}@example.com"}
	).insert()
	activity = frappe.get_doc(
		{
			"doctype": "Campaign Activity",
			"campaign": campaign.name,
			"subject": f"HTTP {tag}",
			"channel": "Email",
			"scheduled_date": "2026-03-02",
		}
	).insert()
	frappe.db.commit()
	yield activity.name, lead.name
	frappe.db.rollback()
	frappe.db.delete("Campaign Response", {"campaign_activity": activity.name})
	frappe.db.delete("Campaign Activity", activity.name)
	frappe.db.delete("Lead", lead.name)
	frappe.db.delete("Campaign", campaign.name)
	frappe.db.commit()


def test_twenty_concurrent_first_hits_on_one_link_all_redirect(base_url, committed_activity):
	activity, lead = committed_activity
	link = tracking_url(activity, "Lead", lead, "click", "https://example.com/expo")
	path = link[link.index(TRACK_PATH) :]
	statuses, start = [], threading.Barrier(20)

	def hit():
		start.wait()
		statuses.append(status_of(urllib.request.Request(base_url + path)))

	threads = [threading.Thread(target=hit) for _ in range(20)]
	for t in threads:
		t.start()
	for t in threads:
		t.join(timeout=120)

	assert len(statuses) == 20 and set(statuses) <= {302, 303}, statuses
	frappe.db.rollback()  # a fresh snapshot: what the server committed
	assert (
		frappe.db.count(
			"Campaign Response",
			{"campaign_activity": activity, "respondent": lead, "response_type": "Clicked"},
		)
		== 1
	)


def test_rotating_x_forwarded_for_does_not_get_around_the_rate_limit(base_url):
	frappe.cache.delete_keys(f"rl:{WEB_FORM_ACCEPT}:")
	# a registration the form refuses (no such campaign): nothing is created, but every try counts
	data = urllib.parse.urlencode(
		{
			"web_form": "Event Registration",
			"data": frappe.as_json(
				{
					"doctype": "Marketing Confirmation",
					"campaign": f"NO-SUCH-{random_string(6)}",
					"email": "x@example.com",
				}
			),
		}
	).encode()
	statuses = [
		status_of(
			urllib.request.Request(
				f"{base_url}/api/method/{WEB_FORM_ACCEPT}",
				data=data,
				headers={"X-Forwarded-For": f"198.51.100.{n}", "Accept": "application/json"},
			)
		)
		for n in range(1, 13)
	]
	frappe.cache.delete_keys(f"rl:{WEB_FORM_ACCEPT}:")
	# the web form's own per-minute limit counts for one client whatever the header says
	assert 429 in statuses, statuses
	first = statuses.index(429)
	assert first > 0 and set(statuses[:first]) == {417} and set(statuses[first:]) == {429}, statuses


def test_the_registration_form_answers_a_new_a_known_and_a_registered_address_alike(base_url):
	"""Over HTTP, as a browser posts the form: nothing in the answer tells whether an address is in the CRM."""
	from tests.integration.helpers import default_company, make_campaign

	tag = random_string(8).lower()
	campaign = make_campaign("Approved", company=default_company()).name
	new, known, registered = (f"{kind}-{tag}@example.com" for kind in ("new", "known", "registered"))
	leads = [
		frappe.get_doc({"doctype": "Lead", "first_name": f"Known {tag}", "email_id": email}).insert().name
		for email in (known, registered)
	]
	frappe.get_doc(
		{
			"doctype": "Campaign Response",
			"campaign": campaign,
			"respondent_doctype": "Lead",
			"respondent": leads[1],
			"response_type": "Registered",
		}
	).insert()
	frappe.db.commit()

	def answer(email: str) -> tuple[int, dict]:
		form = {
			"doctype": "Marketing Confirmation",
			"campaign": campaign,
			"full_name": "Any Body",
			"email": email,
		}
		request = urllib.request.Request(
			f"{base_url}/api/method/{WEB_FORM_ACCEPT}",
			data=urllib.parse.urlencode(
				{"web_form": "Event Registration", "data": frappe.as_json(form)}
			).encode(),
			headers={"Accept": "application/json"},
		)
		try:
			with urllib.request.urlopen(request, timeout=60) as response:
				status, body = response.status, json.loads(response.read())
		except urllib.error.HTTPError as e:
			status, body = e.code, json.loads(e.read())
		for varying in ("name", "creation", "modified", "email"):
			body.get("message", {}).pop(varying, None)
		return status, body

	frappe.cache.delete_keys(f"rl:{WEB_FORM_ACCEPT}:")
	try:
		answers = [answer(email) for email in (new, known, registered)]
	finally:
		frappe.cache.delete_keys(f"rl:{WEB_FORM_ACCEPT}:")
		frappe.db.rollback()  # a fresh snapshot: what the server committed
		registrations = frappe.get_all(
			"Campaign Response", {"campaign": campaign, "response_type": "Registered"}, pluck="email"
		)
		leads += frappe.get_all("Lead", {"email_id": new}, pluck="name")
		held = frappe.get_all(
			"Marketing Confirmation", {"email": ("in", [new, known, registered])}, pluck="name"
		)
		mails = frappe.get_all("Email Queue", {"reference_name": ("in", held or [""])}, pluck="name")
		frappe.db.delete("Email Queue Recipient", {"parent": ("in", mails or [""])})
		frappe.db.delete("Email Queue", {"name": ("in", mails or [""])})
		frappe.db.delete("Marketing Confirmation", {"name": ("in", held or [""])})
		frappe.db.delete("Campaign Response", {"campaign": campaign})
		for lead in leads:
			frappe.delete_doc("Lead", lead, force=True)
		frappe.delete_doc("Campaign", campaign, force=True)
		frappe.db.commit()

	assert answers[0] == answers[1] == answers[2], answers
	status, body = answers[0]
	assert status == 200 and body["message"]["status"] == "Pending" and "person" not in body["message"]
	assert set(body) == {"message"}  # no message for one address that another does not get
	# behind the same answer: the new address registered at once, the known one waits for its link
	assert new in registrations and known not in registrations and len(held) == 3
