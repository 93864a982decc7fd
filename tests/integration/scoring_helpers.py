"""Records the lead scoring tests build: rules in isolation from the site's own, leads, responses."""

import frappe
from frappe.utils import add_to_date, now_datetime, random_string

from crm_marketing_app.scoring import lead_score_rules


def isolate_rules(hot: int = 50, warm: int = 20) -> None:
	"""Only the test's rules count: the site's rules go (rolled back with the test); fixed thresholds."""
	frappe.db.delete("Lead Score Rule")
	frappe.db.set_single_value("CRM Marketing Settings", {"hot_threshold": hot, "warm_threshold": warm})
	frappe.clear_document_cache("CRM Marketing Settings", "CRM Marketing Settings")
	lead_score_rules.clear_cache()


def make_rule(**fields):
	return frappe.get_doc(
		{
			"doctype": "Lead Score Rule",
			"rule_name": f"Test rule {random_string(8)}",
			"applies_to": "Lead",
			"enabled": 1,
			**fields,
		}
	).insert()


def make_lead(**fields):
	return frappe.get_doc({"doctype": "Lead", "first_name": f"Scoring {random_string(6)}", **fields}).insert()


def add_response(lead: str, response_type: str, days_ago: float = 0, doctype: str = "Lead"):
	return frappe.get_doc(
		{
			"doctype": "Campaign Response",
			"respondent_doctype": doctype,
			"respondent": lead,
			"response_type": response_type,
			"response_date": add_to_date(now_datetime(), days=-days_ago),
		}
	).insert()


def stored_score(name: str, doctype: str = "Lead") -> tuple:
	return tuple(frappe.db.get_value(doctype, name, ["marketing_score", "score_grade"]))
