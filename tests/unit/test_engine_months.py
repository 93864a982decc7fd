from datetime import date

from crm_marketing_app.engine.months import by_month, last_months


def test_last_months_cross_the_year_oldest_first():
	assert last_months(date(2026, 2, 17), 4) == [
		date(2025, 11, 1),
		date(2025, 12, 1),
		date(2026, 1, 1),
		date(2026, 2, 1),
	]


def test_by_month_sums_inside_and_drops_outside():
	months = last_months(date(2026, 3, 5), 2)
	rows = [
		(date(2026, 2, 1), 10),
		(date(2026, 2, 28), 5.5),
		(date(2026, 3, 31), 1),
		(date(2026, 1, 31), 99),
		(date(2026, 3, 2), None),
	]
	assert by_month(rows, months) == [15.5, 1.0]
