"""/crm_web_tracking.js: the page script of website tracking, with this site's beacon key.

Rendered per request (not a built asset) so the key names the origin the page is served from;
another website of the company embeds it with its own key (`data-key`, see the README).
"""

from frappe.utils import get_url

from crm_marketing_app.campaign_execution.web_tracking import site_key, tracking_enabled

base_template_path = "www/crm_web_tracking.js"
no_cache = 1


def get_context(context):
	context.site_key = site_key(get_url()) if tracking_enabled() else ""
