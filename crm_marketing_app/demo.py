"""Demo data: a maker of refrigeration equipment preparing its annual trade exhibition.

    bench --site <site> execute crm_marketing_app.demo.load
    bench --site <site> execute crm_marketing_app.demo.clear

The story follows the seed article: three target groups of the exhibition
(current customers with equipment bought after the cut-off date and a medium or
high upsell potential get a personalised email; customers running equipment
bought before it get a flyer letter to their management; prospects of the
target segments get the flyer too), a campaign with budget, promo code and
approval, activities run by marketing suppliers with milestones, responses along
invitation -> registration -> attendance (visitors new to the CRM register at
the stand through the event's web form and become the campaign's leads), the
seed's lead-scoring rules, a
renewal trigger, and orders after the show attributed to the campaign. The source
material's five follow-up flows are Active Marketing Journeys (`JOURNEYS`): the
invitation with its accepted / declined outcomes and a stand meeting, the white paper
sent again when not downloaded, the call two months after a missed webinar, the
follow-up after a customer's first order, the licence renewal 11 months 2 days after
each purchase.

`load` finds every record by a natural key before creating it, so it can run
again without duplicates; `clear` removes exactly what `load` creates. Dates
around the show are relative to today, so the dashboards always show it.
"""

import frappe
from frappe.custom.doctype.custom_field.custom_field import create_custom_field
from frappe.model.delete_doc import delete_dynamic_links
from frappe.model.workflow import apply_workflow
from frappe.utils import add_days, add_months, getdate, today

from crm_marketing_app.automation.runner import run_trigger
from crm_marketing_app.campaign_execution import registration
from crm_marketing_app.scoring.demo_rules import create_seed_rules, seed_rules
from crm_marketing_app.tasks import distribute_activity, refresh_dynamic_lists, rescore_all
from crm_marketing_app.utils import ensure_fiscal_year

CAMPAIGN = "Cold Chain Expo 2026"
PAST_CAMPAIGN = "Cold Chain Expo 2025"
PROMO_CODE = "COLDEXPO26"
FUNNEL = "Trade Exhibition"
ITEM_GROUP = "Refrigeration Equipment"
CUT_OFF = "2022-01-01"  # equipment bought before this date is outdated
ORDER_KEY = "DEMO-EXPO-"  # Sales Order po_no prefix: the demo's orders
TRIGGER = "Refrigeration service renewal"
UPSELL_FIELD = "upsell_potential"
# The maker is Ukrainian: a company in Ukraine keeping its books in hryvnias, created when the site
# has none, with a price list in its currency (no exchange rate needed for the demo's orders).
COMPANY = ("KholodTekh LLC", "KT")
COUNTRY, CURRENCY = "Ukraine", "UAH"
PRICE_LIST = "Demo Selling UAH"

USERS = {
	"olena.kovalenko@example.com": ("Olena", "Kovalenko", ["Marketing Manager", "Sales User"]),
	"taras.melnyk@example.com": ("Taras", "Melnyk", ["Marketing User", "Sales User"]),
}
MANAGER, REP = list(USERS)

ITEMS = {
	"RF-DC-2400": ("Refrigerated Display Case DC-2400", 4800),
	"RF-BC-60": ("Blast Chiller BC-60", 9500),
	"RF-WR-12": ("Walk-in Cold Room WR-12", 22000),
	"RF-CU-5": ("Condensing Unit CU-5", 2600),
	"RF-DC-1000": ("Display Case DC-1000 (discontinued)", 3200),
	"RF-MON-LIC": ("Cold Chain Monitoring Licence, 1 year", 1200),
}
LICENCE = "RF-MON-LIC"  # renewed every year: its renewal journey starts 11 months 2 days after each purchase

# customer: (upsell potential, key person, designation, [(item, qty, date)])
CUSTOMERS = {
	"Arctic Foods Market": (
		"High",
		"Iryna Bondar",
		"Head of Store Operations",
		[("RF-DC-2400", 6, "2023-06-14")],
	),
	"FreshWay Supermarkets": (
		"Medium",
		"Dmytro Savchenko",
		"Chief Engineer",
		[("RF-BC-60", 2, "2024-03-05")],
	),
	"Northern Fish Processing": ("Low", "Petro Hnatiuk", "Plant Manager", [("RF-WR-12", 1, "2023-09-20")]),
	"Bistro Group": ("Medium", "Oksana Lysenko", "Purchasing Director", [("RF-DC-1000", 4, "2019-05-16")]),
	"Dairy Valley Co-op": (
		"Medium",
		"Andrii Moroz",
		"General Director",
		[("RF-DC-1000", 3, "2019-02-11"), ("RF-CU-5", 3, "2019-02-11")],
	),
	"Sunrise Hotels": (
		"High",
		"Natalia Kravets",
		"Chief Executive",
		[("RF-DC-1000", 2, "2019-08-22"), ("RF-BC-60", 1, "2024-10-02")],
	),
	"Metro Cash Corner": ("High", "Yurii Tkachenko", "Owner", [("RF-CU-5", 5, "2025-04-17")]),
	"Polar Ice Cream Factory": (
		"Low",
		"Svitlana Rudenko",
		"Technical Director",
		[("RF-DC-1000", 6, "2018-11-07")],
	),
}

