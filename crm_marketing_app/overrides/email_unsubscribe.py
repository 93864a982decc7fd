"""Email Unsubscribe (Frappe) document events: Target List rows and the activity's responses follow it."""

from crm_marketing_app.campaign_execution import tracking
from crm_marketing_app.target_lists import members


def after_insert(doc, method=None):
	members.on_email_unsubscribe(doc)
	tracking.on_email_unsubscribe(doc)


def on_trash(doc, method=None):
	members.on_email_unsubscribe(doc)
