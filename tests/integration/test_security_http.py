"""Issue 13 over HTTP, against the served site: concurrent first hits on one tracking link, and
rate limits that a client-sent X-Forwarded-For does not get around.

The server sees only committed data, so these tests commit what they build and delete it after.
"""

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
					"doctype": "Campaign Response",
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
