frappe.provide("frappe.dashboards.chart_sources");

frappe.dashboards.chart_sources["Marketing Spend vs Revenue"] = {
	method: "crm_marketing_app.crm_marketing_app.dashboard_chart_source.marketing_spend_vs_revenue.marketing_spend_vs_revenue.get",
	filters: [],
};
