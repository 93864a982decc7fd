import frappe
from frappe import _
from frappe.model.document import Document

from crm_marketing_app.campaign_execution import responses
from crm_marketing_app.campaigns.rollups import campaigns_named, update_lead_rollups
from crm_marketing_app.scoring.incremental import rescore_respondents


class CampaignResponse(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		campaign: DF.Link | None
		campaign_activity: DF.Link | None
		channel: DF.Data | None
		email: DF.Data | None
		full_name: DF.Data | None
		journey: DF.Link | None
		lead: DF.Link | None
		message_id: DF.Data | None
		notes: DF.SmallText | None
		opportunity: DF.Link | None
		organization: DF.Data | None
		page_url: DF.Data | None
		phone: DF.Data | None
		promo_code: DF.Data | None
		respondent: DF.DynamicLink
		respondent_doctype: DF.Link
		response_date: DF.Datetime
		response_type: DF.Literal[
			"Sent",
			"Opened",
			"Clicked",
			"Website Visit",
			"Downloaded",
			"Registered",
			"Attended",
			"Replied",
			"Declined",
			"Requested Info",
			"Purchased",
			"Unsubscribed",
			"Bounced",
			"Accepted",
			"Failed",
		]
		sales_order: DF.Link | None
		tracking_key: DF.Data | None
		utm_campaign: DF.Data | None
		utm_content: DF.Data | None
		utm_medium: DF.Data | None
		utm_source: DF.Data | None

	# end: auto-generated types
	def validate(self):
		self.fill_from_activity()
		self.full_name = self.full_name or responses.respondent_name(self)

	def on_update(self):
		before = self.get_doc_before_save()
		rescore_respondents(self, before)
		update_lead_rollups(campaigns_named(self, "campaign", before))

	def after_delete(self):
		rescore_respondents(self)
		update_lead_rollups(campaigns_named(self, "campaign"))

	def fill_from_activity(self):
		if not self.campaign_activity:
			return
		campaign, channel = frappe.db.get_value(
			"Campaign Activity", self.campaign_activity, ["campaign", "channel"]
		)
		if self.campaign and self.campaign != campaign:
			frappe.throw(
				_("Campaign Activity {0} belongs to Campaign {1}, not {2}").format(
					self.campaign_activity, campaign, self.campaign
				),
				title=_("Invalid Campaign Response"),
			)
		self.campaign = campaign
		self.channel = self.channel or channel

	@frappe.whitelist()
	def create_lead(self) -> str:
		"""The Lead of this respondent (found by email, else created), linked back here."""
		self.check_permission("write")
		return responses.create_lead(self)

	@frappe.whitelist()
	def create_opportunity(self) -> str:
		"""An Opportunity for the respondent's Customer / Prospect / Lead, linked back here."""
		self.check_permission("write")
		return responses.create_opportunity(self)


def on_doctype_update():
	# Covers lead scoring's per-person activity counts (crm_marketing_app.scoring.sql.activity_counts),
	# so the rescore's GROUP BY reads this index alone, in respondent order.
	frappe.db.add_index(
		"Campaign Response",
		["respondent_doctype", "respondent", "response_type", "response_date"],
		"respondent_activity",
	)
	# bounces find the Sent response of the bounced mail
	frappe.db.add_index("Campaign Response", ["message_id"])
