"""Errors raised by the framework-free engine.

The engine cannot translate, so it raises an English template with its
arguments; the desk layer (`crm_marketing_app.utils.engine_errors`) translates
the template and fills it in the user's language.
"""


def _(message: str) -> str:
	"""Marks a message for translation (the desk translates it when raising)."""
	return message


class EngineError(ValueError):
	def __init__(self, template: str, *params):
		super().__init__(template.format(*params))
		self.template = template
		self.params = params
