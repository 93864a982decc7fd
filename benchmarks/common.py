"""What every benchmark script shares: the site it measures on, and connecting to it.

Run a benchmark from the bench directory with the bench's Python:
	CRM_SITE=test.localhost env/bin/python apps/crm_marketing_app/benchmarks/<name>.py
"""

import os
import sys
import time

import frappe

BENCH = os.environ.get("CRM_BENCH", "/opt/bench")
SITE = os.environ.get("CRM_SITE", "test.localhost")


def timed(fn, *args) -> float:
	start = time.perf_counter()
	fn(*args)
	return time.perf_counter() - start


def best_of(n: int, fn, *args) -> float:
	return min(timed(fn, *args) for _ in range(n))


def connect() -> None:
	# The app's tests package (fixtures some benchmarks reuse) sits beside benchmarks/.
	sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
	os.chdir(os.path.join(BENCH, "sites"))
	frappe.init(site=SITE, sites_path=".")
	frappe.connect()
	frappe.set_user("Administrator")
