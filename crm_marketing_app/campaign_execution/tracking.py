"""Open and click tracking of distributed messages through HMAC-signed links."""

import base64
from urllib.parse import urlparse

import frappe
from frappe import _
from frappe.rate_limiter import rate_limit
from frappe.utils import now_datetime
from frappe.utils.password import get_encryption_key

from crm_marketing_app.campaign_execution import web_tracking
from crm_marketing_app.engine.tracking import TRACKED_EVENTS, signed_query, verify
from crm_marketing_app.utils import site_url

TRACK_PATH = "/api/method/crm_marketing_app.api.track"
# A transparent 1x1 GIF: what a mail client loads for the open pixel.
PIXEL = base64.b64decode("R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7")


def tracking_url(
	activity: str, respondent_doctype: str, respondent: str, event: str, target: str | None = None
) -> str:
	params = {"a": activity, "d": respondent_doctype, "r": respondent, "e": event}
	if event == "click":
		params["u"] = target or site_url()
	return site_url(f"{TRACK_PATH}?{signed_query(get_encryption_key(), params)}")


@frappe.whitelist(allow_guest=True, methods=["GET"])
@rate_limit(limit=120, seconds=60)
def track(a: str, d: str, r: str, e: str, s: str, u: str | None = None):
	"""Records an Opened / Clicked response of a signed link, then shows the pixel or redirects.

	The signature is the permission: it proves the link was made by this site for
	exactly this activity, person, event and target, so a forged or altered link
	gets 403 and nothing is recorded.
	"""
	params = {"a": a, "d": d, "r": r, "e": e}
	if u is not None:
		params["u"] = u
	if e not in TRACKED_EVENTS or not verify(get_encryption_key(), params, s):
		raise frappe.PermissionError(_("This tracking link is not valid"))
	if e == "click" and urlparse(u or "").scheme not in ("http", "https"):
		raise frappe.PermissionError(_("This tracking link is not valid"))

	record_response(a, d, r, TRACKED_EVENTS[e])
	frappe.local.flags.commit = True  # GET requests are not committed by default

	if e == "click":
		web_tracking.identify_from_link(a, d, r)
		frappe.local.response["type"] = "redirect"
		frappe.local.response["location"] = u
	else:
		frappe.local.response.update(
			{
				"type": "download",
				"filename": "pixel.gif",
				"filecontent": PIXEL,
				"content_type": "image/gif",
				"display_content_as": "inline",
			}
		)


def record_response(
	activity: str, respondent_doctype: str, respondent: str, response_type: str
) -> str | None:
	"""One response of each type per (activity, person): reopening a mail does not count twice.

	Concurrent first hits of one link queue on the activity's row lock, and the check reads what
	the others committed (a locking read), so one inserts and the rest find it: no duplicate and
	no deadlock between their inserts and the respondent's rescoring.
	"""
	activity_row = frappe.db.get_value(
		"Campaign Activity", activity, ["campaign", "channel"], as_dict=True, for_update=True
	)
	if not activity_row:
		return None
	existing = frappe.db.get_value(
		"Campaign Response",
		{
			"campaign_activity": activity,
			"respondent_doctype": respondent_doctype,
			"respondent": respondent,
			"response_type": response_type,
		},
		for_update=True,
	)
	if existing:
		return existing
	campaign, channel = activity_row.campaign, activity_row.channel
	return (
		frappe.get_doc(
			{
				"doctype": "Campaign Response",
				"campaign": campaign,
				"campaign_activity": activity,
				"respondent_doctype": respondent_doctype,
				"respondent": respondent,
				"response_type": response_type,
				"response_date": now_datetime(),
				"channel": channel,
			}
		)
		.insert(ignore_permissions=True)
		.name
	)


def on_email_unsubscribe(doc, method=None) -> None:
	"""Email Unsubscribe after_insert: Frappe's unsubscribe link in an activity's mail is an Unsubscribed response."""
	if doc.reference_doctype != "Campaign Activity" or not doc.reference_name:
		return
	recipient = frappe.db.get_value(
		"Campaign Response",
		{"campaign_activity": doc.reference_name, "response_type": "Sent", "email": doc.email},
		["respondent_doctype", "respondent"],
	)
	if recipient:
		record_response(doc.reference_name, *recipient, "Unsubscribed")
