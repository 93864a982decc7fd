"""Contact (Frappe) document events: its score, its Target List rows, and the website visitor who
created it in a form (visitor cookie)."""

from crm_marketing_app.campaign_execution import web_tracking
from crm_marketing_app.scoring import incremental
from crm_marketing_app.target_lists.members import on_person_update


def after_insert(doc, method=None):
	web_tracking.identify_form_person(doc)


def validate(doc, method=None):
	incremental.score_document(doc)


def on_update(doc, method=None):
	on_person_update(doc)
