"""Signed tracking links: an HMAC over the link's parameters, so nobody can forge or alter one."""

import base64
import hmac
from functools import lru_cache
from urllib.parse import quote_plus

TRACKED_EVENTS = {"open": "Opened", "click": "Clicked"}


def _message(params: dict[str, str]) -> bytes:
	# Sorted key=value lines: the same parameters always give the same message,
	# and a value cannot spill into another key (newlines are refused below).
	return "\n".join(f"{key}={params[key]}" for key in sorted(params)).encode()


def sign(key: str, params: dict[str, str]) -> str:
	message = _message(params)
	if message.count(b"\n") != max(len(params) - 1, 0):
		raise ValueError("tracking parameters cannot contain newlines")
	digest = hmac.digest(key.encode(), message, "sha256")
	return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def verify(key: str, params: dict[str, str], signature: str) -> bool:
	try:
		expected = sign(key, params)
	except ValueError:
		return False
	return hmac.compare_digest(expected, signature or "")


# Links are made per person by the thousand, and most of their values (the activity, the event,
# the landing page) are the same in each: their quoted form is kept.
_quoted = lru_cache(maxsize=1024)(quote_plus)


def signed_query(key: str, params: dict[str, str]) -> str:
	"""`params` and their signature `s` as a URL query, written as `urllib.parse.urlencode` would."""
	items = (*params.items(), ("s", sign(key, params)))
	return "&".join(f"{_quoted(name)}={_quoted(str(value))}" for name, value in items)
