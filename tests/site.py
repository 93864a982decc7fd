"""The live site the integration and browser tests run on, and its preparation.

The bench is `$CRM_BENCH` (default: the bench whose Python runs pytest, else /opt/bench) and the site
`$CRM_SITE` (default test.localhost). Without a bench, a site or the app, every test that needs them
fails: a missing bench is a failure, never a skip.

`connect()` prepares the site before the first test of whichever package pytest collects first, so
`pytest tests/e2e` alone works on a brand-new site: ERPNext's `before_tests` completes the setup
wizard (a Company, fiscal year, defaults) when it has not run, and is idempotent afterwards.
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
SITES_PATH = os.path.join(BENCH, "sites")


def connect():
	"""Connects this process to the site, prepared for tests; returns the `frappe` module."""
	if not os.path.isfile(os.path.join(SITES_PATH, SITE, "site_config.json")):
		pytest.fail(
			f"No bench site {SITE!r} under {SITES_PATH}: the tests need a real site (set CRM_BENCH / CRM_SITE)"
		)
	try:
		import frappe
	except ImportError:
		pytest.fail(f"frappe is not importable: run pytest with the bench's Python ({BENCH}/env/bin/python)")

	os.chdir(SITES_PATH)
	frappe.init(site=SITE, sites_path=SITES_PATH)
	frappe.connect()
	if not frappe.conf.allow_tests:
		pytest.fail(f"allow_tests is off on {SITE}: bench --site {SITE} set-config allow_tests true")
	if "crm_marketing_app" not in frappe.get_installed_apps():
		pytest.fail(f"crm_marketing_app is not installed on {SITE}")
	prepare(frappe)
	return frappe


def prepare(frappe) -> None:
	"""Setup wizard done, a Company and ERPNext's test defaults; commits, so a browser sees them too."""
	from erpnext.setup.utils import before_tests

	frappe.set_user("Administrator")
	before_tests()
	if not (frappe.is_setup_complete() and frappe.db.a_row_exists("Company")):
		pytest.fail(f"{SITE}: ERPNext's setup wizard did not complete")
