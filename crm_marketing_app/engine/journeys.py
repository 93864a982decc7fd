"""Marketing Journey rules as pure functions: the step graph, its checks, routes and A/B split.

A journey is a graph of steps: each step names its `next_step` and, for a Branch or a
Split, an `else_step` (the "no" route, variant B). The first step is where everyone
starts; an empty route ends the journey there. Loops are allowed when a Wait (or Wait
Until) in them makes people stop; otherwise a run would go round them forever.

A loop is gone round in passes: following a back edge (an edge to a step above it on
the walk from the first step) starts the next pass, so a step's log is unique per
(enrolment, step, pass) and nothing is done twice within a pass.
"""

import hashlib
from dataclasses import dataclass

from crm_marketing_app.engine.errors import EngineError, _

STEP_TYPES = (
	"Send Email",
	"Send SMS",
	"Create ToDo",
	"Create Event",
	"Add To Target List",
	"Remove From Target List",
	"Set Field",
	"Create Opportunity",
	"Wait",
	"Wait Until",
	"Branch",
	"Split",
	"Exit",
)
# Steps that make an enrolment stop until a later run: a loop needs one of them.
WAIT_STEPS = ("Wait", "Wait Until")
# Steps with a second route in `else_step`.
TWO_ROUTE_STEPS = ("Branch", "Split")
CONDITION_TYPES = ("Response", "Field", "Score", "Purchased", "On List")
ENTRY_TYPES = ("Manual", "Target List", "Event")
REENTRY = ("Never", "After Exit", "Per Source Document")
GOALS = ("Sales Order", "Opportunity", "Response", "Score")
# What each step type needs filled in, as (field, label) pairs.
REQUIRED_FIELDS = {
	"Send Email": (("email_template", "Email Template"),),
	"Create ToDo": (("description", "Description"),),
	"Add To Target List": (("target_list", "Target List"),),
	"Remove From Target List": (("target_list", "Target List"),),
	"Set Field": (("field", "Field"),),
}
CONDITION_FIELDS = {
	"Response": (("response_type", "Response Type"),),
	"Field": (("field", "Field"),),
	"Score": (),
	"Purchased": (),
	"On List": (("target_list", "Target List"),),
}


@dataclass(frozen=True)
class Step:
	step_id: str
	step_type: str
	next_step: str = ""
	else_step: str = ""
	wait_days: int = 0
	wait_hours: int = 0
	wait_until_field: str = ""
	wait_until_date: object = None
	condition_type: str = ""
	split_percent: float = 0
	else_percent: float = 0
	item: str = ""
	item_group: str = ""

	@classmethod
	def of(cls, row) -> "Step":
		"""A step from a child row or a dict; missing values read as empty."""
		get = row.get if hasattr(row, "get") else lambda key, default=None: getattr(row, key, default)
		return cls(
			step_id=(get("step_id") or "").strip(),
			step_type=get("step_type") or "",
			next_step=(get("next_step") or "").strip(),
			else_step=(get("else_step") or "").strip(),
			wait_days=int(get("wait_days") or 0),
			wait_hours=int(get("wait_hours") or 0),
			wait_until_field=get("wait_until_field") or "",
			wait_until_date=get("wait_until_date"),
			condition_type=get("condition_type") or "",
			split_percent=float(get("split_percent") or 0),
			else_percent=float(get("else_percent") or 0),
			item=get("item") or "",
			item_group=get("item_group") or "",
		)

	def routes(self) -> tuple[str, ...]:
		"""The steps this one can go to (empty = the journey ends)."""
		if self.step_type == "Exit":
			return ()
		if self.step_type in TWO_ROUTE_STEPS:
			return (self.next_step, self.else_step)
		return (self.next_step,)

	def stops(self) -> bool:
		return self.step_type in WAIT_STEPS


def check_steps(rows) -> list[Step]:
	"""Every rule a journey's steps must keep; returns them as Steps, in order.

	Raises EngineError on the first broken rule: ids missing or repeated, an unknown type,
	a missing required value, a route to a step that does not exist, a Wait of no time, a
	Split whose shares do not add up to 100, a loop no Wait stops, a step from which no
	path reaches an end.
	"""
	steps = [Step.of(row) for row in rows]
	seen: set[str] = set()
	for number, step in enumerate(steps, start=1):
		if not step.step_id:
			raise EngineError(_("Row {0}: the step has no Step ID"), number)
		if step.step_id in seen:
			raise EngineError(_("Step ID {0} is used twice"), step.step_id)
		seen.add(step.step_id)
		if step.step_type not in STEP_TYPES:
			raise EngineError(_("Step {0}: unknown step type {1}"), step.step_id, step.step_type)
	by_id = {step.step_id: step for step in steps}
	for row, step in zip(rows, steps, strict=True):
		_check_values(row, step)
		for route in step.routes():
			if route and route not in by_id:
				raise EngineError(_("Step {0} goes to step {1}, which does not exist"), step.step_id, route)
			if route == step.step_id and not step.stops():
				raise EngineError(_("Step {0} goes to itself without a Wait"), step.step_id)
	_check_loops(steps, by_id)
	_check_ends(steps, by_id)
	return steps


