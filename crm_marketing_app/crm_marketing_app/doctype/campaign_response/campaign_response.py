import frappe
from frappe import _
from frappe.model.document import Document

from crm_marketing_app.campaign_execution import registration, responses


class CampaignResponse(Document):
	def validate(self):
		if frappe.flags.in_web_form and self.is_new():
			registration.prepare(self)
		self.fill_from_activity()
		self.full_name = self.full_name or responses.respondent_name(self)

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
