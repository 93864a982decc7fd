"""Contact (Frappe) document events: its score and its Target List rows."""

from crm_marketing_app.scoring import incremental
from crm_marketing_app.target_lists.members import on_person_update


def validate(doc, method=None):
	incremental.score_document(doc)


def on_update(doc, method=None):
	on_person_update(doc)