# Prospects of the target segments: (first, last, organisation, job title, industry, abroad)
LEADS = [
	("Maksym", "Oliinyk", "GreenGrocer Chain", "Vice President of Operations", "Grocery", False),
	("Kateryna", "Pavlenko", "Fresh & Co Retail", "Store Manager", "Retail & Wholesale", False),
	("Serhii", "Koval", "Baltic Seafood", "President", "Food, Beverage & Tobacco", True),
	("Olha", "Shevchuk", "City Department Store", "Facilities Manager", "Department Stores", False),
	("Volodymyr", "Marchenko", "Family Mart", None, "Grocery", False),
	("Halyna", "Boiko", "Corner Deli", "Owner", "Retail & Wholesale", True),
	("Roman", "Zinchenko", "Coffee Point", None, "Food, Beverage & Tobacco", True),
	("Alla", "Kostenko", "Hypermarket Plus", "Senior Vice President", "Retail & Wholesale", False),
]
SEGMENTS = "Grocery, Retail & Wholesale, Department Stores"

# Visitors unknown to the CRM who registered at the stand through the event's web form:
# (first, last, organisation, phone, attended the presentation)
VISITORS = [
	("Bohdan", "Levchenko", "Frost Logistics", "+380673330001", True),
	("Mariia", "Tkachuk", "Kherson Bakery", "+380673330002", True),
	("Ihor", "Danyliuk", "Vinnytsia Meat Plant", "+380673330003", False),
]

LISTS = {
	"Expo 2026: current customers, key staff": {
		"member_doctype": "Customer",
		"channel": "Email",
		"description": "Current customers with equipment bought after the cut-off date and a medium or high upsell potential: a personalised email to key staff.",
		"conditions": [
			("ordered_item_group", "=", ITEM_GROUP),
			("ordered_after", "=", CUT_OFF),
			(UPSELL_FIELD, "in", "Medium, High"),
		],
	},
	"Expo 2026: customers with outdated equipment": {
		"member_doctype": "Customer",
		"channel": "Postal Mail",
		"description": "Current customers running equipment bought before the cut-off date: a flyer letter to management describing the bonuses.",
		"conditions": [("ordered_item_group", "=", ITEM_GROUP), ("ordered_before", "=", CUT_OFF)],
	},
	"Expo 2026: prospects of the target segments": {
		"member_doctype": "Lead",
		"channel": "Postal Mail",
		"description": "Prospects of the target segments: a flyer letter to management describing the bonuses.",
		"conditions": [("industry", "in", SEGMENTS)],
	},
}
KEY_STAFF, OUTDATED, PROSPECTS = list(LISTS)

SERVICE_TYPES = ("Stand Building", "Printing", "Mailing", "Call Centre")
# The seed's criteria for choosing a supplier: reliability and quality first, then cost and convenience.
CRITERIA = {"Reliability": 0.35, "Quality": 0.3, "Cost": 0.2, "Convenience": 0.15}
# supplier: (service types, [scores in CRITERIA order])
SUPPLIERS = {
	"ExpoStand Builders": (["Stand Building"], [9, 8, 6, 8]),
	"Stand Masters": (["Stand Building"], [7, 7, 9, 6]),
	"PrintPro": (["Printing"], [8, 9, 7, 9]),
	"MailHouse Direct": (["Mailing", "Call Centre"], [8, 7, 8, 7]),
}

TEMPLATES = {
	"Expo 2026 invitation": (
		"Meet us at Cold Chain Expo, {{ first_name or member_name }}",
		"<p>Dear {{ first_name or member_name }},</p><p>we invite the team of {{ company or member_name }} to our stand "
		"at Cold Chain Expo. Quote the promo code COLDEXPO26 for the exhibition bonus.</p>",
	),
	"Expo 2026 flyer letter": (
		"Cold Chain Expo: upgrade bonus for {{ company or member_name }}",
		"<p>Dear management of {{ company or member_name }},</p><p>trade in your old refrigeration equipment at our "
		"stand at Cold Chain Expo and receive the upgrade bonus with promo code COLDEXPO26.</p>",
	),
	"Cold room efficiency white paper": (
		"White paper: a cold room that costs a third less to run",
		"<p>Dear {{ first_name or member_name }},</p><p>our engineers measured where cold rooms lose energy and "
		"how to win it back. Download the white paper from our website.</p>",
	),
	"Thank you for your first order": (
		"Thank you for your first order, {{ first_name or member_name }}",
		"<p>Dear {{ first_name or member_name }},</p><p>thank you for choosing our equipment. Your account manager "
		"will call you in the next days to make sure everything runs as it should.</p>",
	),
	"Monitoring licence renewal": (
		"Your cold chain monitoring licence ends next month",
		"<p>Dear {{ first_name or member_name }},</p><p>your monitoring licence runs out in four weeks. Renew it "
		"now to keep the temperature alarms and reports of your equipment.</p>",
	),
}

