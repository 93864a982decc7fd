"""Campaign ROI benchmark: the report against the raw aggregate over Campaign Attribution, and the
Sales Order submit with and without the attribution hook.

    cd /opt/bench && CRM_SITE=$SITE env/bin/python apps/crm_marketing_app/benchmarks/roi.py

Builds CRM_BENCH_ORDERS submitted Sales Orders (default 200 000) over 50 campaigns and 5 000
customers with bulk SQL from MariaDB's sequence tables (real submits would take hours), with
their Campaign Attribution rows as the hook writes them (three orders in four to one campaign
by its field, the fourth split 50/50 by Position Based), and 10 000 Leads naming the campaigns.
Then measures
  - the raw aggregate: SUM(amount), COUNT(*) of Campaign Attribution grouped by campaign;
  - the Campaign ROI report (`execute`) over the same period (best of 3 each);
  - CRM_BENCH_SUBMITS real Sales Order submits (default 300; a third by campaign field, a third
    by promo code, a third by the attribution model over Campaign Responses), in interleaved
    batches with and without the app's on_submit hook.
Prints ratios measured in this run, then deletes everything it created.
"""

import os
import time

import frappe
from common import SITE, connect

N_ORDERS = int(os.environ.get("CRM_BENCH_ORDERS", 200_000))
SUBMITS = int(os.environ.get("CRM_BENCH_SUBMITS", 300))
BATCH = 25
N_CAMPAIGNS, N_CUSTOMERS, N_LEADS = 50, 5_000, 10_000
PREFIX = "BENCH-ROI-"
HOOK = "crm_marketing_app.overrides.sales_transaction.on_submit"
PERIOD = ("2025-01-01", "2026-12-31")


def timed(fn, *args):
	start = time.perf_counter()
	fn(*args)
	return time.perf_counter() - start


def best_of(n, fn, *args):
	return min(timed(fn, *args) for _ in range(n))


