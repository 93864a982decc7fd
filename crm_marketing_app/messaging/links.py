"""Signed links of the messaging layer: the preference page behind every unsubscribe link,
and the confirmation of a double opt-in.

The HMAC is the one the tracking links use (`engine.tracking`), over the link's parameters
and its purpose `p`, so a link made for one purpose or person is no good for another.
"""

from frappe.utils.password import get_encryption_key

from crm_marketing_app.engine import tracking as signing
from crm_marketing_app.utils import site_url

PREFERENCES_PATH = "/api/method/crm_marketing_app.messaging.preferences.page"
CONFIRM_PATH = "/api/method/crm_marketing_app.messaging.optin.confirm"


def verify(params: dict[str, str | None], signature: str | None) -> bool:
	return signing.verify(get_encryption_key(), {k: v for k, v in params.items() if v is not None}, signature)


def signed_url(path: str, params: dict[str, str]) -> str:
	params = {k: v for k, v in params.items() if v is not None}
	return site_url(f"{path}?{signing.signed_query(get_encryption_key(), params)}")


def preference_params(person_doctype: str, person: str, email: str, activity: str | None = None) -> dict:
	return {"p": "preferences", "d": person_doctype, "r": person, "m": email, "a": activity}


def preference_url(person_doctype: str, person: str, email: str, activity: str | None = None) -> str:
	"""The person's preference page; `activity` is the mail's, for its lists and its Unsubscribe."""
	return signed_url(PREFERENCES_PATH, preference_params(person_doctype, person, email, activity))


def confirmation_params(token: str) -> dict:
	return {"p": "confirm", "t": token}


def confirmation_url(token: str) -> str:
	return signed_url(CONFIRM_PATH, confirmation_params(token))
