app_name = "crm_marketing_app"
app_title = "CRM Marketing"
app_publisher = "crm_marketing_app developers"
app_description = "Marketing CRM for ERPNext: suppliers, target lists, campaigns, funnels, lead scoring, automation and ROI"
app_email = "crm-marketing@example.com"
app_license = "MIT"
required_apps = ["frappe/erpnext"]

add_to_apps_screen = [
	{
		"name": "crm_marketing_app",
		"title": "CRM Marketing",
		"route": "/app/crm-marketing",
	}
]

after_install = "crm_marketing_app.install.after_install"
after_migrate = "crm_marketing_app.install.after_migrate"
before_uninstall = "crm_marketing_app.install.before_uninstall"

# Fixtures are exported and synced by name: only what this app owns.
fixtures = [
	{"dt": "Role", "filters": [["name", "in", ["Marketing Manager", "Marketing User"]]]},
	{"dt": "Custom Field", "filters": [["module", "=", "CRM Marketing App"]]},
	{"dt": "Workflow State", "filters": [["name", "in", ["Draft", "Pending Approval", "Approved", "Running", "Completed", "Rejected"]]]},
	{"dt": "Workflow Action Master", "filters": [["name", "in", ["Submit for Approval", "Approve", "Reject", "Start", "Complete", "Revise"]]]},
	{"dt": "Workflow", "filters": [["name", "=", "Campaign Approval"]]},
]

doc_events = {
	"Campaign": {
		"validate": "crm_marketing_app.events.campaign.validate",
	},
}

scheduler_events = {
	"daily_long": [],
}
