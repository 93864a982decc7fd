"""Install, migrate and uninstall steps that fixtures cannot express."""

import frappe
from frappe.installer import remove_from_installed_apps
from frappe.permissions import add_permission, update_permission_property

APP = "crm_marketing_app"
MODULE = "CRM Marketing App"
MARKETING_ROLES = ("Marketing Manager", "Marketing User")
WORKFLOW = "Campaign Approval"

SETTINGS = "CRM Marketing Settings"

# Costs, revenue and ROI: fields at this level are read by the marketing roles and Accounts User only.
MONEY_PERMLEVEL = 1

# Access our roles (and the accountants) need on ERPNext's own DocTypes.
# Each entry: (doctype, role, rights set on permlevel 0), or with a fourth item, the permlevel.
HOST_PERMISSIONS = [
	(
		"Campaign",
		"Marketing Manager",
		("read", "write", "create", "delete", "report", "export", "print", "email", "share"),
	),
	(
		"Campaign",
		"Marketing User",
		("read", "write", "create", "report", "export", "print", "email", "share"),
	),
	("Campaign", "Accounts User", ("read", "report", "export", "print")),
	("Campaign", "Marketing Manager", ("read", "write"), MONEY_PERMLEVEL),
	("Campaign", "Marketing User", ("read", "write"), MONEY_PERMLEVEL),
	("Campaign", "Accounts User", ("read",), MONEY_PERMLEVEL),
	("Lead", "Marketing Manager", ("read", "write", "create", "report", "export", "print", "email")),
	("Lead", "Marketing User", ("read", "write", "create", "report", "export", "print", "email")),
	("Contact", "Marketing Manager", ("read", "report", "export", "email")),
	("Contact", "Marketing User", ("read", "report", "export", "email")),
	("Customer", "Marketing Manager", ("read", "report", "export")),
	("Customer", "Marketing User", ("read", "report", "export")),
	("Prospect", "Marketing Manager", ("read", "report", "export")),
	("Prospect", "Marketing User", ("read", "report", "export")),
	# Target List → Email Group (for Newsletter) and Campaign Response → Opportunity.
	("Email Group", "Marketing Manager", ("read", "write", "create", "report")),
	("Email Group", "Marketing User", ("read", "write", "create", "report")),
	("Email Group Member", "Marketing Manager", ("read", "write", "create", "report")),
	("Email Group Member", "Marketing User", ("read", "write", "create", "report")),
	("Opportunity", "Marketing Manager", ("read", "write", "create", "report", "print", "email")),
	("Opportunity", "Marketing User", ("read", "write", "create", "report", "print", "email")),
	# Suppliers and their invoices, to link vendors and costs to activities.
	("Supplier", "Marketing Manager", ("read", "report")),
	("Supplier", "Marketing User", ("read", "report")),
	("Purchase Invoice", "Marketing Manager", ("read", "report")),
	("Purchase Invoice", "Marketing User", ("read", "report")),
	# Offers: the campaign's Pricing Rule, its coupons and the bonus programme are made by the app.
	("Coupon Code", "Marketing Manager", ("read", "report", "export", "print")),
	("Coupon Code", "Marketing User", ("read", "report", "export", "print")),
	("Pricing Rule", "Marketing Manager", ("read", "report")),
	("Pricing Rule", "Marketing User", ("read", "report")),
	("Loyalty Program", "Marketing Manager", ("read", "report")),
	("Loyalty Program", "Marketing User", ("read", "report")),
]


def before_install():
	"""Makes install-app work whatever Frappe's cache holds, and after an install that failed half-way.

	Frappe reads its module map (app -> modules) from Redis once per process; a map cached by an
	earlier bench command, before this app was in apps.txt, makes install-app sync none of our
	DocTypes. A sync that failed leaves our Module Def behind, which the next install would insert
	again (duplicate entry).
	"""
	frappe.cache.delete_value(["app_modules", "module_app", "installed_app_modules", "module_installed_app"])
	frappe.setup_module_map()
	if APP not in frappe.get_installed_apps():
		frappe.db.delete("Module Def", {"name": MODULE, "app_name": APP})


def after_install():
	try:
		after_migrate()
	except Exception:
		# Frappe marks the app installed before after_install runs, so a second install-app would
		# only answer "already installed". Unmark it: running the same install again starts over.
		frappe.db.rollback()
		remove_from_installed_apps(APP)
		frappe.db.delete("Module Def", {"name": MODULE, "app_name": APP})
		frappe.db.commit()
		raise


def after_migrate():
	set_settings_defaults()
	grant_host_permissions()


def set_settings_defaults():
	"""The DocType default of each settings field without a value: a Single's new field gets none
	on migrate. A Check stored as 0 was switched off on purpose and stays off."""
	singles = frappe.qb.Table("tabSingles")
	stored = dict(
		frappe.qb.from_(singles).select(singles.field, singles.value).where(singles.doctype == SETTINGS).run()
	)
	for df in frappe.get_meta(SETTINGS).fields:
		if df.default is not None and stored.get(df.fieldname) in (None, ""):
			frappe.db.set_single_value(SETTINGS, df.fieldname, df.default)


def grant_host_permissions():
	for doctype, role, rights, *level in HOST_PERMISSIONS:
		permlevel = level[0] if level else 0
		if not frappe.db.exists("Custom DocPerm", {"parent": doctype, "role": role, "permlevel": permlevel}):
			add_permission(doctype, role, permlevel)
		for right in rights:
			update_permission_property(doctype, role, permlevel, right, 1, validate=False)
	frappe.clear_cache()


def before_uninstall():
	"""Removes what the app added to ERPNext's DocTypes; their records stay as they are."""
	frappe.delete_doc("Workflow", WORKFLOW, ignore_missing=True, force=True)
	for name in frappe.get_all("Custom Field", filters={"module": "CRM Marketing App"}, pluck="name"):
		frappe.delete_doc("Custom Field", name, force=True)
	frappe.db.delete("Property Setter", {"module": "CRM Marketing App"})
	for doctype, role, *_rights in HOST_PERMISSIONS:
		frappe.db.delete("Custom DocPerm", {"parent": doctype, "role": role})
	frappe.db.delete("Custom DocPerm", {"role": ("in", MARKETING_ROLES)})
	frappe.db.delete("Has Role", {"role": ("in", MARKETING_ROLES)})
	for role in MARKETING_ROLES:
		frappe.delete_doc("Role", role, ignore_missing=True, force=True)
	frappe.clear_cache()
