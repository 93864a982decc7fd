"""Connects the integration tests to a live site.

The bench and site are tests.site's (`$CRM_BENCH`, `$CRM_SITE`), prepared there
before the first test. Without a bench every integration test errors: a missing
bench is a failure, never a skip.
Each test runs as Administrator and is rolled back afterwards; a test that
commits (DDL, background work) cleans up after itself.
"""

import pytest

from tests.site import connect


@pytest.fixture(scope="session", autouse=True)
def site():
	frappe = connect()
	frappe.flags.in_test = True
	yield frappe
	frappe.db.rollback()
	frappe.destroy()


@pytest.fixture(autouse=True)
def rollback(site):
	site.set_user("Administrator")
	site.local.lang = "en"
	yield
	site.db.rollback()
	site.set_user("Administrator")
	site.local.lang = "en"


@pytest.fixture
def world():
	"""A campaign-execution Scenario (tests/integration/campaign_execution_fixtures.py), cleaned up after."""
	from tests.integration.campaign_execution_fixtures import Scenario

	scenario = Scenario()
	try:
		yield scenario
	finally:
		scenario.cleanup()
