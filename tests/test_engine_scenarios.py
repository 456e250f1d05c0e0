"""Every shipped scenario plays to its horizon under both policies, on its
default plan and on every plan it names as compatible."""

from __future__ import annotations

import pytest

from sim import load_plan, load_scenario
from sim.engine.batch import play_policy
from sim.spec import catalog

CASES = [
    (sid, plan_id, policy)
    for sid in catalog.shipped_scenario_ids()
    for plan_id in load_scenario(sid).plans()
    for policy in ("plan", "passive")
]


@pytest.mark.parametrize(("scenario_id", "plan_id", "policy"), CASES)
def test_scenario_plays_to_its_horizon(scenario_id, plan_id, policy):
    scenario = load_scenario(scenario_id)
    drill = play_policy(load_plan(plan_id), scenario, 11, policy)
    assert drill.finished and drill.now == scenario.horizon_min
    card = drill.scorecard()
    # everyone who came is still there or has left (served, helped, unanswered, injured)
    gone = sum(e.data["n"] for e in drill.log if e.kind == "left")
    assert card.outcomes["people_arrived"] == gone + card.outcomes["final_on_site"]
    statuses = {m.status for m in card.milestones}
    # a finished drill never shows pending or not_yet (pending at the end is undecided)
    assert statuses <= {"met", "missed", "undecided", "not_applicable", "beyond_model", "untimed"}
    # the level-free milestones of the alert chain always apply once a report came in
    # (the generic unit's plan has none: its level-free limits are for booked visits or in days)
    plan = load_plan(plan_id)
    if any(m.measure.kind == "alert_step" for m in plan.milestones):
        assert any(m.status in ("met", "missed") for m in card.milestones if m.level is None)
    if policy == "passive":
        assert not [e for e in drill.log if e.kind == "decision"]
