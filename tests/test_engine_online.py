"""Online topics, read as the manual.

Posts are drawn one at a time from the topic's exact next-post distribution.
A post that only raises the heat is applied when the clock passes it, with no
event of its own; one that can bring a copycat gathering or pass a level's
heat mark is an event at its own time. Either way the drill is the one every
post-as-an-event gives: checked here against that engine on the shipped online
scenarios and on a scenario with two topics whose posts interleave.
"""

from __future__ import annotations

import copy

import pytest

from sim import load_plan, load_scenario
from sim.engine.drill import Drill
from sim.engine.online import Online
from sim.engine.policies import make, play
from sim.spec.scenario import Scenario


def every_post_an_event(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(Online, "_consequential", lambda self, topic, at: True)


def two_topics() -> Scenario:
    data = load_scenario("online-amplification").model_dump(by_alias=True)
    second = copy.deepcopy(next(i for i in data["incidents"] if i["kind"] == "online_topic"))
    second.update(id="echo_topic", start_min=40, initial_heat=2_000_000)
    second["behaviour"]["heat_per_event"] = 90_000
    second["copycat"]["heat_threshold"] = 8_000_000
    second["copycat"]["min_gap_min"] = 30
    data["incidents"].append(second)
    return Scenario.model_validate(data)


@pytest.mark.parametrize("policy", ["plan", "passive"])
@pytest.mark.parametrize("which", ["online-amplification", "extreme-individual", "two-topics"])
def test_lazy_posts_give_the_drill_every_post_as_an_event_gives(
    which: str, policy: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    scenario = two_topics() if which == "two-topics" else load_scenario(which)
    plan = load_plan("city")
    lazy = []
    for seed in range(3):
        drill = Drill(plan, scenario, seed)
        play(drill, make(policy))
        lazy.append(drill.log.jsonl())
    every_post_an_event(monkeypatch)
    for seed in range(3):
        drill = Drill(plan, scenario, seed)
        play(drill, make(policy))
        assert drill.log.jsonl() == lazy[seed], seed


def test_two_topics_bring_their_own_copycats():
    drill = Drill(load_plan("city"), two_topics(), 1)
    drill.advance(drill.horizon)
    topics = {e.data["topic"] for e in drill.log if e.kind == "copycat_gathering"}
    assert topics == {"wages_topic", "echo_topic"}
