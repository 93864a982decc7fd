"""Purchase Invoice (ERPNext) document events: the costs of the Campaign Activities it is linked to."""

from crm_marketing_app.suppliers.costs import on_purchase_invoice_change


def on_submit(doc, method=None):
	on_purchase_invoice_change(doc, submitted=True)


def on_cancel(doc, method=None):
	on_purchase_invoice_change(doc, submitted=False)