def build_data(company):
	"""Setup by bulk SQL, not the subject of the benchmark."""
	p = {"prefix": PREFIX, "company": company}
	frappe.db.sql(
		f"""INSERT INTO `tabCampaign` (name, creation, modified, owner, modified_by, campaign_name, company,
			campaign_type, campaign_status, start_date, end_date, budget, planned_cost, actual_cost, promo_code)
		SELECT CONCAT(%(prefix)s, LPAD(seq, 2, '0')), NOW(), NOW(), 'Administrator', 'Administrator',
			CONCAT(%(prefix)s, LPAD(seq, 2, '0')), %(company)s,
			ELT(seq %% 4 + 1, 'Exhibition', 'Webinar', 'Email', 'Advertising'),
			IF(seq %% 3, 'Completed', 'Running'), DATE('2025-01-01') + INTERVAL (seq * 7) DAY,
			DATE('2025-01-01') + INTERVAL (seq * 7 + 90) DAY, 100000, 60000 + seq * 100, 50000 + seq * 100,
			CONCAT(%(prefix)s, 'CODE-', seq)
		FROM seq_1_to_{N_CAMPAIGNS}""",
		p,
	)
	frappe.db.sql(
		f"""INSERT INTO `tabCustomer` (name, creation, modified, owner, modified_by, customer_name, customer_type,
			customer_group, territory)
		SELECT CONCAT(%(prefix)s, 'C', LPAD(seq, 5, '0')), DATE('2025-01-01') + INTERVAL (seq %% 600) DAY, NOW(),
			'Administrator', 'Administrator', CONCAT(%(prefix)s, 'C', seq), 'Company', 'Commercial', 'All Territories'
		FROM seq_1_to_{N_CUSTOMERS}""",
		p,
	)
	campaign = f"CONCAT(%(prefix)s, LPAD(seq %% {N_CAMPAIGNS} + 1, 2, '0'))"
	frappe.db.sql(
		f"""INSERT INTO `tabSales Order` (name, creation, modified, owner, modified_by, docstatus, customer,
			company, transaction_date, delivery_date, currency, conversion_rate, net_total, base_net_total,
			grand_total, base_grand_total, campaign, status)
		SELECT CONCAT(%(prefix)s, 'SO', LPAD(seq, 7, '0')), NOW(), NOW(), 'Administrator', 'Administrator', 1,
			CONCAT(%(prefix)s, 'C', LPAD(seq %% {N_CUSTOMERS} + 1, 5, '0')), %(company)s,
			DATE('2025-01-01') + INTERVAL (seq %% 700) DAY, DATE('2025-01-08') + INTERVAL (seq %% 700) DAY,
			'UAH', 1, 100 + seq %% 900, 100 + seq %% 900, 100 + seq %% 900, 100 + seq %% 900,
			IF(seq %% 4, {campaign}, NULL), 'To Deliver and Bill'
		FROM seq_1_to_{N_ORDERS}""",
		p,
	)
	# One row per order by campaign field; the fourth order split 50/50 over two campaigns.
	frappe.db.sql(
		f"""INSERT INTO `tabCampaign Attribution` (name, creation, modified, owner, modified_by, campaign,
			reference_doctype, reference_name, customer, company, posting_date, model, weight, amount)
		SELECT CONCAT(%(prefix)s, 'A', seq), NOW(), NOW(), 'Administrator', 'Administrator',
			IFNULL(so.campaign, CONCAT(%(prefix)s, LPAD(seq %% {N_CAMPAIGNS} + 1, 2, '0'))), 'Sales Order', so.name,
			so.customer, so.company, so.transaction_date, IF(so.campaign IS NULL, 'Position Based', 'Campaign Field'),
			IF(so.campaign IS NULL, 0.5, 1), IF(so.campaign IS NULL, so.base_net_total / 2, so.base_net_total)
		FROM seq_1_to_{N_ORDERS} JOIN `tabSales Order` so ON so.name = CONCAT(%(prefix)s, 'SO', LPAD(seq, 7, '0'))""",
		p,
	)
	frappe.db.sql(
		f"""INSERT INTO `tabCampaign Attribution` (name, creation, modified, owner, modified_by, campaign,
			reference_doctype, reference_name, customer, company, posting_date, model, weight, amount)
		SELECT CONCAT(%(prefix)s, 'B', so.name), NOW(), NOW(), 'Administrator', 'Administrator',
			CONCAT(%(prefix)s, LPAD((CAST(SUBSTRING(so.name, {len(PREFIX) + 3}) AS UNSIGNED) + 7) %% {N_CAMPAIGNS} + 1, 2, '0')),
			'Sales Order', so.name, so.customer, so.company, so.transaction_date, 'Position Based', 0.5,
			so.base_net_total - so.base_net_total / 2
		FROM `tabSales Order` so WHERE so.name LIKE %(like)s AND so.campaign IS NULL""",
		{**p, "like": PREFIX + "SO%"},
	)
	frappe.db.sql(
		f"""INSERT INTO `tabLead` (name, creation, modified, owner, modified_by, lead_name, first_name, status, campaign_name)
		SELECT CONCAT(%(prefix)s, 'L', LPAD(seq, 6, '0')), NOW(), NOW(), 'Administrator', 'Administrator',
			CONCAT('Bench ', seq), CONCAT('Bench ', seq), 'Lead', CONCAT(%(prefix)s, LPAD(seq %% {N_CAMPAIGNS} + 1, 2, '0'))
		FROM seq_1_to_{N_LEADS}""",
		p,
	)
	from crm_marketing_app.campaigns.rollups import update_campaign_rollups

	update_campaign_rollups(
		frappe.get_all("Campaign", filters={"name": ("like", PREFIX + "%")}, pluck="name"),
		costs=False,
		revenue=True,
		leads=True,
	)
	frappe.db.commit()


def raw_aggregate():
	frappe.db.sql(
		"""SELECT campaign, SUM(amount), COUNT(*) FROM `tabCampaign Attribution`
		WHERE posting_date BETWEEN %s AND %s GROUP BY campaign""",
		PERIOD,
	)


def report():
	from crm_marketing_app.crm_marketing_app.report.campaign_roi.campaign_roi import execute

	execute({"from_date": PERIOD[0], "to_date": PERIOD[1]})


