app_name = "crm_marketing_app"
app_title = "CRM Marketing"
app_publisher = "crm_marketing_app developers"
app_description = (
	"Marketing CRM for ERPNext: suppliers, target lists, campaigns, funnels, lead scoring, automation and ROI"
)
app_email = "crm-marketing@example.com"
app_license = "MIT"
required_apps = ["frappe/erpnext"]
# Controllers carry the generated type blocks of their DocType's fields.
export_python_type_annotations = True

add_to_apps_screen = [
	{
		"name": "crm_marketing_app",
		"title": "CRM Marketing",
		"route": "/app/crm-marketing",
	}
]

# rate limits count per client: X-Forwarded-For only from the proxies in site config `trusted_proxies`
before_request = ["crm_marketing_app.client_ip.set_request_ip"]

before_install = "crm_marketing_app.install.before_install"
after_install = "crm_marketing_app.install.after_install"
after_migrate = "crm_marketing_app.install.after_migrate"
before_uninstall = "crm_marketing_app.install.before_uninstall"

# Fixtures are exported and synced by name: only what this app owns.
fixtures = [
	{"dt": "Role", "filters": [["name", "in", ["Marketing Manager", "Marketing User"]]]},
	{"dt": "Custom Field", "filters": [["module", "=", "CRM Marketing App"]]},
	# Lead list: hides Organization Name (the title already shows it) and Territory (still a standard
	# filter), so Marketing Score and Score Grade fit in the list's default columns.
	{"dt": "Property Setter", "filters": [["module", "=", "CRM Marketing App"]]},
	{
		"dt": "Workflow State",
		"filters": [
			["name", "in", ["Draft", "Pending Approval", "Approved", "Running", "Completed", "Rejected"]]
		],
	},
	{
		"dt": "Workflow Action Master",
		"filters": [
			["name", "in", ["Submit for Approval", "Approve", "Reject", "Start", "Complete", "Revise"]]
		],
	},
	{"dt": "Workflow", "filters": [["name", "=", "Campaign Approval"]]},
]

# Host DocTypes only, each routed to its own module in overrides/; the app's own DocTypes run
# their lifecycle in their controllers (docs/architecture.md).
doc_events = {
	"Campaign": {
		"validate": "crm_marketing_app.overrides.campaign.validate",
		"on_update": "crm_marketing_app.overrides.campaign.on_update",
	},
	"Purchase Invoice": {
		"on_submit": "crm_marketing_app.overrides.purchase_invoice.on_submit",
		"on_cancel": "crm_marketing_app.overrides.purchase_invoice.on_cancel",
	},
	"Sales Order": {
		"before_validate": "crm_marketing_app.overrides.sales_transaction.before_validate",
		"validate": "crm_marketing_app.overrides.sales_transaction.validate",
		"on_submit": "crm_marketing_app.overrides.sales_transaction.on_submit",
		"on_cancel": "crm_marketing_app.overrides.sales_transaction.on_cancel",
	},
	"Sales Invoice": {
		"on_submit": "crm_marketing_app.overrides.sales_transaction.on_submit",
		"on_cancel": "crm_marketing_app.overrides.sales_transaction.on_cancel",
	},
	"Lead": {
		"before_insert": "crm_marketing_app.overrides.lead.before_insert",
		"after_insert": "crm_marketing_app.overrides.lead.after_insert",
		"validate": "crm_marketing_app.overrides.lead.validate",
		"on_update": "crm_marketing_app.overrides.lead.on_update",
		"after_delete": "crm_marketing_app.overrides.lead.after_delete",
	},
	"Opportunity": {
		"on_update": "crm_marketing_app.overrides.opportunity.on_update",
		"after_delete": "crm_marketing_app.overrides.opportunity.after_delete",
	},
	"Contact": {
		"after_insert": "crm_marketing_app.overrides.contact.after_insert",
		"validate": "crm_marketing_app.overrides.contact.validate",
		"on_update": "crm_marketing_app.overrides.contact.on_update",
	},
	"Email Unsubscribe": {
		"after_insert": "crm_marketing_app.overrides.email_unsubscribe.after_insert",
		"on_trash": "crm_marketing_app.overrides.email_unsubscribe.on_trash",
	},
}

# Bounce reports pulled into an incoming Email Account are read as bounces (messaging.bounces).
override_doctype_class = {"Email Account": "crm_marketing_app.messaging.inbound.EmailAccountWithBounces"}

# A member row shows a person's contact details: only to who may read the person.
permission_query_conditions = {
	"Target List Member": "crm_marketing_app.permissions.target_list_member_query",
}
has_permission = {
	"Target List Member": "crm_marketing_app.permissions.target_list_member_has_permission",
}

scheduler_events = {
	# after Frappe's flush (every few minutes): bounces from SMTP refusals, Accepted responses
	# Marketing Journeys move people on every 5 minutes (a Branch's early yes, a Wait of hours)
	"cron": {
		"*/5 * * * *": [
			"crm_marketing_app.messaging.delivery.sync",
			"crm_marketing_app.tasks.run_journeys",
		]
	},
	"daily_long": [
		"crm_marketing_app.tasks.recompute_campaign_rollups",
		"crm_marketing_app.tasks.update_reference_funnels",
		"crm_marketing_app.tasks.rescore_all",
		"crm_marketing_app.tasks.run_marketing_triggers",
		"crm_marketing_app.tasks.refresh_dynamic_lists",
	],
}

# Page views and downloads of identified visitors (campaign_execution/web_tracking.py); a www page,
# so it carries this site's beacon key.
web_include_js = ["crm_web_tracking.js"]

# journeys.js (Enrol in Journey, the person's journeys) serves the form and the list of the three.
doctype_js = {
	"Campaign": "public/js/campaign.js",
	"Lead": ["public/js/lead_score.js", "public/js/journeys.js"],
	"Contact": ["public/js/lead_score.js", "public/js/journeys.js"],
	"Customer": "public/js/journeys.js",
}

doctype_list_js = {
	"Lead": ["public/js/lead_score_list.js", "public/js/add_to_target_list.js", "public/js/journeys.js"],
	"Contact": ["public/js/lead_score_list.js", "public/js/add_to_target_list.js", "public/js/journeys.js"],
	"Customer": ["public/js/add_to_target_list.js", "public/js/journeys.js"],
	"Prospect": "public/js/add_to_target_list.js",
}

override_doctype_dashboards = {
	"Campaign": ["crm_marketing_app.attribution.dashboard.campaign_dashboard"],
	"Lead": ["crm_marketing_app.target_lists.dashboard.lead"],
	"Contact": ["crm_marketing_app.target_lists.dashboard.contact"],
	"Customer": ["crm_marketing_app.target_lists.dashboard.customer"],
}
