"""Lead (ERPNext) document events: its score, its Target List rows, the campaign's lead count, and
the website visitor who created it in a form (UTM values, visitor cookie)."""

from crm_marketing_app.campaign_execution import web_tracking
from crm_marketing_app.campaigns.rollups import campaigns_named, update_lead_rollups
from crm_marketing_app.scoring import incremental
from crm_marketing_app.target_lists.members import on_person_update


def before_insert(doc, method=None):
	web_tracking.fill_lead_utm(doc)


def after_insert(doc, method=None):
	web_tracking.identify_form_person(doc)


def validate(doc, method=None):
	incremental.score_document(doc)


def on_update(doc, method=None):
	on_person_update(doc)
	update_lead_rollups(campaigns_named(doc, "campaign_name", doc.get_doc_before_save()))


def after_delete(doc, method=None):
	update_lead_rollups(campaigns_named(doc, "campaign_name"))
