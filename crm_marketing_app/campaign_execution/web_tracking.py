"""Website tracking: who a visitor is (signed cookies), what they did (beacons), where they came from (UTM).

- A click on a tracked link, or a form submitted on the site, sets the `crm_visitor` cookie (signed,
  HttpOnly, expiring) naming the person and the campaign. Nothing else identifies anybody.
- The page script (`/crm_web_tracking.js`, in `web_include_js`, or embedded on another website of the
  company with its site key) posts a beacon per page view and per file link clicked. A beacon of an
  identified visitor becomes, once per person, page and day, a `Website Visit` or `Downloaded`
  Campaign Response; the write is queued, so the beacon answers at once.
- The `utm_*` values of a landing URL go into the `crm_utm` cookie (signed), then onto the Lead a web
  form creates and onto the visitor's Website Visit responses.
"""

import time

import frappe
from frappe import _
from frappe.query_builder.functions import Concat, Count
from frappe.rate_limiter import rate_limit
from frappe.utils import cint, get_url, now_datetime, nowdate
from frappe.utils.password import get_encryption_key

from crm_marketing_app.engine.web_tracking import (
	MAX_UTM_LENGTH,
	UTM_FIELDS,
	InvalidToken,
	decode_token,
	encode_token,
	is_bot,
	is_download,
	is_excluded,
	origin_of,
	purpose_key,
	response_key,
	split_list,
	split_url,
	utm_values,
)
from crm_marketing_app.jobs import enqueue_for
from crm_marketing_app.utils import get_settings

VISITOR_COOKIE = "crm_visitor"
UTM_COOKIE = "crm_utm"
BEACON_KINDS = {"view": "Website Visit", "download": "Downloaded"}
CHANNEL = "Website"
DEFAULT_COOKIE_DAYS = 90
DEFAULT_LIMIT_PER_IP = 1200  # beacons a minute: an office behind one address browses a lot
DEFAULT_LIMIT_PER_VISITOR = 60  # beacons a minute: one person reads at most a page a second
SEEN_TTL = 26 * 3600  # the per-day dedupe marks outlive the day whatever the time zone


def key_for(purpose: str) -> bytes:
	return purpose_key(get_encryption_key(), purpose)


def tracking_enabled() -> bool:
	return bool(cint(get_settings().enable_web_tracking))


def cookie_days() -> int:
	return cint(get_settings().tracking_cookie_days) or DEFAULT_COOKIE_DAYS


def set_signed_cookie(name: str, purpose: str, payload: dict) -> None:
	cookies = getattr(frappe.local, "cookie_manager", None)
	if not cookies or not frappe.request:
		return
	days = cookie_days()
	token = encode_token(key_for(purpose), {**payload, "exp": int(time.time()) + days * 86400})
	cookies.set_cookie(name, token, max_age=days * 86400, httponly=True, samesite="Lax")


def read_signed_cookie(name: str, purpose: str) -> dict | None:
	"""The cookie's payload; None when absent or expired; PermissionError when forged or altered."""
	token = frappe.request.cookies.get(name) if frappe.request else None
	if not token:
		return None
	try:
		return decode_token(key_for(purpose), token, time.time())
	except InvalidToken:
		raise frappe.PermissionError(_("This tracking cookie is not valid")) from None


# -- identify -----------------------------------------------------------------------------------


def identify(
	respondent_doctype: str, respondent: str, campaign: str | None = None, activity: str | None = None
):
	"""Names the visitor of this request in the `crm_visitor` cookie (a click or a form submitted)."""
	if respondent_doctype and respondent and tracking_enabled():
		set_signed_cookie(
			VISITOR_COOKIE,
			"visitor",
			{"d": respondent_doctype, "r": respondent, "c": campaign or "", "a": activity or ""},
		)


def identify_from_link(activity: str, respondent_doctype: str, respondent: str) -> None:
	"""A click on a tracked link of an activity."""
	identify(
		respondent_doctype,
		respondent,
		frappe.db.get_value("Campaign Activity", activity, "campaign"),
		activity,
	)


def submitted_on_the_site() -> bool:
	"""Whether this request is a visitor's form: a web form, or any guest request (a public form's endpoint)."""
	return bool(frappe.request) and (bool(frappe.flags.in_web_form) or frappe.session.user == "Guest")


