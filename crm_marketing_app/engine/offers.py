"""Campaign offers: what a campaign's offer section means for its ERPNext Pricing Rule and coupons.

Pure functions over plain values; crm_marketing_app.offers writes the documents.
"""

import secrets
from collections.abc import Sequence
from datetime import date, timedelta

from crm_marketing_app.engine.errors import EngineError, _

DISCOUNT_PERCENTAGE, DISCOUNT_AMOUNT, FREE_ITEM = "Discount Percentage", "Discount Amount", "Free Item"
OFFER_TYPES = (DISCOUNT_PERCENTAGE, DISCOUNT_AMOUNT, FREE_ITEM)
# A campaign whose offer has ended: its rule is disabled and its codes expire.
ENDED_STATUSES = ("Completed", "Cancelled")
# Coupon Code.maximum_use 0 means "exhausted" to ERPNext's submit, so "no limit" is a large number.
UNLIMITED_USES = 1_000_000_000
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: codes are read aloud and typed
CODE_LENGTH = 10


def check_offer(
	offer_type: str | None,
	percentage: float | None,
	amount: float | None,
	free_item: str | None,
	products: Sequence[tuple[str | None, str | None]],
) -> None:
	"""Raises when the offer cannot become a Pricing Rule; an empty offer type is no offer."""
	if not offer_type:
		return
	if offer_type not in OFFER_TYPES:
		raise EngineError(_("Unknown Offer Type {0}; use one of: {1}"), offer_type, ", ".join(OFFER_TYPES))
	if offer_type == DISCOUNT_PERCENTAGE and not (0 < (percentage or 0) <= 100):
		raise EngineError(
			_("Offer Discount Percentage must be above 0 and at most 100, not {0}"), percentage or 0
		)
	if offer_type == DISCOUNT_AMOUNT and not (amount or 0) > 0:
		raise EngineError(_("Offer Discount Amount must be above 0, not {0}"), amount or 0)
	if offer_type == FREE_ITEM and not free_item:
		raise EngineError(_("Set the Offer Free Item the customer gets"))
	apply_on(products)


def apply_on(products: Sequence[tuple[str | None, str | None]]) -> tuple[str, list[str]]:
	"""("Item Code", items) or ("Item Group", groups) of the campaign's target products (item, item_group).

	A Pricing Rule applies to items or to item groups, never both.
	"""
	items = sorted({item for item, _group in products if item})
	groups = sorted({group for item, group in products if group and not item})
	if not items and not groups:
		raise EngineError(
			_("An offer needs the campaign's Target Products: add the items or item groups it applies to")
		)
	if items and groups:
		raise EngineError(
			_(
				"An offer applies to items or to item groups, not both: Target Products name items {0} and item groups {1}"
			),
			", ".join(items),
			", ".join(groups),
		)
	return ("Item Code", items) if items else ("Item Group", groups)


def validity(start: date | None, end: date | None, ended: bool, today: date) -> tuple[date, date | None]:
	"""(valid_from, valid_upto) of the campaign's codes: its dates while the offer runs; expired by yesterday
	once it has ended (Coupon Code has no switch; ERPNext refuses an expired code)."""
	valid_from = start or today
	if ended:
		yesterday = today - timedelta(days=1)
		return valid_from, min(end, yesterday) if end else yesterday
	return valid_from, end


def new_codes(prefix: str | None, count: int, taken: set[str] = frozenset()) -> list[str]:
	"""`count` distinct random codes "PREFIX-XXXXXXXXXX", none of them in `taken`."""
	head = f"{prefix.strip().upper()}-" if prefix and prefix.strip() else ""
	codes: set[str] = set()
	while len(codes) < count:
		code = head + "".join(secrets.choice(CODE_ALPHABET) for _i in range(CODE_LENGTH))
		if code not in taken:
			codes.add(code)
	return sorted(codes)


def redemption_rate(issued: int, redeemed: int) -> float:
	"""Redeemed codes per issued code, in percent (0 without codes)."""
	return round(100.0 * redeemed / issued, 2) if issued else 0.0
