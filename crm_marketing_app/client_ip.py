"""before_request: `frappe.local.request_ip` from the connection itself, unless the site names its
reverse proxies in `trusted_proxies` (site_config.json, e.g. `["127.0.0.1"]` behind bench's nginx).

Rate limits (tracking links, the registration form, logins) count per this address.
"""

import frappe

from crm_marketing_app.engine.client_ip import client_ip


def set_request_ip() -> None:
	request = getattr(frappe.local, "request", None)
	if request is None:
		return
	frappe.local.request_ip = client_ip(
		request.remote_addr,
		request.headers.get("X-Forwarded-For"),
		frappe.conf.get("trusted_proxies") or (),
	)
