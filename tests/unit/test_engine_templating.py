"""The sandboxed renderer of marketing roles' templates (engine.templating)."""

import datetime

import pytest

from crm_marketing_app.engine.templating import TemplateError, check, plain, render

CONTEXT = {
	"doc": {"name": "SO-1", "items": [{"item_code": "A", "qty": 2}], "po_no": None},
	"party": {"customer_name": "Kyiv Cold"},
	"today": datetime.date(2026, 3, 2),
}


def test_documented_variables_render_and_keys_win_over_dict_methods():
	out = render(
		"{{ party.customer_name }} {{ doc.items[0].item_code }} {{ doc.items|length }} {{ today }}", CONTEXT
	)
	assert out == "Kyiv Cold A 1 2026-03-02"


def test_unknown_variable_renders_as_written_unless_strict():
	assert render("Hi {{ nobody }}", CONTEXT) == "Hi {{ nobody }}"
	with pytest.raises(TemplateError, match="unknown value"):
		render("Hi {{ nobody }}", CONTEXT, strict=True)


@pytest.mark.parametrize(
	"template",
	[
		"{{ frappe.db.set_value('Has Role', 'x', 'role', 'System Manager') }}",
		"{{ ''.__class__.__mro__[1].__subclasses__() }}",
		"{{ doc.update({'name': 'x'}) }}",
		"{{ doc.items.append(1) }}",
		"{{ range(10) }}",
		"{{ lipsum() }}",
		"{{ 'x' * 10 ** 9 }}",
		"{{ 2 ** 100000000 }}",
		"{{ doc.keys() }}",
	],
)
def test_escapes_are_errors_without_details(template):
	with pytest.raises(TemplateError) as err:
		render(template, CONTEXT)
	assert err.value.__cause__ is None and err.value.__suppress_context__
	assert "Traceback" not in str(err.value) and "<" not in str(err.value)


@pytest.mark.parametrize(
	"template",
	[
		"{{ doc.__class__ }}",
		"{{ doc['__class__'] }}",
		"{{ doc|attr('__class__') }}",
		"{{ '{0.__class__}'.format(doc) }}",
	],
)
def test_private_names_are_unreachable(template):
	assert "class" not in render(template, CONTEXT).replace("__class__", "")


def test_syntax_error_names_the_line():
	with pytest.raises(TemplateError, match="line 2") as err:
		check("ok\n{{ doc.name ")
	assert err.value.line == 2


def test_runtime_error_names_only_the_type():
	with pytest.raises(TemplateError, match="ZeroDivisionError") as err:
		render("{{ 1 / 0 }}", CONTEXT)
	assert "division" not in str(err.value)


class FakeDocument:
	"""Stands in for anything with as_dict(): only the data reaches the template."""

	def as_dict(self):
		return {
			"name": "LEAD-1",
			"_secret": "x",
			"__islocal": 1,
			"rows": ({"a": 1},),
			"when": datetime.date(2026, 1, 1),
		}

	def db_set(self, *args):
		raise AssertionError("reached")


def test_plain_keeps_data_only():
	data = plain({"doc": FakeDocument(), "fn": len})
	assert data == {
		"doc": {"name": "LEAD-1", "rows": [{"a": 1}], "when": datetime.date(2026, 1, 1)},
		"fn": str(len),
	}
	with pytest.raises(TemplateError, match="unknown value"):
		render("{{ doc.db_set('x', 1) }}", data)
