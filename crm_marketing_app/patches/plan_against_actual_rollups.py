"""Existing campaigns get their gross profit, planned ROI and the other new rollups at once, not at
the next daily recompute. Fixtures sync after patches, so the new custom fields are synced first."""

from frappe.utils.fixtures import sync_fixtures

from crm_marketing_app.campaigns.rollups import recompute_campaign_rollups


def execute():
	sync_fixtures("crm_marketing_app")
	recompute_campaign_rollups()