# The source material's five flows as Marketing Journeys (created through the DocType, then activated).
INVITATION, WHITE_PAPER, WEBINAR, FIRST_ORDER, RENEWAL = (
	"Expo 2026 invitation: accepted or declined",
	"White paper: sent again if not downloaded",
	"Webinar registrants who did not attend",
	"Follow-up after the first order",
	"Monitoring licence renewal",
)
JOURNEYS = {
	INVITATION: {
		"campaign": CAMPAIGN,
		"entry_type": "Target List",
		"entry_target_list": KEY_STAFF,
		"goal": "Sales Order",
		"steps": [
			{"step_id": "INVITE", "step_type": "Send Email", "step_label": "Invitation",
			 "email_template": "Expo 2026 invitation", "next_step": "ACCEPTED"},
			{"step_id": "ACCEPTED", "step_type": "Branch", "step_label": "Accepted within 14 days?",
			 "condition_type": "Response", "response_type": "Accepted", "within_days": 14,
			 "next_step": "MEETING", "else_step": "DECLINED"},
			{"step_id": "MEETING", "step_type": "Create Event", "step_label": "Meeting at the stand",
			 "assign_to": MANAGER, "description": "Meeting at our Cold Chain Expo stand with {{ enrolment.member_name }}"},
			{"step_id": "DECLINED", "step_type": "Branch", "step_label": "Declined?",
			 "condition_type": "Response", "response_type": "Declined", "next_step": "EXIT"},
			{"step_id": "EXIT", "step_type": "Exit", "step_label": "Declined: no more invitations"},
		],
	},
	WHITE_PAPER: {
		"campaign": CAMPAIGN,
		"entry_type": "Target List",
		"entry_target_list": PROSPECTS,
		"goal": "Opportunity",
		"steps": [
			{"step_id": "SEND", "step_type": "Send Email", "step_label": "White paper",
			 "email_template": "Cold room efficiency white paper", "next_step": "DOWNLOADED"},
			{"step_id": "DOWNLOADED", "step_type": "Branch", "step_label": "Downloaded within 7 days?",
			 "condition_type": "Response", "response_type": "Downloaded", "within_days": 7, "else_step": "RESEND"},
			{"step_id": "RESEND", "step_type": "Send Email", "step_label": "White paper again",
			 "email_template": "Cold room efficiency white paper"},
		],
	},
	WEBINAR: {
		"campaign": CAMPAIGN,
		"entry_type": "Event",
		"event": "Response Received",
		"response_type": "Registered",
		"goal": "Opportunity",
		"steps": [
			{"step_id": "ATTENDED", "step_type": "Branch", "step_label": "Attended?",
			 "condition_type": "Response", "response_type": "Attended", "within_days": 1, "else_step": "WAIT"},
			{"step_id": "WAIT", "step_type": "Wait", "step_label": "Two months", "wait_days": 60, "next_step": "CALL"},
			{"step_id": "CALL", "step_type": "Create ToDo", "step_label": "Call from the account manager",
			 "assign_to": REP, "description": "Call {{ enrolment.member_name }}: registered for our webinar two "
			 "months ago but did not attend. Offer a personal presentation of the new models."},
		],
	},
	FIRST_ORDER: {
		"entry_type": "Event",
		"event": "After Order",
		"first_order_only": 1,
		"item_group": ITEM_GROUP,
		"offset_days": 3,
		"goal": "Sales Order",
		"steps": [
			{"step_id": "THANKS", "step_type": "Send Email", "step_label": "Thank you",
			 "email_template": "Thank you for your first order", "next_step": "CALL"},
			{"step_id": "CALL", "step_type": "Create ToDo", "step_label": "How is the equipment doing?",
			 "assign_to": REP, "description": "Call {{ enrolment.member_name }} three days after their first order "
			 "({{ enrolment.source_name }}): is the equipment running well, is anything missing?"},
		],
	},
	RENEWAL: {
		"entry_type": "Event",
		"event": "After Order",
		"item": LICENCE,
		"offset_months": 11,
		"offset_days": 2,
		"reentry": "Per Source Document",
		"goal": "Sales Order",
		"steps": [
			{"step_id": "REMIND", "step_type": "Send Email", "step_label": "Renewal reminder",
			 "email_template": "Monitoring licence renewal", "next_step": "OFFER"},
			{"step_id": "OFFER", "step_type": "Create ToDo", "step_label": "Renewal offer",
			 "assign_to": REP, "description": "Offer {{ enrolment.member_name }} the renewal of the monitoring "
			 "licence of order {{ enrolment.source_name }}."},
		],
	},
}  # fmt: skip


def load():
	"""Creates (or completes) the demo data set and commits."""
	frappe.only_for("System Manager")
	company = ensure_company()
	show = getdate(add_days(today(), -14))  # the exhibition took place two weeks ago
	for user, (first, last, roles) in USERS.items():
		ensure_user(user, first, last, roles)
	ensure_upsell_field()
	ensure_items()
	customers = ensure_customers(company)
	leads = ensure_leads(company)
	suppliers = ensure_suppliers()
	funnel = ensure_funnel()
	past = ensure_campaign(
		PAST_CAMPAIGN, company, funnel, add_months(show, -12), budget=32000, revenue=150000, promo=None
	)
	ensure_past_results(past, customers, company, add_months(show, -12))
	ensure_target_lists()
	campaign = ensure_campaign(
		CAMPAIGN, company, funnel, show, budget=45000, revenue=250000, promo=PROMO_CODE
	)
	activities = ensure_activities(campaign, show)
	evaluate_suppliers(suppliers, activities)
	record_responses(campaign, show, customers, leads)
	ensure_orders(campaign, customers, company, show)
	create_seed_rules(enabled=True, country=COUNTRY)
	rescore_all()
	ensure_trigger(company)
	ensure_journeys()
	frappe.db.commit()
	return summary()


