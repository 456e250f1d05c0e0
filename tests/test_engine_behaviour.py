"""What the model does over many seeds, asserted as rates with two-sided bands.

Each expected rate is what the model gave over 2,000 seeds disjoint from the
test's (10,000-11,999); the test plays 200 seeds (0-199) and accepts the
observed rate within 3.29 standard errors of the expected one (two-sided, a
false alarm about once in 1,000 runs), the standard error counting both
samples: sqrt(p (1 - p) (1/200 + 1/2000)). So a test fails when the model's
behaviour really changes, in either direction, not by bad luck of a seed:

| rate | expected | band | a change caught with >= 90 % power |
|---|---|---|---|
| leader on site within 30 min, plan policy | 0.7565 | +-0.105 | 15 points |
| crowd below 10 within 4 h, plan policy | 1.0000 | +-0 (all 200) | 2 points down |
| the same with one receptionist, no call-in | 0.6010 | +-0.120 | 17 points |

(Power: the observed rate's own standard error at the shifted value, e.g.
sqrt(0.43 x 0.57 / 200) = 0.035 for the third, gives z = (0.17 - 0.12) /
0.035 = 1.4, 92 %; for the second, a true rate of 0.98 shows at least one miss
in 200 seeds with probability 1 - 0.98^200 = 98 %.) When a model change (issue
11) moves a rate on purpose, re-measure the expected value the same way and say
so. Re-measured for the departure by being received and answered
(model-calibration): the plan's 4-hour rate went from 0.9885 to 1.0 and the
one-receptionist rate from 0.0325 to 0.601 - with leaving tied to being
received, most of a group left unserved gives up and goes unanswered, which
this head count (people on site only) does not count against the limit.
"""

from __future__ import annotations

import math
import statistics

import pytest

from sim import load_plan, load_scenario
from sim.engine import decisions as D
from sim.engine.batch import run
from sim.engine.drill import Drill
from sim.spec import catalog
from sim.stats import proportion

SEEDS = range(200)
REFERENCE_SEEDS = 2000
Z = 3.29  # two-sided, alpha = 0.001

pytestmark = pytest.mark.slow


def assert_rate(results: list[dict], milestone: str, expected: float) -> None:  # type: ignore[type-arg]
    p = proportion([r[f"met_{milestone}"] for r in results])
    assert p.n == len(results), "every run must decide the milestone"
    se = math.sqrt(expected * (1 - expected) * (1 / p.n + 1 / REFERENCE_SEEDS))
    assert abs(p.p - expected) <= Z * se, (milestone, p.p, expected, Z * se)


@pytest.fixture(scope="module")
def city_plan_runs() -> list[dict]:  # type: ignore[type-arg]
    return [run("city", "group-visit-50", None, s, "plan") for s in SEEDS]


def test_plan_policy_gets_the_leader_there_within_30_minutes_at_its_rate(city_plan_runs):
    assert_rate(city_plan_runs, "leader_30", 0.7565)


def test_plan_policy_brings_the_crowd_below_10_within_4_hours_at_its_rate(city_plan_runs):
    assert_rate(city_plan_runs, "crowd_below_10_240", 1.0)


def test_one_receptionist_and_no_call_in_miss_the_4_hour_limit_at_its_rate():
    cut = {"teams.reception.on_duty": 1, "teams.reception.size": 1}
    results = [run("city", "group-visit-50", cut, s, "plan") for s in SEEDS]
    assert_rate(results, "crowd_below_10_240", 0.601)


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
