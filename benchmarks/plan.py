"""Plan against actual benchmark: Marketing Plan vs Actual and Channel Effectiveness against the raw
aggregate SQL of the same figures, measured in one run.

    cd /opt/bench && CRM_SITE=$SITE env/bin/python apps/crm_marketing_app/benchmarks/plan.py

Builds with bulk SQL (MariaDB's sequence tables) CRM_BENCH_ORDERS submitted Sales Orders (default
200 000) attributed to 500 campaigns over 4 cost centers, CRM_BENCH_ACTIVITIES activities (default
100 000), CRM_BENCH_RESPONSES responses (default 40 000: two per customer, so each order is
touched by two activities) of 20 000 customers through those activities, 20 000 Purchase Invoices
linked to activities with their GL entries, 20 000 other GL entries on the plan's expense account,
and a Marketing Plan of 48 monthly rows. Then times, raw and report interleaved, best of 2 each:
  - the raw aggregate: the four grouped sums of the plan (committed, invoiced, other spend, revenue
    per day, line and type) as plain SQL, against `Marketing Plan vs Actual` (execute);
  - the raw aggregate: responses per channel, attributed documents split over the activities that
    touched them, activity costs, as plain SQL, against `Channel Effectiveness` (execute).
Prints the ratios, then deletes everything it created.
"""

import os

import frappe
from common import SITE, connect, timed

N_ORDERS = int(os.environ.get("CRM_BENCH_ORDERS", 200_000))
N_ACTIVITIES = int(os.environ.get("CRM_BENCH_ACTIVITIES", 100_000))
N_CAMPAIGNS, N_CUSTOMERS, N_INVOICES, N_JOURNALS = 500, 20_000, 20_000, 20_000
N_RESPONSES = int(os.environ.get("CRM_BENCH_RESPONSES", 40_000))
RUNS = 2
PREFIX = "BENCH-PLAN-"
YEAR = ("2025-01-01", "2025-12-31")
CHANNELS = "'Email', 'Phone Call', 'Meeting', 'Letter', 'SMS', 'Webinar', 'Exhibition', 'Advertising'"


def cost_centers(company):
	root = frappe.db.get_value("Cost Center", {"company": company, "is_group": 1}, "name", order_by="lft")
	return [
		frappe.get_doc(
			{
				"doctype": "Cost Center",
				"cost_center_name": f"{PREFIX}{i}",
				"company": company,
				"parent_cost_center": root,
			}
		)
		.insert()
		.name
		for i in range(4)
	]


