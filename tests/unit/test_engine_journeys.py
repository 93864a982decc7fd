import math
from collections import Counter

import pytest

from crm_marketing_app.engine import journeys, stats
from crm_marketing_app.engine.errors import EngineError


def step(step_id, step_type, next_step="", **kw):
	return {"step_id": step_id, "step_type": step_type, "next_step": next_step, **kw}


INVITE = [
	step("S1", "Send Email", "S2", email_template="Invitation"),
	step(
		"S2",
		"Branch",
		"S4",
		else_step="S3",
		condition_type="Response",
		response_type="Registered",
		within_days=7,
	),
	step("S3", "Send Email", "", email_template="Reminder"),
	step("S4", "Create ToDo", "S5", description="Meet {{ member.member_name }}"),
	step("S5", "Exit"),
]


def test_a_valid_journey_comes_back_as_steps_in_order():
	steps = journeys.check_steps(INVITE)
	assert [s.step_id for s in steps] == ["S1", "S2", "S3", "S4", "S5"]
	assert steps[1].routes() == ("S4", "S3")
	assert steps[4].routes() == ()


def test_a_route_to_a_missing_step_is_refused():
	with pytest.raises(EngineError, match="goes to step S9, which does not exist"):
		journeys.check_steps([*INVITE[:4], step("S5", "Send Email", "S9", email_template="x")])


def test_ids_must_be_present_and_unique():
	with pytest.raises(EngineError, match="used twice"):
		journeys.check_steps([step("S1", "Exit"), step("S1", "Exit")])
	with pytest.raises(EngineError, match="Row 2: the step has no Step ID"):
		journeys.check_steps([step("S1", "Exit"), step(" ", "Exit")])


def test_a_loop_without_a_wait_is_refused_and_with_one_allowed():
	loop = [
		step("S1", "Send Email", "S2", email_template="x"),
		step("S2", "Branch", "S3", else_step="S1", condition_type="Score", threshold=10),
		step("S3", "Exit"),
	]
	with pytest.raises(EngineError, match="S1 → S2 → S1 form a loop with no Wait"):
		journeys.check_steps(loop)
	waited = [
		step("S1", "Send Email", "W", email_template="x"),
		step("W", "Wait", "S2", wait_days=7),
		step("S2", "Branch", "S3", else_step="S1", condition_type="Score", threshold=10),
		step("S3", "Exit"),
	]
	steps = journeys.check_steps(waited)
	assert journeys.back_edges(steps) == {("S2", "S1")}


def test_a_step_going_to_itself_needs_to_be_a_wait():
	with pytest.raises(EngineError, match="goes to itself"):
		journeys.check_steps([step("S1", "Create ToDo", "S1", description="x")])


def test_a_journey_with_no_path_to_an_end_is_refused():
	cycle = [
		step("S1", "Wait", "S2", wait_days=1),
		step("S2", "Send Email", "S1", email_template="x"),
	]
	with pytest.raises(EngineError, match="No path leads from step S1, S2 to an end"):
		journeys.check_steps(cycle)


def test_split_shares_must_add_up_to_100():
	base = [step("A", "Exit"), step("B", "Exit")]
	with pytest.raises(EngineError, match="must add up to 100"):
		journeys.check_steps(
			[step("S", "Split", "A", else_step="B", split_percent=60, else_percent=30), *base]
		)
	with pytest.raises(EngineError, match="must add up to 100"):
		journeys.check_steps(
			[step("S", "Split", "A", else_step="B", split_percent=100, else_percent=0), *base]
		)
	journeys.check_steps([step("S", "Split", "A", else_step="B", split_percent=30, else_percent=70), *base])


def test_required_values_per_step_type():
	with pytest.raises(EngineError, match="needs Email Template"):
		journeys.check_steps([step("S1", "Send Email")])
	with pytest.raises(EngineError, match="a Wait needs a number of days or hours"):
		journeys.check_steps([step("S1", "Wait")])
	with pytest.raises(EngineError, match="a Branch needs a Condition"):
		journeys.check_steps([step("S1", "Branch", else_step="")])
	with pytest.raises(EngineError, match="Purchased condition needs an Item"):
		journeys.check_steps([step("S1", "Branch", condition_type="Purchased")])
	with pytest.raises(EngineError, match="Wait Until needs a date"):
		journeys.check_steps([step("S1", "Wait Until")])
	with pytest.raises(EngineError, match="unknown step type"):
		journeys.check_steps([step("S1", "Teleport")])


def test_routes_of_outcomes():
	branch, split, exit_ = (
		journeys.Step.of(s) for s in (INVITE[1], step("X", "Split", "A", else_step="B"), INVITE[4])
	)
	assert journeys.route(branch, "Yes") == "S4"
	assert journeys.route(branch, "No") == "S3"
	assert journeys.route(split, "A") == "A"
	assert journeys.route(split, "B") == "B"
	assert journeys.route(exit_, "Done") == ""


def test_split_is_deterministic_and_near_its_share():
	variants = [journeys.split_variant(f"enrolment-{i}:S", 30) for i in range(10000)]
	assert variants == [journeys.split_variant(f"enrolment-{i}:S", 30) for i in range(10000)]
	share = Counter(variants)["A"] / len(variants)
	assert 0.28 < share < 0.32


def test_activation_needs_an_entry_and_steps():
	with pytest.raises(EngineError, match="Target List whose members"):
		journeys.check_activation("Target List", "", "", [1])
	with pytest.raises(EngineError, match="Event that enrols"):
		journeys.check_activation("Event", "", "", [1])
	with pytest.raises(EngineError, match="who enters"):
		journeys.check_activation("", "", "", [1])
	with pytest.raises(EngineError, match="at least one step"):
		journeys.check_activation("Manual", "", "", [])
	journeys.check_activation("Manual", "", "", [1])


def test_two_proportion_test_against_a_worked_example():
	# 200/1000 against 150/1000: pooled 0.175, se = sqrt(0.175*0.825*0.002) = 0.016993
	z, p = stats.two_proportion_test(200, 1000, 150, 1000)
	assert z == pytest.approx(0.05 / math.sqrt(0.175 * 0.825 * 0.002))
	assert z == pytest.approx(2.9424, abs=1e-4)
	assert p == pytest.approx(0.003257, abs=1e-5)
	assert stats.significant(p)
	z, p = stats.two_proportion_test(150, 1000, 200, 1000)
	assert z < 0 and stats.significant(p)


def test_two_proportion_test_without_evidence():
	assert stats.two_proportion_test(0, 0, 5, 10) == (0.0, 1.0)
	assert stats.two_proportion_test(0, 10, 0, 10) == (0.0, 1.0)
	_z, p = stats.two_proportion_test(11, 100, 10, 100)
	assert not stats.significant(p)
