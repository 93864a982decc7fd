"""Every label and message the app shows has a Ukrainian and a Russian translation."""

import csv
import glob
import json
import os
import re

import pytest

APP = os.path.join(
	os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))), "crm_marketing_app"
)

PY_CALL = re.compile(
	r"""(?<![\w.])(?:_|mark_translatable)\(\s*(?P<q>["'])(?P<s>(?:\\.|(?!(?P=q)).)+)(?P=q)\s*[,)]"""
)
JS_CALL = re.compile(r"""(?<![\w.])__\(\s*(?P<q>["'`])(?P<s>(?:\\.|(?!(?P=q)).)+)(?P=q)\s*[,)]""")
JSON_KEYS = ("label", "description")


def _unescape(text: str) -> str:
	return text.replace("\\'", "'").replace('\\"', '"').replace("\\n", "\n")


def _strings_of_json(node, out: set[str]) -> None:
	"""Labels, descriptions, Select options and names of DocTypes, workspaces and fixtures."""
	if isinstance(node, list):
		for item in node:
			_strings_of_json(item, out)
		return
	if not isinstance(node, dict):
		return
	for key in JSON_KEYS:
		if isinstance(node.get(key), str) and node[key].strip():
			out.add(node[key].strip())
	if node.get("fieldtype") == "Select" and node.get("options"):
		out.update(o.strip() for o in node["options"].split("\n") if o.strip())
	if node.get("doctype") in (
		"DocType",
		"Report",
		"Workspace",
		"Role",
		"Workflow State",
		"Workflow Action Master",
		"Number Card",
		"Dashboard Chart",
		"Web Form",
	):
		out.add(node["name"])
	for key in ("state", "action", "report_name", "chart_name", "title"):
		if isinstance(node.get(key), str) and node[key].strip():
			out.add(node[key].strip())
	for value in node.values():
		if isinstance(value, list | dict):
			_strings_of_json(value, out)


def app_strings() -> set[str]:
	out: set[str] = set()
	for path in glob.glob(os.path.join(APP, "**", "*.py"), recursive=True):
		out.update(_unescape(m.group("s")) for m in PY_CALL.finditer(open(path, encoding="utf-8").read()))
	for path in glob.glob(os.path.join(APP, "**", "*.js"), recursive=True):
		out.update(_unescape(m.group("s")) for m in JS_CALL.finditer(open(path, encoding="utf-8").read()))
	for path in glob.glob(os.path.join(APP, "**", "*.json"), recursive=True):
		_strings_of_json(json.load(open(path, encoding="utf-8")), out)
	return {s for s in out if re.search(r"[A-Za-z]", s)}


def translations(lang: str) -> dict[str, str]:
	with open(os.path.join(APP, "translations", f"{lang}.csv"), encoding="utf-8", newline="") as fh:
		return {row[0]: row[1] for row in csv.reader(fh) if len(row) >= 2 and row[1].strip()}


def test_extractor_sees_labels_messages_and_options():
	strings = app_strings()
	assert {
		"Campaign Status",
		"Marketing Manager",
		"Pending Approval",
		"Exhibition",
		"CRM Marketing",
	} <= strings
	assert "End Date {0} is before Start Date {1}" in strings


@pytest.mark.parametrize("lang", ["uk", "ru"])
def test_every_string_is_translated(lang):
	missing = sorted(app_strings() - translations(lang).keys())
	assert not missing, f"{len(missing)} strings lack a {lang} translation, e.g. {missing[:15]}"


@pytest.mark.parametrize("lang", ["uk", "ru"])
def test_translations_keep_placeholders(lang):
	wrong = [
		(src, dst)
		for src, dst in translations(lang).items()
		if sorted(re.findall(r"\{\d*\}", src)) != sorted(re.findall(r"\{\d*\}", dst))
	]
	assert not wrong, f"placeholders differ in {lang}: {wrong[:5]}"