def clear():
	"""Removes everything `load` created and commits."""
	frappe.only_for("System Manager")
	campaigns = [c for c in (CAMPAIGN, PAST_CAMPAIGN) if frappe.db.exists("Campaign", c)]
	customers = [c for c in CUSTOMERS if frappe.db.exists("Customer", c)]
	leads = frappe.get_all(
		"Lead", filters={"email_id": ("in", [lead_email(lead) for lead in LEADS])}, pluck="name"
	)
	leads += frappe.get_all("Lead", filters={"campaign_name": ("in", campaigns or [""])}, pluck="name")
	activities = frappe.get_all(
		"Campaign Activity", filters={"campaign": ("in", campaigns or [""])}, pluck="name"
	)

	clear_journeys()
	for name in frappe.get_all(
		"Sales Order", filters={"po_no": ("like", ORDER_KEY + "%")}, pluck="name", order_by="creation desc"
	):
		order = frappe.get_doc("Sales Order", name)
		if order.docstatus == 1:
			order.cancel()
		remove("Sales Order", name, force=True)
	frappe.db.delete("Marketing Trigger Log", {"marketing_trigger": TRIGGER})
	remove("Marketing Trigger", TRIGGER, ignore_missing=True, force=True)
	for name in frappe.get_all("Opportunity", filters={"campaign": ("in", campaigns or [""])}, pluck="name"):
		remove("Opportunity", name, force=True)
	frappe.db.delete("Campaign Response", {"campaign": ("in", campaigns or [""])})
	frappe.db.delete(
		"Workflow Action", {"reference_doctype": "Campaign", "reference_name": ("in", campaigns or [""])}
	)
	frappe.db.delete("Campaign Response", {"respondent": ("in", [*customers, *leads] or [""])})
	frappe.db.delete(
		"ToDo", {"reference_type": "Campaign Activity", "reference_name": ("in", activities or [""])}
	)
	frappe.db.delete("ToDo", {"reference_type": "Lead", "reference_name": ("in", leads or [""])})
	frappe.db.delete("ToDo", {"allocated_to": ("in", list(USERS))})
	for name in activities:
		remove("Campaign Activity", name, force=True)
	for name in LISTS:
		remove("Target List", name, ignore_missing=True, force=True)
	for name in campaigns:
		remove("Campaign", name, force=True)
	for name in set(leads):
		remove("Lead", name, force=True)
	for doctype in ("Contact", "Address"):
		for name in linked_to(doctype, "Customer", customers):
			remove(doctype, name, force=True)
	for name in customers:
		remove("Customer", name, force=True)
	for name in ITEMS:
		remove("Item", name, ignore_missing=True, force=True)
	remove("Item Group", ITEM_GROUP, ignore_missing=True, force=True)
	for name in SUPPLIERS:
		remove("Marketing Supplier", name, ignore_missing=True, force=True)
	for name in CRITERIA:
		if not frappe.db.exists("Marketing Supplier Evaluation", {"criterion": name}):
			remove("Marketing Evaluation Criterion", name, ignore_missing=True, force=True)
	for name in SERVICE_TYPES:
		if not frappe.db.exists("Marketing Supplier Service Type", {"service_type": name}):
			remove("Marketing Service Type", name, ignore_missing=True, force=True)
	remove("Marketing Funnel", FUNNEL, ignore_missing=True, force=True)
	for name in TEMPLATES:
		remove("Email Template", name, ignore_missing=True, force=True)
	for spec in seed_rules(""):
		remove("Lead Score Rule", spec["rule_name"], ignore_missing=True, force=True)
	for user in USERS:
		remove("User", user, ignore_missing=True, force=True)
	remove("Price List", PRICE_LIST, force=True)
	remove("Custom Field", f"Customer-{UPSELL_FIELD}", ignore_missing=True, force=True)
	frappe.db.commit()


def remove(doctype: str, name: str, **flags) -> None:
	"""frappe.delete_doc, and the record's versions, comments and shares at once: Frappe queues their
	removal for a worker, so a clear and load without one would show the old timeline again."""
	if not frappe.db.exists(doctype, name):
		return
	frappe.delete_doc(doctype, name, **flags)
	delete_dynamic_links(doctype, name)


def summary() -> dict:
	"""The figures the demo's story is about (the integration test asserts them)."""
	campaign = frappe.db.get_value(
		"Campaign",
		CAMPAIGN,
		["campaign_status", "budget", "actual_cost", "attributed_revenue", "orders_count", "leads_generated"],
		as_dict=True,
	)
	return {
		"campaign": campaign,
		"lists": {name: frappe.db.count("Target List Member", {"target_list": name}) for name in LISTS},
		"responses": {
			kind: frappe.db.count("Campaign Response", {"campaign": CAMPAIGN, "response_type": kind})
			for kind in ("Sent", "Registered", "Attended")
		},
		"hot_leads": frappe.db.count(
			"Lead", {"email_id": ("in", [lead_email(lead) for lead in LEADS]), "score_grade": "Hot"}
		),
	}


# --- masters -------------------------------------------------------------------------------


