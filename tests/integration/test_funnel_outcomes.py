"""Funnel stages measured against an earlier stage, and their success and failure outcomes."""

import frappe
import pytest
from frappe.utils import random_string

from tests.integration.helpers import make_campaign
from tests.integration.test_revenue_reports import lead, respond, run_report


def funnel(stages) -> str:
	return (
		frappe.get_doc(
			{
				"doctype": "Marketing Funnel",
				"funnel_name": f"Outcomes {random_string(6)}",
				"tolerance": 5,
				"stages": [
					{
						"stage_name": name,
						"entry_event": event,
						"planned_conversion": planned,
						"kpi_base_stage": base,
						"success_response": success,
						"failure_response": failure,
					}
					for name, event, planned, base, success, failure in stages
				],
			}
		)
		.insert()
		.name
	)


STAGES = [
	("Invited", "Sent", None, None, "Accepted", "Declined"),
	("Confirmed Interest", "Accepted", 50, None, "", ""),
	("Read the Programme", "Clicked", 100, None, "", ""),
	("Registered", "Registered", 80, "Confirmed Interest", "Attended", ""),
]


def test_stage_against_an_earlier_stage_with_accepted_and_declined():
	campaign = make_campaign(campaign_type="Other", funnel=funnel(STAGES)).name
	people = [lead() for _ in range(10)]
	for i, person in enumerate(people):
		respond(campaign, person, "Sent")
		if i < 4:
			respond(campaign, person, "Accepted")
		if 4 <= i < 6:
			respond(campaign, person, "Declined")
		if i < 6:
			respond(campaign, person, "Clicked")
		if i < 3:
			respond(campaign, person, "Registered")
		if i < 2:
			respond(campaign, person, "Attended")
	respond(campaign, lead(), "Declined")  # never invited: not in the first stage

	rows = run_report("Campaign Funnel", {"campaign": campaign})["result"]
	assert [
		(
			r["stage"],
			r["kpi_base_stage"],
			r["actual"],
			r["conversion"],
			r["planned_count"],
			r["success_count"],
			r["failure_count"],
		)
		for r in rows
	] == [
		("Invited", None, 10, None, 10.0, 4, 2),
		("Confirmed Interest", "Invited", 4, 40.0, 5.0, None, None),
		("Read the Programme", "Confirmed Interest", 6, 150.0, 5.0, None, None),
		# registered ÷ confirmed interest (3 of 4), planned 80 % of the 5 expected to confirm
		("Registered", "Confirmed Interest", 3, 75.0, 4.0, 2, None),
	]
	assert [r["deviation_from_plan"] for r in rows] == [None, -10.0, 50.0, -5.0]


@pytest.mark.parametrize("base", ["Registered", "Nowhere"])
def test_kpi_base_must_be_an_earlier_stage(base):
	stages = [*STAGES[:3], ("Registered", "Registered", 80, base, None, None)]
	before = frappe.db.count("Marketing Funnel")
	with pytest.raises(frappe.ValidationError, match="is not an earlier stage"):
		funnel(stages)
	assert frappe.db.count("Marketing Funnel") == before
