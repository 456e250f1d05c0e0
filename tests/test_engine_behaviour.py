"""What the model does over many seeds, asserted as proportions.

Each claim is checked over 200 seeds with a 95 % Wilson interval: "most runs"
means the interval lies above one half, "fails in most runs" below it. With
200 runs the interval is at most ±7 points wide, so these only fail when the
model's behaviour really changes, not by bad luck of a seed.
"""

from __future__ import annotations

import statistics

import pytest

from sim import load_plan, load_scenario
from sim.engine import decisions as D
from sim.engine.batch import run
from sim.engine.drill import Drill
from sim.spec import catalog
from sim.stats import proportion

SEEDS = range(200)

pytestmark = pytest.mark.slow


def met(results: list[dict], milestone: str):  # type: ignore[no-untyped-def]
    return proportion([r[f"met_{milestone}"] for r in results])


@pytest.fixture(scope="module")
def city_plan_runs() -> list[dict]:
    return [run("city", "group-visit-50", None, s, "plan") for s in SEEDS]


def test_plan_policy_gets_the_leader_there_within_30_minutes_in_most_runs(city_plan_runs):
    p = met(city_plan_runs, "leader_30")
    assert p.n == len(SEEDS) and p.low > 0.5, p


def test_plan_policy_brings_the_crowd_below_10_within_4_hours_in_most_runs(city_plan_runs):
    p = met(city_plan_runs, "crowd_below_10_240")
    assert p.low > 0.5, p


def test_one_receptionist_and_no_call_in_misses_the_4_hour_limit_in_most_runs():
    cut = {"teams.reception.on_duty": 1, "teams.reception.size": 1}
    results = [run("city", "group-visit-50", cut, s, "plan") for s in SEEDS]
    p = met(results, "crowd_below_10_240")
    assert p.high < 0.5, p


def missed_count(result: dict) -> int:
    return sum(1 for k, v in result.items() if k.startswith("met_") and v is False)


@pytest.mark.parametrize("scenario_id", catalog.shipped_scenario_ids())
def test_passive_misses_more_milestones_than_the_plan_on_every_scenario(scenario_id):
    plan = load_scenario(scenario_id).default_plan
    seeds = range(60)
    passive = [missed_count(run(plan, scenario_id, None, s, "passive")) for s in seeds]
    planned = [missed_count(run(plan, scenario_id, None, s, "plan")) for s in seeds]
    diffs = [a - b for a, b in zip(passive, planned, strict=True)]
    # paired over common seeds: the mean difference must be clearly positive
    se = statistics.stdev(diffs) / len(diffs) ** 0.5 if len(set(diffs)) > 1 else 0.0
    assert statistics.fmean(diffs) - 3 * se > 0, (statistics.fmean(diffs), se)


def peak_heat(statement_at: float | None, seed: int) -> float:
    plan, scenario = load_plan("city"), load_scenario("online-amplification")
    drill = Drill(plan, scenario, seed)
    if statement_at is not None:
        drill.advance(statement_at)
        outcome = drill.decide(D.PublishStatement())
        assert outcome.accepted, outcome.reason
    drill.advance(drill.horizon)
    return drill.scorecard().outcomes["peak_heat"]


def test_an_early_statement_lowers_peak_heat_in_online_amplification():
    seeds = range(60)
    early = [peak_heat(5, s) for s in seeds]
    never = [peak_heat(None, s) for s in seeds]
    lower = sum(1 for a, b in zip(early, never, strict=True) if a < b)
    assert lower / len(early) > 0.8
    assert statistics.fmean(early) < 0.9 * statistics.fmean(never)