def ensure_company() -> str:
	"""The site's first company in Ukraine keeping its books in UAH, else a new one (kept by `clear`:
	a company carries its chart of accounts, warehouses and cost centres)."""
	company = frappe.db.get_value(
		"Company", {"country": COUNTRY, "default_currency": CURRENCY}, "name", order_by="creation"
	)
	if not company:
		frappe.db.set_value("Currency", CURRENCY, "enabled", 1)
		name, abbr = COMPANY
		company = (
			frappe.get_doc(
				{
					"doctype": "Company",
					"company_name": name,
					"abbr": abbr,
					"country": COUNTRY,
					"default_currency": CURRENCY,
					"chart_of_accounts": "Standard",
				}
			)
			.insert()
			.name
		)
	if not frappe.db.exists("Price List", PRICE_LIST):
		frappe.get_doc(
			{"doctype": "Price List", "price_list_name": PRICE_LIST, "currency": CURRENCY, "selling": 1}
		).insert()
	return company


def ensure_user(email: str, first: str, last: str, roles: list[str]) -> None:
	if frappe.db.exists("User", email):
		return
	frappe.get_doc(
		{
			"doctype": "User",
			"email": email,
			"first_name": first,
			"last_name": last,
			"send_welcome_email": 0,
			"user_type": "System User",
			"roles": [{"role": r} for r in roles],
		}
	).insert(ignore_permissions=True)


def ensure_upsell_field() -> None:
	"""The seed selects current customers by their additional-sales potential."""
	create_custom_field(
		"Customer",
		{
			"fieldname": UPSELL_FIELD,
			"label": "Upsell Potential",
			"fieldtype": "Select",
			"options": "\nLow\nMedium\nHigh",
			"insert_after": "customer_group",
			"in_standard_filter": 1,
			"description": "How much more this customer could buy from us (sets the exhibition's target groups).",
		},
	)


def ensure_items() -> None:
	if not frappe.db.exists("Item Group", ITEM_GROUP):
		frappe.get_doc(
			{"doctype": "Item Group", "item_group_name": ITEM_GROUP, "parent_item_group": "All Item Groups"}
		).insert()
	for code, (name, rate) in ITEMS.items():
		if not frappe.db.exists("Item", code):
			frappe.get_doc(
				{
					"doctype": "Item",
					"item_code": code,
					"item_name": name,
					"item_group": ITEM_GROUP,
					"stock_uom": "Nos",
					"is_stock_item": 0,
					"standard_rate": rate,
				}
			).insert()


def ensure_customers(company: str) -> list[str]:
	"""Customers with their key person (primary contact) and equipment history."""
	for number, (name, (upsell, person, designation, history)) in enumerate(CUSTOMERS.items(), start=1):
		if not frappe.db.exists("Customer", name):
			first, last = person.split(" ", 1)
			frappe.get_doc(
				{
					"doctype": "Customer",
					"customer_name": name,
					"customer_group": "Commercial",
					"territory": "All Territories",
					UPSELL_FIELD: upsell,
					"account_manager": REP,
					"email_id": f"{first.lower()}.{last.lower()}@{slug(name)}.example.com",
					"mobile_no": f"+380501110{number:03d}",
				}
			).insert()
			contact = frappe.get_doc(
				"Contact", frappe.db.get_value("Customer", name, "customer_primary_contact")
			)
			contact.update({"first_name": first, "last_name": last, "designation": designation})
			contact.save()
		for line, (item, qty, date) in enumerate(history, start=1):
			ensure_order(f"{ORDER_KEY}{slug(name)}-{line}", name, company, item, qty, date)
	return list(CUSTOMERS)


def ensure_leads(company: str) -> list[str]:
	country = frappe.db.get_value("Company", company, "country")
	names = []
	for number, lead in enumerate(LEADS, start=1):
		first, last, organisation, job_title, industry, abroad = lead
		name = frappe.db.get_value("Lead", {"email_id": lead_email(lead)})
		if not name:
			name = (
				frappe.get_doc(
					{
						"doctype": "Lead",
						"first_name": first,
						"last_name": last,
						"company_name": organisation,
						"job_title": job_title,
						"industry": industry,
						"country": "Poland" if abroad else country,
						"email_id": lead_email(lead),
						"mobile_no": f"+380672220{number:03d}",
						"lead_owner": REP,
					}
				)
				.insert()
				.name
			)
		names.append(name)
	return names


def ensure_suppliers() -> list[str]:
	for service_type in SERVICE_TYPES:
		if not frappe.db.exists("Marketing Service Type", service_type):
			frappe.get_doc({"doctype": "Marketing Service Type", "service_type": service_type}).insert()
	for criterion, weight in CRITERIA.items():
		if not frappe.db.exists("Marketing Evaluation Criterion", criterion):
			frappe.get_doc(
				{"doctype": "Marketing Evaluation Criterion", "criterion_name": criterion, "weight": weight}
			).insert()
	for name, (service_types, _scores) in SUPPLIERS.items():
		if not frappe.db.exists("Marketing Supplier", name):
			frappe.get_doc(
				{
					"doctype": "Marketing Supplier",
					"supplier_name": name,
					"status": "Active",
					"website": f"https://{slug(name)}.example.com",
					"service_types": [{"service_type": s} for s in service_types],
				}
			).insert()
	return list(SUPPLIERS)


