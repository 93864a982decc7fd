"""The CRM Marketing workspace links every DocType and report of the app, and its cards and charts exist."""

import glob
import json
import os

APP = os.path.join(
	os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))),
	"crm_marketing_app",
	"crm_marketing_app",
)


def load(path: str) -> dict:
	with open(path, encoding="utf-8") as fh:
		return json.load(fh)


def documents(folder: str, doctype: str) -> list[dict]:
	docs = (load(p) for p in glob.glob(os.path.join(APP, folder, "*", "*.json")))
	return [d for d in docs if isinstance(d, dict) and d.get("doctype") == doctype]


WORKSPACE = load(os.path.join(APP, "workspace", "crm_marketing", "crm_marketing.json"))
LINKED = {
	(link.get("link_type"), link.get("link_to")) for link in WORKSPACE["links"] if link["type"] == "Link"
}


def test_every_doctype_and_report_is_linked():
	doctypes = {("DocType", d["name"]) for d in documents("doctype", "DocType") if not d.get("istable")}
	reports = {("Report", d["name"]) for d in documents("report", "Report")}
	assert doctypes and reports
	assert not (doctypes | reports) - LINKED


def test_cards_charts_and_blocks_refer_to_existing_records():
	cards = {d["name"] for d in documents("number_card", "Number Card")}
	charts = {d["name"] for d in documents("dashboard_chart", "Dashboard Chart")}
	assert {c["number_card_name"] for c in WORKSPACE["number_cards"]} == cards
	assert {c["chart_name"] for c in WORKSPACE["charts"]} == charts
	blocks = json.loads(WORKSPACE["content"])
	shortcuts = {s["label"] for s in WORKSPACE["shortcuts"]}
	cards_of_links = {link["label"] for link in WORKSPACE["links"] if link["type"] == "Card Break"}
	for block in blocks:
		data = block["data"]
		if block["type"] == "number_card":
			assert data["number_card_name"] in cards
		elif block["type"] == "chart":
			assert data["chart_name"] in charts
		elif block["type"] == "shortcut":
			assert data["shortcut_name"] in shortcuts
		elif block["type"] == "card":
			assert data["card_name"] in cards_of_links


def test_custom_chart_is_visible_to_marketing_roles():
	"""A Custom chart has no DocType to derive permission from: without roles only System Managers see it."""
	for chart in documents("dashboard_chart", "Dashboard Chart"):
		if chart["chart_type"] == "Custom":
			assert {"Marketing Manager", "Marketing User"} <= {r["role"] for r in chart["roles"]}