def build_data(company, lines, account):
	"""Setup by bulk SQL, not the subject of the benchmark."""
	p = {
		"prefix": PREFIX,
		"company": company,
		"account": account,
		**{f"cc{i}": cc for i, cc in enumerate(lines)},
	}
	campaign = f"CONCAT(%(prefix)s, LPAD(seq %% {N_CAMPAIGNS} + 1, 3, '0'))"
	sql = frappe.db.sql
	sql(
		f"""INSERT INTO `tabCampaign` (name, creation, modified, owner, modified_by, campaign_name, company,
			campaign_type, campaign_status, start_date, end_date, cost_center)
		SELECT CONCAT(%(prefix)s, LPAD(seq, 3, '0')), NOW(), NOW(), 'Administrator', 'Administrator',
			CONCAT(%(prefix)s, LPAD(seq, 3, '0')), %(company)s,
			ELT(seq %% 4 + 1, 'Exhibition', 'Webinar', 'Email', 'Advertising'),
			IF(seq %% 5, 'Running', 'Planned'), DATE('2025-01-01') + INTERVAL (seq %% 300) DAY,
			DATE('2025-01-01') + INTERVAL (seq %% 300 + 60) DAY, ELT(seq %% 4 + 1, %(cc0)s, %(cc1)s, %(cc2)s, %(cc3)s)
		FROM seq_1_to_{N_CAMPAIGNS}""",
		p,
	)
	sql(
		f"""INSERT INTO `tabCustomer` (name, creation, modified, owner, modified_by, customer_name, customer_type,
			customer_group, territory)
		SELECT CONCAT(%(prefix)s, 'C', LPAD(seq, 5, '0')), NOW(), NOW(), 'Administrator', 'Administrator',
			CONCAT(%(prefix)s, 'C', seq), 'Company', 'Commercial', 'All Territories'
		FROM seq_1_to_{N_CUSTOMERS}""",
		p,
	)
	sql(
		f"""INSERT INTO `tabCampaign Activity` (name, creation, modified, owner, modified_by, campaign, subject,
			channel, status, scheduled_date, planned_cost, actual_cost)
		SELECT CONCAT(%(prefix)s, 'A', LPAD(seq, 6, '0')), NOW(), NOW(), 'Administrator', 'Administrator',
			{campaign}, CONCAT('Activity ', seq), ELT(seq %% 8 + 1, {CHANNELS}),
			IF(seq %% 20, 'Completed', 'Cancelled'), DATE('2025-01-01') + INTERVAL (seq %% 365) DAY,
			100 + seq %% 50, 90 + seq %% 60
		FROM seq_1_to_{N_ACTIVITIES}""",
		p,
	)
	customer = f"CONCAT(%(prefix)s, 'C', LPAD(seq %% {N_CUSTOMERS} + 1, 5, '0'))"
	# response seq r: customer r mod 20 000 and campaign r mod 500, so an order of a customer meets the
	# responses of the customer to its campaign
	sql(
		f"""INSERT INTO `tabCampaign Response` (name, creation, modified, owner, modified_by, campaign,
			campaign_activity, respondent_doctype, respondent, response_type, response_date)
		SELECT CONCAT(%(prefix)s, 'R', seq), NOW(), NOW(), 'Administrator', 'Administrator', {campaign},
			CONCAT(%(prefix)s, 'A', LPAD(seq %% {N_ACTIVITIES} + 1, 6, '0')), 'Customer', {customer},
			ELT(seq %% 5 + 1, 'Sent', 'Opened', 'Clicked', 'Replied', 'Registered'),
			DATE('2025-01-01') + INTERVAL (seq %% 365) DAY
		FROM seq_0_to_{N_RESPONSES - 1}""",
		p,
	)
	sql(
		f"""INSERT INTO `tabSales Order` (name, creation, modified, owner, modified_by, docstatus, customer,
			company, transaction_date, delivery_date, currency, conversion_rate, net_total, base_net_total,
			grand_total, base_grand_total, campaign, status)
		SELECT CONCAT(%(prefix)s, 'SO', LPAD(seq, 7, '0')), NOW(), NOW(), 'Administrator', 'Administrator', 1,
			{customer}, %(company)s, DATE('2025-01-01') + INTERVAL (seq %% 365) DAY,
			DATE('2025-01-08') + INTERVAL (seq %% 365) DAY, 'UAH', 1, 100 + seq %% 900, 100 + seq %% 900,
			100 + seq %% 900, 100 + seq %% 900, {campaign}, 'To Deliver and Bill'
		FROM seq_0_to_{N_ORDERS - 1}""",
		p,
	)
	sql(
		f"""INSERT INTO `tabCampaign Attribution` (name, creation, modified, owner, modified_by, campaign,
			reference_doctype, reference_name, customer, company, posting_date, model, weight, amount)
		SELECT CONCAT(%(prefix)s, 'AT', seq), NOW(), NOW(), 'Administrator', 'Administrator', {campaign},
			'Sales Order', CONCAT(%(prefix)s, 'SO', LPAD(seq, 7, '0')), {customer}, %(company)s,
			DATE('2025-01-01') + INTERVAL (seq %% 365) DAY, 'Campaign Field', 1, 100 + seq %% 900
		FROM seq_0_to_{N_ORDERS - 1}""",
		p,
	)
	sql(
		f"""INSERT INTO `tabPurchase Invoice` (name, creation, modified, owner, modified_by, docstatus, supplier,
			company, posting_date, currency, conversion_rate, net_total, base_net_total, grand_total,
			base_grand_total, status)
		SELECT CONCAT(%(prefix)s, 'PI', LPAD(seq, 6, '0')), NOW(), NOW(), 'Administrator', 'Administrator', 1,
			'Bench Supplier', %(company)s, DATE('2025-01-01') + INTERVAL (seq %% 365) DAY, 'UAH', 1,
			80 + seq %% 40, 80 + seq %% 40, 80 + seq %% 40, 80 + seq %% 40, 'Unpaid'
		FROM seq_1_to_{N_INVOICES}""",
		p,
	)
	sql(
		f"""INSERT INTO `tabCampaign Activity Purchase Invoice` (name, creation, modified, owner, modified_by,
			parent, parenttype, parentfield, idx, purchase_invoice, amount)
		SELECT CONCAT(%(prefix)s, 'L', seq), NOW(), NOW(), 'Administrator', 'Administrator',
			CONCAT(%(prefix)s, 'A', LPAD(seq * 5, 6, '0')), 'Campaign Activity', 'purchase_invoices', 1,
			CONCAT(%(prefix)s, 'PI', LPAD(seq, 6, '0')), 80 + seq %% 40
		FROM seq_1_to_{N_INVOICES}""",
		p,
	)
	# the linked invoices' own ledger lines (left out of other spend), and journal entries (counted)
	sql(
		f"""INSERT INTO `tabGL Entry` (name, creation, modified, owner, modified_by, company, account, cost_center,
			posting_date, debit, credit, voucher_type, voucher_no, is_cancelled)
		SELECT CONCAT(%(prefix)s, 'G', seq), NOW(), NOW(), 'Administrator', 'Administrator', %(company)s,
			%(account)s, ELT(seq %% 4 + 1, %(cc0)s, %(cc1)s, %(cc2)s, %(cc3)s),
			DATE('2025-01-01') + INTERVAL (seq %% 365) DAY,
			IF(seq <= {N_INVOICES}, 80 + seq %% 40, 50 + seq %% 70), 0,
			IF(seq <= {N_INVOICES}, 'Purchase Invoice', 'Journal Entry'),
			IF(seq <= {N_INVOICES}, CONCAT(%(prefix)s, 'PI', LPAD(seq, 6, '0')), CONCAT(%(prefix)s, 'JV', seq)), 0
		FROM seq_1_to_{N_INVOICES + N_JOURNALS}""",
		p,
	)
	frappe.db.commit()