def draft_orders(n, company, item):
	"""Draft orders mixing the three ways of attribution, each customer with responses in the window."""
	from tests.integration.helpers import make_customer, make_sales_order

	campaigns = frappe.get_all(
		"Campaign", filters={"name": ("like", PREFIX + "%")}, pluck="name", order_by="name"
	)
	orders = []
	for i in range(n):
		customer = make_customer(f"{PREFIX}submit {i} {time.time_ns()}")
		for days in (20, 9, 2):
			frappe.get_doc(
				{
					"doctype": "Campaign Response",
					"campaign": campaigns[(i + days) % len(campaigns)],
					"respondent_doctype": "Customer",
					"respondent": customer,
					"response_type": "Clicked",
					"response_date": frappe.utils.add_days("2026-03-15 10:00:00", -days),
				}
			).insert()
		how = (
			{"campaign": campaigns[i % len(campaigns)]},
			{"promo_code": f"{PREFIX}CODE-{i % N_CAMPAIGNS + 1}"},
			{},
		)[i % 3]
		orders.append(
			make_sales_order(
				customer,
				[(item, 1, 100 + i)],
				transaction_date="2026-03-15",
				submit=False,
				company=company,
				**how,
			)
		)
	return orders


def submit_all(orders, with_hook):
	hooks = frappe.get_doc_hooks()
	saved = hooks["Sales Order"]["on_submit"]
	if not with_hook:
		hooks["Sales Order"]["on_submit"] = [h for h in saved if h != HOOK]
	try:
		for doc in orders:
			doc.submit()
	finally:
		hooks["Sales Order"]["on_submit"] = saved


def cleanup():
	"""The real orders were never committed; the bulk rows all carry the prefix."""
	frappe.db.rollback()
	like = PREFIX + "%"
	for table, column in (
		("tabCampaign Attribution", "campaign"),
		("tabCampaign Response", "campaign"),
		("tabLead", "name"),
		("tabSales Order", "name"),
		("tabCustomer", "name"),
		("tabCampaign", "name"),
	):
		frappe.db.sql(f"DELETE FROM `{table}` WHERE `{column}` LIKE %s", (like,))
	frappe.db.commit()


def main():
	connect()
	from tests.integration.helpers import default_company, ensure_fiscal_year, make_item

	company = default_company()
	print(
		f"site {SITE}: {N_ORDERS} orders over {N_CAMPAIGNS} campaigns, {N_CUSTOMERS} customers, {SUBMITS} real submits"
	)
	try:
		t = timed(build_data, company)
		rows = frappe.db.count("Campaign Attribution")
		print(f"built in {t:.1f} s ({rows} Campaign Attribution rows on the site)")
		raw_aggregate(), report()  # warm caches alike
		raw = best_of(3, raw_aggregate)
		rep = best_of(3, report)

		ensure_fiscal_year("2026-03-15")
		orders = draft_orders(SUBMITS, company, make_item(f"{PREFIX}ITEM"))
		plain, hooked = [], []
		with_hook = without_hook = 0.0
		for start in range(0, SUBMITS, 2 * BATCH):
			plain += orders[start : start + BATCH]
			hooked += orders[start + BATCH : start + 2 * BATCH]
			without_hook += timed(submit_all, orders[start : start + BATCH], False)
			with_hook += timed(submit_all, orders[start + BATCH : start + 2 * BATCH], True)
		attributed = frappe.db.count(
			"Campaign Attribution", {"reference_name": ("in", [o.name for o in hooked])}
		)
		unhooked = frappe.db.count(
			"Campaign Attribution", {"reference_name": ("in", [o.name for o in plain])}
		)
		per_plain, per_hooked = without_hook / len(plain), with_hook / len(hooked)
		print(f"{'measure':52} {'seconds':>10}")
		print(f"{'raw aggregate SQL over Campaign Attribution':52} {raw:10.3f}")
		print(f"{'Campaign ROI report (execute)':52} {rep:10.3f}")
		print(f"{'Sales Order submit without hook (per order, ms)':52} {per_plain * 1000:10.1f}")
		print(f"{'Sales Order submit with hook (per order, ms)':52} {per_hooked * 1000:10.1f}")
		print(f"report / raw aggregate: {rep / raw:.2f}x (goal <= 3x)")
		print(f"submit overhead of the hook: {(per_hooked / per_plain - 1) * 100:.1f} % (goal <= 10 %)")
		print(f"attribution rows: {attributed} from {len(hooked)} hooked submits, {unhooked} from the others")
	finally:
		cleanup()
		frappe.destroy()


if __name__ == "__main__":
	main()
