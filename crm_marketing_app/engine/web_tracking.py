"""Website tracking without Frappe: signed tokens (cookies, site keys), URL checks, UTM values.

A token is `base64url(JSON payload).signature`, the signature an HMAC-SHA256 of the encoded
payload under a key derived for one purpose (visitor cookie, UTM cookie, site key), so a token
made for one purpose is refused for another. Every payload carries the format version `v`, and
cookies an expiry `exp` (Unix seconds): a stolen cookie stops working, and a new format can
refuse the old one.
"""

import base64
import binascii
import hashlib
import hmac
import json
import re
from urllib.parse import parse_qsl, urlsplit

TOKEN_VERSION = 1
UTM_FIELDS = ("utm_source", "utm_medium", "utm_campaign", "utm_content")
# The longest page or file URL a beacon may name (the Campaign Response keeps it whole).
MAX_URL_LENGTH = 1000
MAX_UTM_LENGTH = 140
MAX_TOKEN_LENGTH = 2000
# Crawlers, link previews, monitors, scripts and headless browsers: none of them is a person reading.
BOT_AGENTS = re.compile(
	r"bot|crawl|spider|slurp|scrap|preview|facebookexternalhit|embedly|lighthouse|pingdom|monitor|"
	r"headless|phantomjs|curl|wget|python-|httpclient|okhttp|go-http|java/|libwww|axios|node-fetch",
	re.IGNORECASE,
)
# What a browser's location.href never holds unencoded: controls, spaces, quotes, angle brackets.
UNSAFE_URL_CHARACTERS = re.compile(r'[\x00-\x20\x7f<>"]')


def purpose_key(secret: str, purpose: str) -> bytes:
	"""The signing key of one purpose, derived from the site's secret."""
	return hmac.new(secret.encode(), f"crm-web-tracking:{purpose}".encode(), hashlib.sha256).digest()


def _b64(data: bytes) -> str:
	return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _signature(key: bytes, body: str) -> str:
	return _b64(hmac.new(key, body.encode(), hashlib.sha256).digest())


def encode_token(key: bytes, payload: dict) -> str:
	body = _b64(json.dumps({**payload, "v": TOKEN_VERSION}, sort_keys=True, separators=(",", ":")).encode())
	return f"{body}.{_signature(key, body)}"


class InvalidToken(ValueError):
	"""A token whose signature, format or version is wrong: forged or altered."""


def decode_token(key: bytes, token: str, now: float | None = None) -> dict | None:
	"""The payload of a genuine token; None when it has expired (at `now`); InvalidToken when forged."""
	if not token or len(token) > MAX_TOKEN_LENGTH or token.count(".") != 1:
		raise InvalidToken(token)
	body, signature = token.split(".")
	if not hmac.compare_digest(_signature(key, body), signature):
		raise InvalidToken(token)
	try:
		payload = json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
	except (binascii.Error, ValueError) as e:
		raise InvalidToken(token) from e
	if not isinstance(payload, dict) or payload.get("v") != TOKEN_VERSION:
		raise InvalidToken(token)
	if "exp" in payload and (
		now is None or not isinstance(payload["exp"], int | float) or payload["exp"] <= now
	):
		return None
	return payload


def split_url(url: str) -> tuple[str, str]:
	"""(origin, page) of an absolute http(s) URL: the page is the origin and path, without query
	or fragment (one page, whatever its parameters). ValueError for a huge or malformed URL."""
	if not isinstance(url, str) or not url or len(url) > MAX_URL_LENGTH or UNSAFE_URL_CHARACTERS.search(url):
		raise ValueError("malformed url")
	try:
		parts = urlsplit(url)
		port = parts.port  # a non-numeric or out-of-range port raises
	except ValueError as e:
		raise ValueError("malformed url") from e
	if (
		parts.scheme.lower() not in ("http", "https")
		or not parts.hostname
		or parts.username
		or parts.password
	):
		raise ValueError("malformed url")
	host = parts.hostname.lower() + (f":{port}" if port else "")
	origin = f"{parts.scheme.lower()}://{host}"
	return origin, origin + (parts.path or "/")


def origin_of(url: str) -> str:
	return split_url(url)[0]


def path_of(page: str) -> str:
	return urlsplit(page).path or "/"


def utm_values(url: str) -> dict[str, str]:
	"""The utm_* parameters of a URL (first value of each, trimmed), only those present."""
	values = {}
	for name, value in parse_qsl(urlsplit(url).query, keep_blank_values=False):
		value = value.strip()[:MAX_UTM_LENGTH]
		if name in UTM_FIELDS and value and name not in values:
			values[name] = value
	return values


def split_list(text: str | None) -> list[str]:
	"""A settings list: one entry per line or comma, trimmed, blanks dropped."""
	return [entry.strip() for entry in re.split(r"[\n,]", text or "") if entry.strip()]


def is_download(page: str, extensions: list[str]) -> bool:
	"""Whether the page's file name ends in one of the extensions (case-insensitive, dot optional)."""
	name = path_of(page).rsplit("/", 1)[-1].lower()
	wanted = {e.lower().lstrip(".") for e in extensions}
	return "." in name and name.rsplit(".", 1)[-1] in wanted


def is_excluded(page: str, prefixes: list[str]) -> bool:
	"""Whether the page's path starts with one of the excluded path prefixes."""
	path = path_of(page)
	return any(
		path == p.rstrip("/") or path.startswith(p.rstrip("/") + "/") for p in prefixes if p.strip("/")
	)


def is_bot(user_agent: str | None) -> bool:
	return not user_agent or bool(BOT_AGENTS.search(user_agent))


def response_key(respondent_doctype: str, respondent: str, response_type: str, page: str, day: str) -> str:
	"""One response per person, type, page and day: the unique key that makes a second one impossible."""
	message = "\n".join((respondent_doctype, respondent, response_type, page, day))
	return hashlib.sha256(message.encode()).hexdigest()