def make_plan(company, lines, account):
	from tests.integration.helpers import business_date

	business_date("2025-06-01")
	fiscal_year = frappe.db.get_value(
		"Fiscal Year", {"year_start_date": ("<=", "2025-06-01"), "year_end_date": (">=", "2025-06-01")}
	)
	frappe.db.delete("Marketing Plan", {"company": company, "fiscal_year": fiscal_year})
	periods = [
		{
			"period_start": f"2025-{month:02d}-01",
			"period_end": frappe.utils.get_last_day(f"2025-{month:02d}-01"),
			"cost_center": line,
			"planned_budget": 500_000,
		}
		for month in range(1, 13)
		for line in lines
	]
	plan = frappe.get_doc(
		{
			"doctype": "Marketing Plan",
			"company": company,
			"fiscal_year": fiscal_year,
			"expense_accounts": [{"account": account}],
			"periods": periods,
		}
	).insert()
	frappe.db.commit()
	return plan


PLAN_RAW = """
SELECT IFNULL(a.scheduled_date, c.start_date) d, c.cost_center, c.campaign_type, SUM(a.planned_cost)
FROM `tabCampaign Activity` a JOIN `tabCampaign` c ON c.name = a.campaign
WHERE c.company = %(company)s AND c.campaign_status IN ('Approved', 'Running', 'Completed')
	AND a.status != 'Cancelled' AND IFNULL(a.scheduled_date, c.start_date) BETWEEN %(start)s AND %(end)s
GROUP BY d, c.cost_center, c.campaign_type;
SELECT pi.posting_date, c.cost_center, c.campaign_type, SUM(pi.base_net_total)
FROM `tabCampaign Activity Purchase Invoice` l JOIN `tabPurchase Invoice` pi ON pi.name = l.purchase_invoice
	JOIN `tabCampaign Activity` a ON a.name = l.parent JOIN `tabCampaign` c ON c.name = a.campaign
WHERE c.company = %(company)s AND l.parenttype = 'Campaign Activity' AND pi.docstatus = 1
	AND pi.posting_date BETWEEN %(start)s AND %(end)s
GROUP BY pi.posting_date, c.cost_center, c.campaign_type;
SELECT g.posting_date, g.cost_center, SUM(g.debit - g.credit) FROM `tabGL Entry` g
WHERE g.company = %(company)s AND g.is_cancelled = 0 AND g.account = %(account)s
	AND g.posting_date BETWEEN %(start)s AND %(end)s
	AND (g.voucher_type != 'Purchase Invoice' OR g.voucher_no NOT IN (
		SELECT purchase_invoice FROM `tabCampaign Activity Purchase Invoice` WHERE parenttype = 'Campaign Activity'))
GROUP BY g.posting_date, g.cost_center;
SELECT ca.posting_date, c.cost_center, c.campaign_type, SUM(ca.amount)
FROM `tabCampaign Attribution` ca JOIN `tabCampaign` c ON c.name = ca.campaign
WHERE c.company = %(company)s AND ca.posting_date BETWEEN %(start)s AND %(end)s
GROUP BY ca.posting_date, c.cost_center, c.campaign_type
"""

