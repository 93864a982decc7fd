"""Offers through ERPNext's own machinery: a campaign's Pricing Rule and Coupon Codes, personal one-time
codes, their redemption, Customer Groups kept equal to target lists, and Loyalty Program enrolment."""
