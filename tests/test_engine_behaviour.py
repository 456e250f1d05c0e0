"""What the model does over many seeds, asserted as rates with two-sided bands.

Each expected rate is what the model gave over 2,000 seeds disjoint from the
test's (10,000-11,999); the test plays 200 seeds (0-199) and accepts the
observed rate within 3.29 standard errors of the expected one (two-sided, a
false alarm about once in 1,000 runs), the standard error counting both
samples: sqrt(p (1 - p) (1/200 + 1/2000)). So a test fails when the model's
behaviour really changes, in either direction, not by bad luck of a seed:

| rate | expected | band | a change caught with >= 90 % power |
|---|---|---|---|
| leader on site within 30 min, plan policy | 0.772 | +-0.102 | 15 points |
| crowd below 10 within 4 h, plan policy | 0.9515 | +-0.052 | 9 points down |
| the same with one receptionist, no call-in | 0 of 2,000 | at most 2 of 200 | 3 points up |

(Power: the observed rate's own standard error at the shifted value, e.g.
sqrt(0.8615 x 0.1385 / 200) = 0.024 for the second, gives z = (0.09 - 0.052) /
0.024 = 1.6, 94 %.) When a model change (issue 11) moves a rate on purpose,
re-measure the expected value the same way and say so.

Model version 4 (issue 11: people who leave unanswered count against a head
count) moved the two head-count rates; they were re-measured over seeds
200-2,199 (also disjoint from the test's): 1,544 / 2,000 for the leader, 1,903 /
2,000 below 10, and 0 / 2,000 with one receptionist. A rate measured at 0 has no
standard error to band with, so that test takes the rule-of-three bound instead:
the true rate is at most 3 / 2,000 = 0.0015 (95 %), and then 3 or more met of 200
has probability 1 - e^-0.3 (1 + 0.3 + 0.045) = 0.36 %; a rise to 2 % gives 3 or
more with probability 1 - e^-4 (1 + 4 + 8) = 76 %, to 3 % with 94 %.
"""

from __future__ import annotations

import math
import statistics

import pytest

from sim import load_plan, load_scenario
from sim.engine import decisions as D
from sim.engine.batch import run
from sim.engine.drill import Drill
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
    assert_rate(city_plan_runs, "leader_30", 0.772)


def test_plan_policy_brings_the_crowd_below_10_within_4_hours_at_its_rate(city_plan_runs):
    assert_rate(city_plan_runs, "crowd_below_10_240", 0.9515)


def test_one_receptionist_and_no_call_in_miss_the_4_hour_limit_at_its_rate():
    cut = {"teams.reception.on_duty": 1, "teams.reception.size": 1}
    results = [run("city", "group-visit-50", cut, s, "plan") for s in SEEDS]
    met = [r["met_crowd_below_10_240"] for r in results]
    assert None not in met, "every run must decide the milestone"
    assert sum(met) <= 2, sum(met)  # measured 0 of 2,000: see the module's docstring


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