def evaluate_suppliers(suppliers: list[str], activities: dict[str, str]) -> None:
	"""Each supplier's evaluation for its work on the exhibition (once)."""
	activity_of = {supplier: activity for activity, supplier in activities.items() if supplier}
	for name in suppliers:
		doc = frappe.get_doc("Marketing Supplier", name)
		if doc.evaluations:
			continue
		for criterion, score in zip(CRITERIA, SUPPLIERS[name][1], strict=True):
			doc.append(
				"evaluations",
				{
					"criterion": criterion,
					"score": score,
					"campaign_activity": activity_of.get(name),
					"evaluated_on": today(),
				},
			)
		doc.save()


def ensure_funnel() -> str:
	if not frappe.db.exists("Marketing Funnel", FUNNEL):
		stages = [
			("Invitation", "Sent", 100, "Target groups selected", "Invitation sent", "Invitations sent"),
			(
				"Registration",
				"Registered",
				50,
				"Invitation received",
				"Registered for the stand",
				"Registrations",
			),
			("Attendance", "Attended", 70, "Registered", "Visited the stand", "Visitors at the stand"),
			("Opportunity", "Opportunity", 60, "Talked at the stand", "Opportunity opened", "Opportunities"),
			("Order", "Sales Order", 80, "Opportunity open", "Order placed", "Orders with the promo code"),
		]
		frappe.get_doc(
			{
				"doctype": "Marketing Funnel",
				"funnel_name": FUNNEL,
				"campaign_type": "Exhibition",
				"tolerance": 20,
				"stages": [
					{
						"stage_name": s,
						"entry_event": e,
						"planned_conversion": p,
						"start_condition": a,
						"end_condition": b,
						"kpi": k,
					}
					for s, e, p, a, b, k in stages
				],
			}
		).insert()
	return FUNNEL


def ensure_target_lists() -> None:
	"""The three target groups, selected once before the show (a re-run keeps their members)."""
	for name, spec in LISTS.items():
		if not frappe.db.exists("Target List", name):
			frappe.get_doc(
				{
					"doctype": "Target List",
					"list_name": name,
					"member_doctype": spec["member_doctype"],
					"list_type": "Dynamic",
					"channel": spec["channel"],
					"description": spec["description"],
					"conditions": [{"field": f, "operator": o, "value": v} for f, o, v in spec["conditions"]],
				}
			).insert()
			refresh_dynamic_lists(name)


def ensure_campaign(
	name: str, company: str, funnel: str, show, budget: float, revenue: float, promo: str | None
) -> str:
	"""The exhibition campaign, taken through the approval workflow (the past one to Completed)."""
	show = getdate(show)
	if not frappe.db.exists("Campaign", name):
		frappe.get_doc(
			{
				"doctype": "Campaign",
				"campaign_name": name,
				"description": "Our stand at the annual refrigeration trade exhibition: new models, upgrade bonus for old equipment.",
				"campaign_type": "Exhibition",
				"company": company,
				"start_date": add_days(show, -60),
				"end_date": add_days(show, 30),
				"budget": budget,
				"expected_revenue": revenue,
				"promo_code": promo,
				"responsible": MANAGER,
				"funnel": funnel,
				"target_products": [{"item_group": ITEM_GROUP}],
			}
		).insert()
	finished = getdate(add_days(show, 30)) < getdate(today())
	path = ["Submit for Approval", "Approve", "Start", *(["Complete"] if finished else [])]
	state = frappe.db.get_value("Campaign", name, "workflow_state") or "Draft"
	done = {"Draft": 0, "Pending Approval": 1, "Approved": 2, "Running": 3, "Completed": 4}[state]
	for action in path[done:]:
		apply_workflow(frappe.get_doc("Campaign", name), action)
	return name


def ensure_activities(campaign: str, show) -> dict[str, str | None]:
	"""The exhibition's activities; returns {activity: marketing supplier}."""
	ensure_templates()
	show = getdate(show)
	specs = [
		# subject, channel, scheduled, end, lists, supplier, planned, actual, template, milestones (name, due offset from show, done)
		("Stand design and construction", "Exhibition", -20, 0, [], "ExpoStand Builders", 18000, 19500, None,
		 [("Stand design approved", -35, True), ("Stand assembled", -2, True), ("Equipment delivered to the stand", -1, True)]),
		("Flyer printing", "Advertising", -50, -45, [], "PrintPro", 2500, 2350, None,
		 [("Flyer layout approved", -52, True), ("Flyers delivered", -45, True)]),
		("Personalised invitations to key staff", "Email", -40, -40, [KEY_STAFF], None, 0, 0, "Expo 2026 invitation",
		 [("Invitation text approved", -42, True)]),
		("Flyer letters to management", "Letter", -38, -36, [OUTDATED, PROSPECTS], "MailHouse Direct", 1200, 1150,
		 "Expo 2026 flyer letter", [("Address list checked", -40, True), ("Letters posted", -36, True)]),
		("Follow-up calls after the show", "Phone Call", 14, 21, [PROSPECTS], "MailHouse Direct", 900, 600, None,
		 [("Call results reported", 21, False)]),
	]  # fmt: skip
	activities = {}
	for subject, channel, start, end, target_lists, supplier, planned, actual, template, milestones in specs:
		name = frappe.db.get_value("Campaign Activity", {"campaign": campaign, "subject": subject})
		if not name:
			name = (
				frappe.get_doc(
					{
						"doctype": "Campaign Activity",
						"campaign": campaign,
						"subject": subject,
						"channel": channel,
						"responsible": REP if channel == "Phone Call" else MANAGER,
						"scheduled_date": add_days(show, start),
						"end_date": add_days(show, end),
						"target_lists": [{"target_list": t} for t in target_lists],
						"marketing_supplier": supplier,
						"planned_cost": planned,
						"actual_cost": actual,
						"email_template": template,
						"milestones": [
							{
								"milestone": m,
								"due_date": add_days(show, due),
								"responsible": MANAGER,
								"completed": int(done),
								# done on the day it was due, not on the day the demo was loaded
								"completed_on": add_days(show, due) if done else None,
							}
							for m, due, done in milestones
						],
					}
				)
				.insert()
				.name
			)
		activities[name] = supplier
		if channel == "Phone Call":
			distribute_activity(name)  # safe to repeat: nobody gets a second call
	return activities


