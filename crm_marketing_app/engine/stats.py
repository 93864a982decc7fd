"""Statistics for A/B variants, as pure functions."""

import math


def two_proportion_test(
	successes_a: int, trials_a: int, successes_b: int, trials_b: int
) -> tuple[float, float]:
	"""The pooled two-proportion z-test of A's rate against B's: (z, two-sided p-value).

	z > 0 means A converts better. Without trials on both sides, or when nobody (or
	everybody) converted, there is nothing to tell apart: (0.0, 1.0).
	"""
	if trials_a <= 0 or trials_b <= 0:
		return 0.0, 1.0
	pooled = (successes_a + successes_b) / (trials_a + trials_b)
	variance = pooled * (1 - pooled) * (1 / trials_a + 1 / trials_b)
	if variance <= 0:
		return 0.0, 1.0
	z = (successes_a / trials_a - successes_b / trials_b) / math.sqrt(variance)
	return z, math.erfc(abs(z) / math.sqrt(2))


def significant(p_value: float, confidence: float = 0.95) -> bool:
	return p_value < 1 - confidence
