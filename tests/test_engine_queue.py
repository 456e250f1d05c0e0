"""The reception desk is an M/M/c queue: its mean wait matches Erlang C.

People come as a Poisson process (a fixed count placed uniformly over a long
window is a Poisson process given its count), each claim takes an exponential
service time, c clerks serve one person at a time, nobody gives up. The mean
wait in queue must then be Erlang C's W_q = C(c, a) / (c*mu - lambda).
"""

from __future__ import annotations

import math
import statistics

from engine_fixtures import make, model, plan_dict, scenario_dict

from sim.engine.drill import Drill


def erlang_c_wait(lam: float, mu: float, c: int) -> float:
    a = lam / mu
    rho = a / c
    top = a**c / math.factorial(c) / (1 - rho)
    bottom = sum(a**k / math.factorial(k) for k in range(c)) + top
    return (top / bottom) / (c * mu - lam)


def test_mean_wait_matches_erlang_c():
    lam, mean_service, c = 0.9, 2.5, 3  # per minute; rho = 0.75
    window, warmup = 1440.0, 200.0
    people = round(lam * window)
    plan, scenario = make(
        plan_dict(
            reception_on_duty=c,
            reception_size=c,
            service_min={"dist": "exponential", "mean": mean_service},
        ),
        scenario_dict(size=people, spread=window, horizon=window + 60),
    )
    means = []
    for seed in range(16):
        drill = Drill(plan, scenario, seed=seed)
        drill.advance(drill.horizon)
        waits = [
            p.service_start - p.arrival
            for p in model(drill).groups.crowds["g"].people
            if p.service_start is not None and warmup <= p.arrival <= window - 100
        ]
        means.append(statistics.fmean(waits))
    expected = erlang_c_wait(lam, 1 / mean_service, c)
    # replication means are independent: 4 standard errors is a fair bound, and
    # the relative term covers the small bias of a finite window
    se = statistics.stdev(means) / math.sqrt(len(means))
    assert abs(statistics.fmean(means) - expected) < 4 * se + 0.05 * expected, (means, expected)