def identify_form_person(doc) -> None:
	"""Lead / Contact after_insert: a person created by a form on the site is the visitor who submitted it."""
	if submitted_on_the_site():
		identify(doc.doctype, doc.name, doc.get("campaign_name"))


# -- UTM ----------------------------------------------------------------------------------------


def utm_of(payload: dict | None) -> dict[str, str]:
	payload = payload or {}
	return {field: str(payload[field])[:MAX_UTM_LENGTH] for field in UTM_FIELDS if payload.get(field)}


def visitor_utm() -> dict[str, str]:
	"""The UTM values of this request's `crm_utm` cookie (a forged one counts as none: a form still works)."""
	try:
		return utm_of(read_signed_cookie(UTM_COOKIE, "utm"))
	except frappe.PermissionError:
		return {}


def campaign_for_utm(utm_campaign: str | None) -> str | None:
	"""The Campaign a `utm_campaign` value names: by name, campaign name or promo code."""
	if not utm_campaign:
		return None
	for field in ("name", "campaign_name", "promo_code"):
		campaign = frappe.db.get_value("Campaign", {field: utm_campaign})
		if campaign:
			return campaign
	return None


def fill_lead_utm(doc) -> None:
	"""Lead before_insert: a Lead from a form on the site keeps the visitor's UTM values and campaign."""
	if not submitted_on_the_site():
		return
	utm = visitor_utm()
	for field, value in utm.items():
		if not doc.get(field):
			doc.set(field, value)
	if not doc.campaign_name:
		doc.campaign_name = campaign_for_utm(doc.get("utm_campaign"))


# -- record -------------------------------------------------------------------------------------


def limit_per_ip() -> int:
	return cint(get_settings().beacon_limit_per_ip) or DEFAULT_LIMIT_PER_IP


def limit_per_visitor() -> int:
	return cint(get_settings().beacon_limit_per_visitor) or DEFAULT_LIMIT_PER_VISITOR


@rate_limit(key="crm_visitor_key", limit=limit_per_visitor, seconds=60, ip_based=False)
def count_visitor_beacon() -> None:
	"""Frappe's limiter keyed on the verified visitor (set in form_dict by the beacon, not by the client)."""


def site_origin(site_key: str) -> str:
	"""The origin a site key was issued for; PermissionError for a forged key or another site's."""
	try:
		payload = decode_token(key_for("site"), site_key)
	except InvalidToken:
		payload = None
	if not payload or payload.get("s") != frappe.local.site or not payload.get("o"):
		raise frappe.PermissionError(_("This tracking beacon is not valid"))
	return payload["o"]


def site_key(origin: str) -> str:
	"""The key a page of `origin` sends with its beacons (public: it only says which site accepts them)."""
	return encode_token(key_for("site"), {"s": frappe.local.site, "o": origin_of(origin)})


def is_desk_user() -> bool:
	user = frappe.session.user
	return user != "Guest" and frappe.get_cached_value("User", user, "user_type") == "System User"