CHANNEL_RAW = """
SELECT a.channel, COUNT(DISTINCT IF(r.response_type = 'Sent', CONCAT(r.respondent_doctype, ':', r.respondent), NULL)),
	COUNT(DISTINCT IF(r.response_type = 'Opened', CONCAT(r.respondent_doctype, ':', r.respondent), NULL)),
	COUNT(DISTINCT IF(r.response_type = 'Clicked', CONCAT(r.respondent_doctype, ':', r.respondent), NULL)),
	COUNT(DISTINCT IF(r.response_type IN ('Replied', 'Registered'), CONCAT(r.respondent_doctype, ':', r.respondent), NULL)),
	COUNT(DISTINCT r.lead), COUNT(DISTINCT r.opportunity)
FROM `tabCampaign Response` r JOIN `tabCampaign Activity` a ON a.name = r.campaign_activity
	JOIN `tabCampaign` c ON c.name = a.campaign
GROUP BY a.channel;
SELECT bucket, COUNT(*), SUM(amount / n) FROM (
	SELECT bucket, attribution, amount, COUNT(*) OVER (PARTITION BY attribution) n FROM (
		SELECT DISTINCT ca.name attribution, ca.amount, a.channel bucket FROM `tabCampaign Attribution` ca
		JOIN `tabCampaign Response` r ON r.respondent_doctype = 'Customer' AND r.respondent = ca.customer
			AND r.campaign = ca.campaign
		JOIN `tabCampaign Activity` a ON a.name = r.campaign_activity JOIN `tabCampaign` c ON c.name = a.campaign
	) t
) s GROUP BY bucket;
SELECT COUNT(*), SUM(amount) FROM `tabCampaign Attribution`;
SELECT a.channel, SUM(a.actual_cost) FROM `tabCampaign Activity` a JOIN `tabCampaign` c ON c.name = a.campaign
WHERE a.status != 'Cancelled' GROUP BY a.channel
"""


def raw(statements, params):
	for statement in statements.split(";"):
		frappe.db.sql(statement, params)


def plan_report(plan):
	from crm_marketing_app.crm_marketing_app.report.marketing_plan_vs_actual.marketing_plan_vs_actual import (
		execute,
	)

	execute({"company": plan.company, "fiscal_year": plan.fiscal_year})


def channel_report():
	from crm_marketing_app.crm_marketing_app.report.channel_effectiveness.channel_effectiveness import execute

	execute({"group_by": "Channel"})


def cleanup(plan, lines):
	frappe.db.rollback()
	like = PREFIX + "%"
	for table, column in (
		("tabGL Entry", "name"),
		("tabCampaign Activity Purchase Invoice", "name"),
		("tabPurchase Invoice", "name"),
		("tabCampaign Attribution", "name"),
		("tabSales Order", "name"),
		("tabCampaign Response", "name"),
		("tabCampaign Activity", "name"),
		("tabCustomer", "name"),
		("tabCampaign", "name"),
	):
		frappe.db.sql(f"DELETE FROM `{table}` WHERE `{column}` LIKE %s", (like,))
	if plan:
		frappe.delete_doc("Marketing Plan", plan.name, force=True)
	for line in lines:
		frappe.delete_doc("Cost Center", line, force=True)
	frappe.db.commit()


def main():
	connect()
	from tests.integration.helpers import default_company

	company = default_company()
	account = frappe.db.get_value("Account", {"company": company, "root_type": "Expense", "is_group": 0})
	print(
		f"site {SITE}: {N_ORDERS} attributed orders, {N_ACTIVITIES} activities, {N_RESPONSES} responses, "
		f"{N_INVOICES} linked invoices, {N_JOURNALS} other GL entries, {N_CAMPAIGNS} campaigns"
	)
	plan, lines = None, []
	try:
		lines = cost_centers(company)
		frappe.db.commit()
		t = timed(build_data, company, lines, account)
		plan = make_plan(company, lines, account)
		print(f"built in {t:.1f} s")
		params = {"company": company, "account": account, "start": YEAR[0], "end": YEAR[1]}
		runs = [
			(
				timed(raw, PLAN_RAW, params),
				timed(plan_report, plan),
				timed(raw, CHANNEL_RAW, params),
				timed(channel_report),
			)
			for _ in range(RUNS)
		]
		plan_raw, plan_rep, channel_raw, channel_rep = (min(column) for column in zip(*runs, strict=True))
		print(f"{'measure':58} {'seconds':>10}")
		print(f"{'raw aggregate SQL of the plan figures':58} {plan_raw:10.3f}")
		print(f"{'Marketing Plan vs Actual (execute)':58} {plan_rep:10.3f}")
		print(f"{'raw aggregate SQL of the channel figures':58} {channel_raw:10.3f}")
		print(f"{'Channel Effectiveness (execute)':58} {channel_rep:10.3f}")
		print(f"Marketing Plan vs Actual / raw: {plan_rep / plan_raw:.2f}x (goal <= 3x)")
		print(f"Channel Effectiveness / raw: {channel_rep / channel_raw:.2f}x (goal <= 3x)")
	finally:
		cleanup(plan, lines)
		frappe.destroy()


if __name__ == "__main__":
	main()
