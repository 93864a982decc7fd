"""The code map of docs/architecture.md, checked on the source: no site needed."""

import ast
import json
from pathlib import Path

APP = Path(__file__).resolve().parents[2] / "crm_marketing_app"
PACKAGE = "crm_marketing_app"


def modules() -> dict[str, Path]:
	"""Dotted name of every Python module of the app."""
	found = {}
	for path in APP.rglob("*.py"):
		parts = path.relative_to(APP.parent).with_suffix("").parts
		if parts[-1] == "__init__":
			parts = parts[:-1]
		found[".".join(parts)] = path
	return found


def imported(path: Path, known: dict[str, Path]) -> set[str]:
	"""The app modules `path` imports anywhere in it (lazy imports inside functions included)."""
	names = set()
	for node in ast.walk(ast.parse(path.read_text())):
		if isinstance(node, ast.Import):
			names.update(alias.name for alias in node.names)
		elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
			names.add(node.module)
			names.update(f"{node.module}.{alias.name}" for alias in node.names)
	return {name for name in names if name in known}


def test_no_engine_module_imports_frappe():
	offenders = []
	for path in sorted((APP / "engine").glob("*.py")):
		for node in ast.walk(ast.parse(path.read_text())):
			names = []
			if isinstance(node, ast.Import):
				names = [alias.name for alias in node.names]
			elif isinstance(node, ast.ImportFrom) and node.module:
				names = [node.module]
			offenders += [
				f"{path.name}: {name}"
				for name in names
				if name.split(".")[0] in ("frappe", "erpnext")
				or (name.startswith(PACKAGE) and not name.startswith(f"{PACKAGE}.engine"))
			]
	assert offenders == []


def test_the_app_has_no_import_circle():
	known = modules()
	graph = {name: imported(path, known) - {name} for name, path in known.items()}
	# a package's __init__ importing its own submodules is no circle
	for name in graph:
		graph[name] = {dep for dep in graph[name] if not name.startswith(dep + ".")}
	circles, state = [], {}

	def visit(name, stack):
		state[name] = "open"
		for dep in sorted(graph[name]):
			if state.get(dep) == "open":
				circles.append([*stack[stack.index(dep) :], dep])
			elif dep not in state:
				visit(dep, [*stack, dep])
		state[name] = "done"

	for name in sorted(graph):
		if name not in state:
			visit(name, [name])
	assert circles == []


def test_no_area_imports_the_task_entry_points():
	known = modules()
	importers = sorted(name for name, path in known.items() if f"{PACKAGE}.tasks" in imported(path, known))
	assert importers == [f"{PACKAGE}.demo"]  # the demo loader runs the jobs, as the scheduler would


def own_doctypes() -> set[str]:
	return {
		json.loads(path.read_text())["name"]
		for path in (APP / PACKAGE / "doctype").glob("*/*.json")
		if path.stem == path.parent.name
	}


def hooks_value(name: str):
	tree = ast.parse((APP / "hooks.py").read_text())
	for node in tree.body:
		if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == name for t in node.targets):
			return ast.literal_eval(node.value)
	raise AssertionError(f"hooks.py has no {name}")


def test_doc_events_route_host_doctypes_to_one_module_each():
	doc_events = hooks_value("doc_events")
	assert not own_doctypes() & set(doc_events)  # the app's own DocTypes use their controllers
	for doctype, events in doc_events.items():
		paths = [
			path
			for handlers in events.values()
			for path in ([handlers] if isinstance(handlers, str) else handlers)
		]
		assert {path.rsplit(".", 1)[0] for path in paths} <= {
			f"{PACKAGE}.overrides.{doctype.lower().replace(' ', '_')}",
			f"{PACKAGE}.overrides.sales_transaction",  # Sales Order and Sales Invoice share one
		}, doctype
	assert hooks_value("export_python_type_annotations") is True


def test_only_the_job_module_asks_whether_it_runs_under_tests():
	asking = sorted(str(path.relative_to(APP)) for path in APP.rglob("*.py") if "in_test" in path.read_text())
	assert asking == ["jobs.py"]


def test_every_app_doctype_has_one_form_script_at_most_and_none_in_public_js():
	doctype_js = hooks_value("doctype_js")
	assert not own_doctypes() & set(doctype_js)


def test_no_two_custom_fields_of_a_doctype_are_inserted_after_the_same_field():
	# Frappe places such fields in no fixed order: the Lead's Score Breakdown once landed at the end of
	# the collapsed Marketing Consent section instead of beside the score.
	places: dict[tuple[str, str], list[str]] = {}
	for field in json.loads((APP / "fixtures" / "custom_field.json").read_text()):
		places.setdefault((field["dt"], field.get("insert_after")), []).append(field["fieldname"])
	assert {place: names for place, names in places.items() if len(names) > 1} == {}
