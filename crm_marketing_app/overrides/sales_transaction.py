"""Sales Order and Sales Invoice (ERPNext) document events: revenue attribution to campaigns."""

from crm_marketing_app.attribution.records import attribute_revenue, remove_attribution


def on_submit(doc, method=None):
	attribute_revenue(doc)


def on_cancel(doc, method=None):
	remove_attribution(doc)
