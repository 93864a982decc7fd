"""Sales Order and Sales Invoice (ERPNext) document events: revenue attribution to campaigns, and the
campaign coupons a Sales Order carries (an invoice has none: ERPNext keeps `coupon_code` on the order)."""

from crm_marketing_app.attribution.records import attribute_revenue, remove_attribution
from crm_marketing_app.offers import redemption


def before_validate(doc, method=None):
	redemption.lock_coupon_on_submit(doc)


def validate(doc, method=None):
	redemption.validate(doc)


def on_submit(doc, method=None):
	attribute_revenue(doc)
	redemption.record_purchase(doc)


def on_cancel(doc, method=None):
	remove_attribution(doc)
	redemption.remove_purchase(doc)