def ensure_templates() -> None:
	for name, (subject, body) in TEMPLATES.items():
		if not frappe.db.exists("Email Template", name):
			frappe.get_doc(
				{
					"doctype": "Email Template",
					"name": name,
					"subject": subject,
					"use_html": 1,
					"response_html": body,
				}
			).insert()


# --- what happened ---------------------------------------------------------------------------


def record_responses(campaign: str, show, customers: list[str], leads: list[str]) -> None:
	"""The emailed invitations, registrations, visits to the stand and the website, downloads."""
	show = getdate(show)
	# The invitations went out before the show (by the mail server and the mailing house): their Sent records.
	for channel, lists, days in (("Email", [KEY_STAFF], -40), ("Letter", [OUTDATED, PROSPECTS], -36)):
		activity = frappe.db.get_value("Campaign Activity", {"campaign": campaign, "channel": channel})
		members = frappe.get_all(
			"Target List Member",
			filters={"target_list": ("in", lists)},
			fields=["member_doctype", "member"],
			distinct=True,
		)
		for member in members:
			add_response(
				campaign, member.member_doctype, member.member, "Sent", add_days(show, days), activity
			)
		frappe.db.set_value(
			"Campaign Activity", activity, {"status": "Completed", "distributed_count": len(members)}
		)
	registered = [("Customer", customers[i]) for i in (0, 1, 3, 5)] + [("Lead", leads[i]) for i in (0, 1, 2)]
	attended = [("Customer", customers[i]) for i in (0, 1, 5)] + [("Lead", leads[i]) for i in (0, 1)]
	for number, (doctype, name) in enumerate(registered):
		add_response(campaign, doctype, name, "Registered", add_days(show, -30 + 2 * number))
	for doctype, name in attended:
		add_response(campaign, doctype, name, "Attended", show)
	for lead in leads[:3]:
		for days in (-20, -10, -3):
			add_response(campaign, "Lead", lead, "Website Visit", add_days(today(), days))
		for days in (-19, -9, -2):
			add_response(campaign, "Lead", lead, "Downloaded", add_days(today(), days))
	add_response(campaign, "Lead", leads[3], "Website Visit", add_days(today(), -5))
	add_response(campaign, "Lead", leads[3], "Downloaded", add_days(today(), -5))
	register_visitors(campaign, show)
	for _doctype, name in attended[:-1]:  # talks at the stand that became opportunities
		frappe.get_doc(
			"Campaign Response", {"campaign": campaign, "respondent": name, "response_type": "Attended"}
		).create_opportunity()


def registration_of(campaign: str, email: str) -> dict | None:
	return frappe.db.get_value(
		"Campaign Response",
		{"campaign": campaign, "email": email, "response_type": "Registered"},
		["name", "respondent"],
		as_dict=True,
	)


def register_visitors(campaign: str, show) -> None:
	"""New people met at the stand, registered through the Event Registration web form's own
	code path: each becomes a new Lead of the campaign (its leads generated, cost per lead)."""
	for visitor in VISITORS:
		first, last, organisation, phone, attended = visitor
		email = lead_email(visitor)
		response = registration_of(campaign, email)
		if not response:
			# new to the CRM, each visitor is registered at once (the confirmation link only grants consent)
			registration.register(
				{
					"campaign": campaign,
					"full_name": f"{first} {last}",
					"email": email,
					"organization": organisation,
					"phone": phone,
				}
			)
			response = registration_of(campaign, email)
			# The web form stamps the time of the call; the demo's visitors registered at the show.
			frappe.db.set_value("Campaign Response", response.name, "response_date", f"{show} 11:00:00")
		if attended:
			add_response(campaign, "Lead", response.respondent, "Attended", show)


def add_response(
	campaign: str, doctype: str, name: str, response_type: str, on, activity: str | None = None
) -> None:
	key = {
		"campaign": campaign,
		"respondent_doctype": doctype,
		"respondent": name,
		"response_type": response_type,
		"response_date": f"{getdate(on)} 10:00:00",
	}
	if not frappe.db.exists("Campaign Response", key):
		frappe.get_doc({"doctype": "Campaign Response", "campaign_activity": activity, **key}).insert()


def ensure_orders(campaign: str, customers: list[str], company: str, show) -> None:
	"""Orders placed after the show: by promo code, one through the campaign field."""
	show = getdate(show)
	orders = [
		(customers[0], "RF-DC-2400", 8, 10, {"promo_code": PROMO_CODE}),
		(customers[1], "RF-BC-60", 3, 7, {"promo_code": PROMO_CODE}),
		(customers[3], "RF-DC-2400", 6, 12, {"promo_code": PROMO_CODE}),
		(customers[5], "RF-WR-12", 1, 14, {"campaign": campaign}),
	]
	for number, (customer, item, qty, days, link) in enumerate(orders, start=1):
		ensure_order(
			f"{ORDER_KEY}EXPO26-{number}",
			customer,
			company,
			item,
			qty,
			min(getdate(add_days(show, days)), getdate(today())),
			**link,
		)


