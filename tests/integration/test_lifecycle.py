"""Install, migrate, uninstall and re-install on the live site, through the real CLI."""

import subprocess
import sys

import frappe
import pytest

from crm_marketing_app import install
from tests.integration.helpers import make_campaign, make_customer, make_item, make_sales_order

APP = "crm_marketing_app"
MODULE = "CRM Marketing App"


def frappe_cli(*args: str) -> str:
	result = subprocess.run(
		[sys.executable, "-m", "frappe.utils.bench_helper", "frappe", "--site", frappe.local.site, *args],
		cwd=frappe.local.sites_path,
		capture_output=True,
		text=True,
		timeout=900,
	)
	assert result.returncode == 0, f"{args} failed:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
	return result.stdout


def reconnect():
	frappe.db.rollback()
	frappe.clear_cache()


def app_state() -> dict:
	"""What the app puts on a site, without timestamps."""
	ignore = {"modified", "creation", "modified_by", "owner", "idx", "name"}

	def rows(doctype, filters, order_by="name"):
		return [
			{k: v for k, v in row.items() if k not in ignore}
			for row in frappe.get_all(doctype, filters=filters, fields=["*"], order_by=order_by)
		]

	roles = ["Marketing Manager", "Marketing User"]
	return {
		"custom_fields": rows("Custom Field", {"module": "CRM Marketing App"}),
		"doctypes": frappe.get_all(
			"DocType", filters={"module": "CRM Marketing App"}, pluck="name", order_by="name"
		),
		"perms": rows(
			"Custom DocPerm", {"role": ("in", [*roles, "Accounts User"])}, "parent, role, permlevel"
		),
		"roles": frappe.get_all("Role", filters={"name": ("in", roles)}, pluck="name", order_by="name"),
		"workflow": rows("Workflow Transition", {"parent": "Campaign Approval"}, "idx"),
		"workflow_states": rows("Workflow Document State", {"parent": "Campaign Approval"}, "idx"),
		"settings": frappe.get_single("CRM Marketing Settings").as_dict(no_default_fields=True),
	}


def ensure_installed():
	reconnect()
	if APP not in frappe.get_installed_apps():
		frappe_cli("install-app", APP)
	reconnect()


def test_install_works_with_a_module_map_cached_before_the_app_and_a_leftover_module_def():
	reconnect()
	before = app_state()
	try:
		frappe_cli("uninstall-app", APP, "--yes", "--no-backup")
		reconnect()
		# An earlier bench command cached the module map before the app was in apps.txt ...
		stale = {app: modules for app, modules in frappe.local.app_modules.items() if app != APP}
		frappe.cache.set_value("app_modules", stale)
		# ... and an install whose DocType sync failed left the app's Module Def behind.
		frappe.get_doc({"doctype": "Module Def", "module_name": MODULE, "app_name": APP}).insert()
		frappe.db.commit()

		frappe_cli("install-app", APP)
		reconnect()
		assert APP in frappe.get_installed_apps()
		assert app_state() == before
	finally:
		ensure_installed()


def test_an_install_whose_after_install_failed_runs_again(monkeypatch):
	reconnect()
	before = app_state()

	def broken():
		raise frappe.ValidationError("simulated failure")

	monkeypatch.setattr(install, "grant_host_permissions", broken)
	try:
		with pytest.raises(frappe.ValidationError, match="simulated failure"):
			install.after_install()
		reconnect()
		# Not left half-installed: the same install-app starts over instead of "already installed".
		assert APP not in frappe.get_installed_apps()
		assert not frappe.db.exists("Module Def", MODULE)

		frappe_cli("install-app", APP)
		reconnect()
		assert APP in frappe.get_installed_apps()
		assert frappe.db.get_value("Module Def", MODULE, "app_name") == APP
		assert app_state() == before
	finally:
		ensure_installed()


def test_second_migrate_changes_nothing():
	reconnect()
	before = app_state()
	frappe_cli("migrate")
	reconnect()
	assert app_state() == before


def test_uninstall_keeps_host_records_and_reinstall_restores_the_app():
	customer, item = make_customer(), make_item()
	order = make_sales_order(customer, [(item, 1, 250)], "2026-02-02")
	campaign = make_campaign(budget=1234, promo_code=f"LIFE{frappe.generate_hash(length=5)}")
	lead = frappe.get_doc(
		{"doctype": "Lead", "lead_name": "Lifecycle Lead", "email_id": "lifecycle@example.com"}
	).insert()
	frappe.db.commit()
	try:
		frappe_cli("uninstall-app", APP, "--yes", "--no-backup")
		reconnect()
		assert APP not in frappe.get_installed_apps()
		assert not frappe.db.count("Custom Field", {"module": "CRM Marketing App"})
		assert not frappe.db.exists("Custom Field", "Campaign-budget")
		assert not frappe.db.exists("Workflow", "Campaign Approval")
		assert not frappe.db.exists("Role", "Marketing Manager")
		assert not frappe.db.exists("DocType", "Target List")
		assert not frappe.db.exists("Custom DocPerm", {"role": "Marketing User"})
		assert "budget" not in [f.fieldname for f in frappe.get_meta("Campaign").fields]
		assert frappe.db.exists("Campaign", campaign.name)
		assert frappe.db.exists("Lead", lead.name)
		assert frappe.db.get_value("Sales Order", order.name, ["docstatus", "base_net_total"]) == (1, 250)
	finally:
		ensure_installed()

	try:
		assert APP in frappe.get_installed_apps()
		assert frappe.db.exists("Workflow", "Campaign Approval")
		assert frappe.db.exists("Role", "Marketing Manager")
		assert frappe.db.exists("DocType", "Target List")
		assert frappe.db.get_value("Campaign", campaign.name, "budget") == 1234
		assert frappe.has_permission("Campaign", "write", user="Administrator")
	finally:
		order = frappe.get_doc("Sales Order", order.name)
		order.cancel()
		order.delete()
		frappe.delete_doc("Campaign", campaign.name, force=True)
		frappe.delete_doc("Lead", lead.name, force=True)
		frappe.db.commit()
