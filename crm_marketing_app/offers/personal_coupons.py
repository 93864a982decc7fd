"""The personal-coupons job: codes for the whole reachable audience of an activity, ahead of any message
(printed invitations, a stand's flyers). Distribution issues them itself for the members it reaches."""

import frappe
from frappe import _

from crm_marketing_app import jobs
from crm_marketing_app.campaign_execution.distribution import load_audience
from crm_marketing_app.engine.distribution import chunks, split
from crm_marketing_app.offers import coupons


def generate_personal_coupons(activity: str) -> dict:
	"""Issues a code to every reachable member of the activity's lists who has none; returns the counts.

	A background job (`crm_marketing_app.tasks.generate_personal_coupons`, enqueued by the activity's
	`generate_personal_coupons`), committed per chunk, with a progress bar.
	"""
	doc = frappe.get_doc("Campaign Activity", activity)
	offer = coupons.check_issuable(doc)
	members, _skipped = split(load_audience(doc), doc.channel, set())
	issued = 0
	for number, chunk in enumerate(chunks(members, coupons.CHUNK_SIZE), start=1):
		issued += len(coupons.issue(doc, offer, chunk)[1])
		jobs.commit_chunk()
		frappe.publish_progress(
			min(100, number * coupons.CHUNK_SIZE * 100 // max(len(members), 1)),
			title=_("Issuing personal coupons"),
			doctype="Campaign Activity",
			docname=doc.name,
		)
	return {"members": len(members), "issued": issued}
