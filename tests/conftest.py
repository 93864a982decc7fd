"""Shared pytest setup.

Unit tests (tests/unit) need nothing but Python. Integration tests (tests/integration) and browser
tests (tests/e2e) run on a live site of a real bench, prepared by tests/site.py.

A skipped test fails the run: a test skipped for lack of a bench, a browser or a tool has proved
nothing. The closing lines count what passed in each package, so a run shows at a glance that unit,
integration and e2e tests all ran.
"""

import os
import sys
from collections import Counter

APP_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
if APP_ROOT not in sys.path:
	sys.path.insert(0, APP_ROOT)


def _package(report) -> str:
	parts = report.nodeid.split("::")[0].replace("\\", "/").split("/")
	return parts[parts.index("tests") + 1] if "tests" in parts[:-1] else parts[0]


def pytest_terminal_summary(terminalreporter, exitstatus, config):
	stats = terminalreporter.stats
	by_package = {
		"passed": Counter(_package(r) for r in stats.get("passed", []) if r.when == "call"),
		"failed": Counter(_package(r) for r in stats.get("failed", []) + stats.get("error", [])),
		"skipped": Counter(_package(r) for r in stats.get("skipped", [])),
	}
	packages = sorted(set().union(*by_package.values()))
	if packages:
		terminalreporter.section("tests per package")
		for package in packages:
			terminalreporter.write_line(
				f"{package}: {by_package['passed'][package]} passed, {by_package['failed'][package]} failed, "
				f"{by_package['skipped'][package]} skipped"
			)
	if stats.get("skipped"):
		terminalreporter.write_line(
			f"FAILED: {len(stats['skipped'])} test(s) skipped; a skipped test is not a pass", red=True
		)


def pytest_sessionfinish(session, exitstatus):
	reporter = session.config.pluginmanager.get_plugin("terminalreporter")
	if reporter is not None and reporter.stats.get("skipped") and session.exitstatus == 0:
		session.exitstatus = 1