def _check_values(row, step: Step) -> None:
	get = row.get if hasattr(row, "get") else lambda key, default=None: getattr(row, key, default)
	required = REQUIRED_FIELDS.get(step.step_type, ())
	if step.step_type == "Branch":
		if step.condition_type not in CONDITION_TYPES:
			raise EngineError(_("Step {0}: a Branch needs a Condition"), step.step_id)
		required = CONDITION_FIELDS[step.condition_type]
		if step.condition_type == "Purchased" and not (step.item or step.item_group):
			raise EngineError(
				_("Step {0}: a Purchased condition needs an Item or an Item Group"), step.step_id
			)
	for field, label in required:
		if not get(field):
			raise EngineError(_("Step {0} ({1}) needs {2}"), step.step_id, step.step_type, label)
	if step.step_type == "Wait" and step.wait_days <= 0 and step.wait_hours <= 0:
		raise EngineError(_("Step {0}: a Wait needs a number of days or hours"), step.step_id)
	if step.step_type == "Wait Until" and not (step.wait_until_field or step.wait_until_date):
		raise EngineError(_("Step {0}: a Wait Until needs a date or a date field"), step.step_id)
	if step.step_type == "Split":
		if not 0 < step.split_percent < 100 or abs(step.split_percent + step.else_percent - 100) > 1e-9:
			raise EngineError(
				_(
					"Step {0}: the shares of variants A ({1} %) and B ({2} %) must add up to 100, each above 0"
				),
				step.step_id,
				step.split_percent,
				step.else_percent,
			)


def _check_loops(steps: list[Step], by_id: dict[str, Step]) -> None:
	"""A cycle made only of steps that do not stop would be run round forever."""
	movers = {
		s.step_id: [r for r in s.routes() if r and not by_id[r].stops()] for s in steps if not s.stops()
	}
	state: dict[str, int] = {}  # 1: on the walk, 2: done

	def visit(step_id: str, path: list[str]) -> None:
		state[step_id] = 1
		for route in movers.get(step_id, ()):
			if state.get(route) == 1:
				loop = [*path[path.index(route) :], route]
				raise EngineError(_("Steps {0} form a loop with no Wait in it"), " → ".join(loop))
			if route not in state:
				visit(route, [*path, route])
		state[step_id] = 2

	for step_id in movers:
		if step_id not in state:
			visit(step_id, [step_id])


def _check_ends(steps: list[Step], by_id: dict[str, Step]) -> None:
	"""From every step some path must reach an end: an Exit or an empty route."""
	ends = {s.step_id for s in steps if s.step_type == "Exit" or "" in s.routes()}
	reaching = set(ends)
	changed = True
	while changed:
		changed = False
		for step in steps:
			if step.step_id not in reaching and any(r in reaching for r in step.routes()):
				reaching.add(step.step_id)
				changed = True
	stuck = [s.step_id for s in steps if s.step_id not in reaching]
	if stuck:
		raise EngineError(_("No path leads from step {0} to an end of the journey"), ", ".join(stuck))


def back_edges(steps: list[Step]) -> set[tuple[str, str]]:
	"""The (step, route) pairs that go back to a step above on the walk from the first step:
	taking one starts a new pass through the loop."""
	by_id = {s.step_id: s for s in steps}
	found: set[tuple[str, str]] = set()
	state: dict[str, int] = {}

	def visit(step_id: str) -> None:
		state[step_id] = 1
		for route in by_id[step_id].routes():
			if not route:
				continue
			if state.get(route) == 1:
				found.add((step_id, route))
			elif route not in state:
				visit(route)
		state[step_id] = 2

	for step in steps:  # the first step first; unreachable steps after it
		if step.step_id not in state:
			visit(step.step_id)
	return found


def split_variant(key: str, percent_a: float) -> str:
	"""A or B for an enrolment, the same on every run and every machine: its digest's place in 0 to 99.99."""
	point = int(hashlib.md5(key.encode()).hexdigest()[:8], 16) % 10000 / 100
	return "A" if point < percent_a else "B"


def route(step: Step, outcome: str) -> str:
	"""Where an outcome leads: a Branch's No and a Split's B take `else_step`."""
	if step.step_type == "Exit":
		return ""
	if step.step_type in TWO_ROUTE_STEPS and outcome in ("No", "B"):
		return step.else_step
	return step.next_step


def check_activation(entry_type: str, entry_target_list: str, event: str, steps: list) -> None:
	"""What a journey needs before people may enter it."""
	if entry_type not in ENTRY_TYPES:
		raise EngineError(_("Choose who enters the journey before activating it"))
	if entry_type == "Target List" and not entry_target_list:
		raise EngineError(_("Choose the Target List whose members enter the journey"))
	if entry_type == "Event" and not event:
		raise EngineError(_("Choose the Event that enrols people"))
	if not steps:
		raise EngineError(_("A journey needs at least one step"))
