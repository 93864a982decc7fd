"""Calendar months for month-by-month dashboards."""

from datetime import date


def month_start(day: date) -> date:
	return day.replace(day=1)


def last_months(today: date, count: int) -> list[date]:
	"""The first days of the `count` months ending with today's, oldest first."""
	starts = []
	year, month = today.year, today.month
	for _ in range(count):
		starts.append(date(year, month, 1))
		year, month = (year, month - 1) if month > 1 else (year - 1, 12)
	return starts[::-1]


def by_month(rows: list[tuple[date, float]], months: list[date]) -> list[float]:
	"""Sums (day, amount) rows into the given months; days outside them are left out."""
	totals = dict.fromkeys(months, 0.0)
	for day, amount in rows:
		start = month_start(day)
		if start in totals:
			totals[start] += float(amount or 0)
	return [totals[m] for m in months]
