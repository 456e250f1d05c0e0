"""Views of how a drill went are read from its event log alone: the staff on
duty (the report's chart), the samples behind the sparklines, the decisions
taken. Each is checked against the drill itself, looked at as it ran."""

from __future__ import annotations

import pytest

from sim import load_plan, load_scenario
from sim.engine.drill import Drill
from sim.engine.policies import make, play
from sim.engine.trends import Trends, decisions_taken, staff_on_duty
from sim.script import Refusal, Script, Timed

CASES = ["group-visit-50", "town-district-incident", "mine-group-visit", "compound-peaks"]


@pytest.mark.parametrize("scenario_id", CASES)
def test_the_staff_chart_read_from_the_log_is_what_snapshots_showed_each_minute(scenario_id: str) -> None:
    scenario = load_scenario(scenario_id)
    plan = load_plan(scenario.default_plan)
    for seed in (1, 2):
        taken: list[Timed] = []
        played = Drill(plan, scenario, seed)
        play(played, make("plan"), on_decision=lambda t, d, taken=taken: taken.append(Timed(t, d)))
        # the same drill again, stopped every minute to look at the teams
        looked = Drill(plan, scenario, seed)
        seen = []
        for minute in range(int(scenario.horizon_min) + 1):
            Script(i for i in taken if minute - 1 < i.t <= minute).play(looked, Refusal.RAISE, until=minute)
            snap = looked.snapshot()
            seen.append((float(minute), {t.id: t.size - t.off_duty - t.en_route for t in snap.teams}))
        assert staff_on_duty(plan, played.log.entries, played.horizon) == seen
        assert looked.log.jsonl() == played.log.jsonl()


def test_trends_are_the_logs_samples_read_once():
    scenario = load_scenario("online-amplification")
    drill = Drill(load_plan("city"), scenario, 4)
    trends = Trends()
    for until in (30, 31, 200, drill.horizon):
        drill.advance(until)
        trends.update(drill.log.entries)
    samples = [e for e in drill.log.entries if e.kind == "sample"]
    topic = next(i.id for i in scenario.incidents if i.kind == "online_topic")
    assert trends.mood[topic] == [e.data["heat"] for e in samples if e.subject == topic]
    assert len(trends.mood[topic]) == int(drill.horizon // 5)  # one every 5 minutes


def test_the_decisions_taken_are_read_back_from_the_log_as_they_were_made():
    drill = Drill(load_plan("city"), load_scenario("group-visit-50"), 5)
    made = []
    play(drill, make("plan"), on_decision=lambda t, d: made.append((t, d.to_dict())))
    assert decisions_taken(drill.log.entries) == made and len(made) > 5
