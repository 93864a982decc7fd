"""The seed article's six B2B scoring rules, for the demo loader (not created on install)."""

import frappe


def seed_rules(country: str) -> list[dict]:
	return [
		{
			"rule_name": "Target geography",
			"rule_type": "Attribute",
			"field": "country",
			"operator": "=",
			"value": country,
			"points": 8,
		},
		{
			"rule_name": "Shares an email address",
			"rule_type": "Attribute",
			"field": "email_id",
			"operator": "is set",
			"points": 7,
		},
		{
			"rule_name": "Gave a job title",
			"rule_type": "Attribute",
			"field": "job_title",
			"operator": "is set",
			"points": 8,
		},
		# "Vice-president or above" as one condition, so a "Vice President" is not counted twice.
		{
			"rule_name": "Vice-president or above",
			"rule_type": "Attribute",
			"field": "job_title",
			"operator": "like",
			"value": "%president%",
			"points": 15,
		},
		{
			"rule_name": "Website visits",
			"rule_type": "Activity",
			"response_type": "Website Visit",
			"within_days": 30,
			"per_occurrence": 1,
			"points": 3,
		},
		{
			"rule_name": "Downloads",
			"rule_type": "Activity",
			"response_type": "Downloaded",
			"per_occurrence": 1,
			"points": 5,
		},
	]


def create_seed_rules(enabled: bool = False, country: str = "Ukraine") -> list[str]:
	"""Creates those of the six Lead rules that are missing (target geography: `country`); returns the six names."""
	names = []
	for spec in seed_rules(country):
		if not frappe.db.exists("Lead Score Rule", spec["rule_name"]):
			frappe.get_doc(
				{"doctype": "Lead Score Rule", "applies_to": "Lead", "enabled": int(enabled), **spec}
			).insert()
		names.append(spec["rule_name"])
	return names
