"""Opportunity (ERPNext) document events: the Opportunities goals of the campaign it names."""

from crm_marketing_app.campaigns.rollups import campaigns_named, update_goal_rollups


def on_update(doc, method=None):
	update_goal_rollups(campaigns_named(doc, "campaign", doc.get_doc_before_save()))


def after_delete(doc, method=None):
	update_goal_rollups(campaigns_named(doc, "campaign"))