@frappe.whitelist(allow_guest=True, methods=["POST"])
@rate_limit(limit=limit_per_ip, seconds=60)
def beacon(k: str, u: str, e: str = "view") -> None:
	"""One page view (`e` = view) or file link click (`e` = download) of page `u`, with site key `k`.

	Everything is checked before anything is written: a forged site key, a key of another site or
	origin, a huge or malformed URL or a forged cookie gets 403; a flood 429 (per IP, then per person).
	"""
	settings = get_settings()
	if e not in BEACON_KINDS:
		raise frappe.PermissionError(_("This tracking beacon is not valid"))
	origin = site_origin(k)
	try:
		page_origin, page = split_url(u)
	except ValueError:
		raise frappe.PermissionError(_("This tracking beacon is not valid")) from None
	# A page of the key's website; a file also on this site (where the CRM keeps its attachments).
	if page_origin != origin and not (e == "download" and page_origin == origin_of(get_url())):
		raise frappe.PermissionError(_("This tracking beacon is not valid"))
	visitor = read_signed_cookie(VISITOR_COOKIE, "visitor")
	utm = utm_of(read_signed_cookie(UTM_COOKIE, "utm"))
	if not tracking_enabled() or is_desk_user() or is_bot(frappe.get_request_header("User-Agent")):
		return

	if e == "view" and (landing_utm := utm_values(u)):
		utm = landing_utm
		set_signed_cookie(UTM_COOKIE, "utm", utm)
	if not visitor or is_excluded(page, split_list(settings.tracking_excluded_paths)):
		return
	if e == "download" and not is_download(page, split_list(settings.tracking_download_extensions)):
		return
	frappe.form_dict.crm_visitor_key = f"{visitor['d']}:{visitor['r']}"
	count_visitor_beacon()

	response_type = BEACON_KINDS[e]
	key = response_key(visitor["d"], visitor["r"], response_type, page, nowdate())
	# A repeat of today's page view stops here, without a job; the unique key stays the guarantee.
	if not frappe.cache.set(frappe.cache.make_key(f"crm_web_seen:{key}"), 1, ex=SEEN_TTL, nx=True):
		return
	enqueue_for(
		"crm_marketing_app.campaign_execution.web_tracking.record_web_response",
		key,
		tracking_key=key,
		response_type=response_type,
		respondent_doctype=visitor["d"],
		respondent=visitor["r"],
		campaign=visitor.get("c") or campaign_for_utm(utm.get("utm_campaign")),
		activity=visitor.get("a"),
		page_url=page,
		response_date=str(now_datetime()),
		utm=utm if e == "view" else {},
	)


def record_web_response(
	tracking_key: str,
	response_type: str,
	respondent_doctype: str,
	respondent: str,
	campaign: str | None,
	activity: str | None,
	page_url: str,
	response_date: str,
	utm: dict,
) -> str | None:
	"""The queued write of a beacon: a Campaign Response, unless today's one exists (unique key)."""
	existing = frappe.db.get_value("Campaign Response", {"tracking_key": tracking_key})
	if existing or not frappe.db.exists(respondent_doctype, respondent):
		return existing
	if activity and frappe.db.get_value("Campaign Activity", activity, "campaign") != campaign:
		activity = None
	if campaign and not frappe.db.exists("Campaign", campaign):
		campaign = None
	response = frappe.get_doc(
		{
			"doctype": "Campaign Response",
			"campaign": campaign,
			"campaign_activity": activity,
			"respondent_doctype": respondent_doctype,
			"respondent": respondent,
			"lead": respondent if respondent_doctype == "Lead" else None,
			"response_type": response_type,
			"response_date": response_date,
			"channel": CHANNEL,
			"page_url": page_url,
			"tracking_key": tracking_key,
			**{field: utm.get(field) for field in UTM_FIELDS},
		}
	)
	try:
		response.insert(ignore_permissions=True)
	except (frappe.UniqueValidationError, frappe.DuplicateEntryError):
		# Another worker wrote the same visit between the check and the insert.
		return frappe.db.get_value("Campaign Response", {"tracking_key": tracking_key})
	return response.name


def campaign_web_traffic(campaign: str) -> dict[str, dict]:
	"""{response type: {responses, people}} of the campaign's Website Visit and Downloaded responses."""
	response = frappe.qb.DocType("Campaign Response")
	rows = (
		frappe.qb.from_(response)
		.select(
			response.response_type,
			Count("*").as_("responses"),
			Count(Concat(response.respondent_doctype, ":", response.respondent)).distinct().as_("people"),
		)
		.where(response.campaign == campaign)
		.where(response.response_type.isin(list(BEACON_KINDS.values())))
		.groupby(response.response_type)
		.run(as_dict=True)
	)
	return {row.response_type: {"responses": row.responses, "people": row.people} for row in rows}


# -- embedding ----------------------------------------------------------------------------------


@frappe.whitelist()
def embed_snippet(origin: str) -> str:
	"""The <script> tag that tracks the pages of another website of the company (`origin`)."""
	frappe.has_permission("CRM Marketing Settings", "write", throw=True)
	try:
		origin = origin_of(origin.strip())
	except ValueError:
		frappe.throw(_("Enter the website's address, such as https://www.example.com"))
	return f'<script src="{get_url("/crm_web_tracking.js")}" data-key="{site_key(origin)}" async></script>'
