"""The reception desk is an M/M/c queue: its mean wait matches Erlang C.

People come as a Poisson process (a fixed count placed uniformly over a long
window is a Poisson process given its count), each claim takes an exponential
service time, c clerks serve one person at a time, nobody gives up. The mean
wait in queue must then be Erlang C's W_q = C(c, a) / (c*mu - lambda).

The band, worked out: lambda = 0.9/min, mean service 2.5 min, c = 3 (rho = 0.75)
give W_q = 1.893 min. A replication (a 24-hour window, the first 300 and the
last 100 minutes left out) has a mean wait with a standard deviation of about
0.55 min (measured over 200 replications: 1.882 +- 0.039, so no bias beyond
0.5 %); 64 replications give a standard error of about 0.069 min. The test
accepts |mean - W_q| < 3.5 standard errors (two-sided, false alarm about
0.08 %), a band of about +-0.24 min (+-13 %). A service 4 % slower (2.6 min)
moves W_q to 2.423 min, 0.53 above: outside the band with a power above
99.9 % (z = (0.53 - 0.24) / 0.075 = 3.9). The second test checks exactly that.
"""

from __future__ import annotations

import math
import statistics

from engine_fixtures import make, model, plan_dict, scenario_dict

from sim.engine.drill import Drill

LAMBDA, SERVICE, CLERKS = 0.9, 2.5, 3
WINDOW, WARMUP, TAIL = 1440.0, 300.0, 100.0
REPLICATIONS = 64
BAND_SE = 3.5


def erlang_c_wait(lam: float, mu: float, c: int) -> float:
    a = lam / mu
    rho = a / c
    top = a**c / math.factorial(c) / (1 - rho)
    bottom = sum(a**k / math.factorial(k) for k in range(c)) + top
    return (top / bottom) / (c * mu - lam)


def mean_waits(service_min: float) -> list[float]:
    plan, scenario = make(
        plan_dict(
            reception_on_duty=CLERKS,
            reception_size=CLERKS,
            service_min={"dist": "exponential", "mean": service_min},
        ),
        scenario_dict(size=round(LAMBDA * WINDOW), spread=WINDOW, horizon=WINDOW + 60),
    )
    means = []
    for seed in range(REPLICATIONS):
        drill = Drill(plan, scenario, seed=seed)
        drill.advance(drill.horizon)
        waits = [
            p.service_start - p.arrival
            for p in model(drill).groups.crowds["g"].people
            if p.service_start is not None and WARMUP <= p.arrival <= WINDOW - TAIL
        ]
        means.append(statistics.fmean(waits))
    return means


def within_band(means: list[float], expected: float) -> bool:
    se = statistics.stdev(means) / math.sqrt(len(means))
    return abs(statistics.fmean(means) - expected) < BAND_SE * se


def test_mean_wait_matches_erlang_c():
    means = mean_waits(SERVICE)
    expected = erlang_c_wait(LAMBDA, 1 / SERVICE, CLERKS)
    assert within_band(means, expected), (statistics.fmean(means), expected)


def test_a_service_four_per_cent_slower_is_caught():
    """The same band around the same W_q rejects a desk whose service is 4 % slower."""
    means = mean_waits(SERVICE * 1.04)
    expected = erlang_c_wait(LAMBDA, 1 / SERVICE, CLERKS)
    assert not within_band(means, expected), (statistics.fmean(means), expected)
