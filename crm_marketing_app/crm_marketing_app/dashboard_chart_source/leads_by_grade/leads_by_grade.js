frappe.provide("frappe.dashboards.chart_sources");

frappe.dashboards.chart_sources["Leads by Grade"] = {
	method: "crm_marketing_app.crm_marketing_app.dashboard_chart_source.leads_by_grade.leads_by_grade.get",
	filters: [],
};
