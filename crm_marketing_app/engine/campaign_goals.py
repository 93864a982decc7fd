"""Campaign goals: what a goal may count, and the checks on a campaign's goal rows."""

from collections.abc import Sequence

from crm_marketing_app.engine.errors import EngineError, _

# The metrics a Campaign Goal counts, each over the campaign and its sub-campaigns.
METRICS = (
	"Leads",
	"Registrations",
	"Attendees",
	"Responses",
	"Opportunities",
	"Orders",
	"New Customers",
	"Revenue",
	"Gross Profit",
)
BY_RESPONSE_TYPE = "Responses"


def check_goals(
	goals: Sequence[tuple[int, str | None, str | None, float | None]], response_types: Sequence[str]
) -> None:
	"""Each goal as (idx, metric, response type, target): a known metric, a response type exactly
	when the metric is Responses, and a target above 0."""
	for idx, metric, response_type, target in goals:
		if metric not in METRICS:
			raise EngineError(
				_("Goal row {0}: unknown metric {1}; use one of: {2}"), idx, metric or "", ", ".join(METRICS)
			)
		if metric == BY_RESPONSE_TYPE and response_type not in response_types:
			raise EngineError(_("Goal row {0}: choose the response type the goal counts"), idx)
		if metric != BY_RESPONSE_TYPE and response_type:
			raise EngineError(_("Goal row {0}: only a Responses goal has a response type"), idx)
		if not target or target <= 0:
			raise EngineError(_("Goal row {0}: the target must be above 0, not {1}"), idx, target or 0)
