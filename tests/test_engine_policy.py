"""The plan-following policy, read as the manual.

It is woken only by what can change its mind (``PlanPolicy.news``): a report, a
level, an incident starting or ending, a limit that now applies, a room
opening, an official arriving, members of a team it waits for arriving or
becoming free, and, with a full room and a larger one open, people arriving
and leaving. Never by a timer. A decision refused once is tried again only
when something it waits for has happened. The check of both claims: it decides
exactly as a naive policy that looks after every single moment of the drill
and tries everything again each time.
"""

from __future__ import annotations

import random

import pytest

from sim import load_plan, load_scenario
from sim.engine import params as P
from sim.engine.drill import Drill
from sim.engine.log import Entry
from sim.engine.policies import PlanPolicy, play
from sim.spec import catalog

CASES = [(sid, pid) for sid in catalog.shipped_scenario_ids() for pid in load_scenario(sid).plans()]


class LooksAfterEveryMoment(PlanPolicy):
    """The naive policy: looks after every moment and tries every refused decision again."""

    def news(self, entry: Entry) -> bool:
        return True

    def _worth_trying(self, decision: object) -> bool:
        return True

    def worth_a_look(self, view: object) -> bool:
        return True


def both(plan, scenario, seed: int) -> tuple[str, str]:  # type: ignore[no-untyped-def]
    woken = Drill(plan, scenario, seed)
    play(woken, PlanPolicy())
    eager = Drill(plan, scenario, seed)
    play(eager, LooksAfterEveryMoment())
    return woken.log.jsonl(), eager.log.jsonl()


@pytest.mark.parametrize(("scenario_id", "plan_id"), CASES, ids=[f"{s}@{p}" for s, p in CASES])
def test_woken_by_news_it_decides_as_if_it_looked_after_every_moment(scenario_id: str, plan_id: str) -> None:
    plan, scenario = load_plan(plan_id), load_scenario(scenario_id)
    for seed in range(4):
        woken, eager = both(plan, scenario, seed)
        assert woken == eager, seed


def test_the_same_holds_with_any_staffing():
    """Every team's on-duty share drawn at random, on random shipped cases."""
    rnd = random.Random(20)
    for _ in range(12):
        scenario_id, plan_id = rnd.choice(CASES)
        plan, scenario = load_plan(plan_id), load_scenario(scenario_id)
        share = rnd.random()
        overrides = {f"teams.{t}.on_duty": round(team.size_people * share) for t, team in plan.teams.items()}
        plan, scenario = P.apply(plan, scenario, overrides)
        woken, eager = both(plan, scenario, rnd.randrange(10**6))
        assert woken == eager, (scenario_id, plan_id, share)


def test_it_declares_the_level_the_triggers_call_for_as_soon_as_the_alert_chain_allows():
    """group-visit-50 on the city plan: the level is declared at the very moment the
    last step before the decision is done, if a level is required by then."""
    for seed in range(5):
        drill = Drill(load_plan("city"), load_scenario("group-visit-50"), seed)
        play(drill, PlanPolicy())
        log = drill.log.entries
        verified = next(e.t for e in log if e.kind == "alert_step" and e.subject == "verify")
        required = next(e.t for e in log if e.kind == "level_required")
        declared = next(e for e in log if e.kind == "decision" and e.subject == "declare_level")
        assert declared.t == max(verified, required)
