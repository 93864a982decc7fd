"""Connects the integration tests to a live site.

The bench is `$CRM_BENCH` (default: the bench whose Python runs pytest, else
/opt/bench) and the site `$CRM_SITE` (default test.localhost). Without a bench
every integration test errors: a missing bench is a failure, never a skip.
Each test runs as Administrator and is rolled back afterwards; a test that
commits (DDL, background work) cleans up after itself.
"""

import os
import sys

import pytest


def _bench_path() -> str:
	if os.environ.get("CRM_BENCH"):
		return os.environ["CRM_BENCH"]
	env_root = os.path.dirname(os.path.dirname(sys.executable))
	candidate = os.path.dirname(env_root)
	if os.path.isdir(os.path.join(candidate, "sites")) and os.path.isdir(os.path.join(candidate, "apps")):
		return candidate
	return "/opt/bench"


BENCH = _bench_path()
SITE = os.environ.get("CRM_SITE", "test.localhost")


@pytest.fixture(scope="session", autouse=True)
def site():
	sites_path = os.path.join(BENCH, "sites")
	if not os.path.isfile(os.path.join(sites_path, SITE, "site_config.json")):
		pytest.fail(
			f"No bench site {SITE!r} under {sites_path}: integration tests need a real site (set CRM_BENCH / CRM_SITE)"
		)
	try:
		import frappe
	except ImportError:
		pytest.fail(f"frappe is not importable: run pytest with the bench's Python ({BENCH}/env/bin/python)")

	os.chdir(sites_path)
	frappe.init(site=SITE, sites_path=sites_path)
	frappe.connect()
	frappe.flags.in_test = True
	if "crm_marketing_app" not in frappe.get_installed_apps():
		pytest.fail(f"crm_marketing_app is not installed on {SITE}")
	from erpnext.setup.utils import before_tests

	before_tests()
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
	"""A campaign-execution Scenario (its work commits), cleaned up after the test."""
	from tests.integration.campaign_execution_fixtures import Scenario

	scenario = Scenario()
	try:
		yield scenario
	finally:
		scenario.cleanup()