def ensure_past_results(past: str, customers: list[str], company: str, show) -> None:
	"""Last year's exhibition: the reference funnel and ROI the new campaign is compared with."""
	show = getdate(show)
	for number, customer in enumerate(customers):
		add_response(past, "Customer", customer, "Sent", add_days(show, -40))
		if number % 2 == 0:
			add_response(past, "Customer", customer, "Registered", add_days(show, -25))
		if number % 4 == 0:
			add_response(past, "Customer", customer, "Attended", show)
	ensure_order(
		f"{ORDER_KEY}EXPO25-1", customers[4], company, "RF-CU-5", 4, add_days(show, 9), campaign=past
	)
	for activity in ("Stand rental and construction", "Invitation mailing"):
		if not frappe.db.exists("Campaign Activity", {"campaign": past, "subject": activity}):
			frappe.get_doc(
				{
					"doctype": "Campaign Activity",
					"campaign": past,
					"subject": activity,
					"channel": "Exhibition" if activity.startswith("Stand") else "Letter",
					"scheduled_date": add_days(show, -30),
					"end_date": show,
					"status": "Completed",
					"planned_cost": 15000 if activity.startswith("Stand") else 1000,
					"actual_cost": 16200 if activity.startswith("Stand") else 980,
				}
			).insert()


def ensure_order(key: str, customer: str, company: str, item: str, qty: float, date, **fields) -> None:
	if frappe.db.exists("Sales Order", {"po_no": key, "docstatus": 1}):
		return
	date = getdate(date)
	ensure_fiscal_year(date)
	order = frappe.get_doc(
		{
			"doctype": "Sales Order",
			"customer": customer,
			"company": company,
			"po_no": key,
			"selling_price_list": PRICE_LIST,
			"currency": CURRENCY,
			"conversion_rate": 1,
			"transaction_date": date,
			"delivery_date": add_days(date, 30),
			"items": [
				{"item_code": item, "qty": qty, "rate": ITEMS[item][1], "delivery_date": add_days(date, 30)}
			],
			**fields,
		}
	)
	order.insert()
	order.submit()


def ensure_trigger(company: str) -> None:
	"""Three years after a refrigeration order, the sales rep offers the service renewal.

	One customer's order is dated so that the trigger fires today; its run is logged once.
	"""
	ensure_order(
		f"{ORDER_KEY}renewal-1",
		"Northern Fish Processing",
		company,
		"RF-CU-5",
		2,
		add_days(add_months(today(), -36), -10),
	)
	if not frappe.db.exists("Marketing Trigger", TRIGGER):
		frappe.get_doc(
			{
				"doctype": "Marketing Trigger",
				"trigger_name": TRIGGER,
				"enabled": 1,
				"event": "After Order",
				"item_group": ITEM_GROUP,
				"offset_months": 36,
				"catch_up_days": 30,
				"action": "Create ToDo",
				"assign_to": REP,
				"description": "Offer {{ party.customer_name }} the service contract renewal for the equipment ordered on {{ doc.transaction_date }}.",
			}
		).insert()
	run_trigger(TRIGGER)


def ensure_journeys() -> None:
	"""The five journeys, each checked by its controller on insert and then activated."""
	for name, spec in JOURNEYS.items():
		if not frappe.db.exists("Marketing Journey", name):
			frappe.get_doc({"doctype": "Marketing Journey", "journey_name": name, **spec}).insert()
		journey = frappe.get_doc("Marketing Journey", name)
		if journey.status == "Draft":
			journey.activate()


def clear_journeys() -> None:
	"""The journeys, their enrolments and step logs, and what their steps created."""
	journeys = [name for name in JOURNEYS if frappe.db.exists("Marketing Journey", name)]
	if not journeys:
		return
	artefacts = frappe.get_all(
		"Journey Step Log",
		filters={"journey": ("in", journeys), "artefact_name": ("is", "set")},
		fields=["artefact_doctype", "artefact_name"],
		distinct=True,
	)
	for artefact in artefacts:
		remove(artefact.artefact_doctype, artefact.artefact_name, force=True)
	frappe.db.delete("Journey Step Log", {"journey": ("in", journeys)})
	frappe.db.delete("Journey Enrolment", {"journey": ("in", journeys)})
	for name in journeys:
		remove("Marketing Journey", name, force=True)


# --- small helpers ----------------------------------------------------------------------------


def slug(text: str) -> str:
	return "".join(ch for ch in text.lower().replace(" ", "-") if ch.isalnum() or ch == "-")


def lead_email(lead: tuple) -> str:
	first, last, organisation = lead[:3]
	return f"{first.lower()}.{last.lower()}@{slug(organisation)}.example.com"


def linked_to(doctype: str, link_doctype: str, names: list[str]) -> list[str]:
	if not names:
		return []
	return frappe.get_all(
		"Dynamic Link",
		filters={"parenttype": doctype, "link_doctype": link_doctype, "link_name": ("in", names)},
		pluck="parent",
		distinct=True,
	)
