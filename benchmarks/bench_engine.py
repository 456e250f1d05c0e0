"""Engine benchmark: events per replication, replications per second, and the
per-event cost relative to a bare SimPy timeout loop measured in this process.

Targets (issue 3): per-event cost at most 3x bare SimPy; a gathering of 8,000
people costs at most 2x per person what 500 do. Ratios are measured in one
run so a noisy shared machine affects both sides alike.

    python benchmarks/bench_engine.py [--reps 20]
"""

from __future__ import annotations

import argparse
import time

import simpy

from sim import load_plan, load_scenario
from sim.engine import params as P
from sim.engine.drill import Drill
from sim.engine.policies import make, play
from sim.spec import catalog


def bare_simpy_cost(n: int = 200_000) -> float:
    env = simpy.Environment()

    def ticker(env):  # type: ignore[no-untyped-def]
        for _ in range(n):
            yield env.timeout(1)

    env.process(ticker(env))
    t0 = time.perf_counter()
    env.run()
    return (time.perf_counter() - t0) / n


def count_events(plan, scenario, seed: int) -> int:  # type: ignore[no-untyped-def]
    counted = 0
    original = simpy.Environment.step

    def step(self):  # type: ignore[no-untyped-def]
        nonlocal counted
        counted += 1
        return original(self)

    simpy.Environment.step = step  # type: ignore[method-assign]
    try:
        drill = Drill(plan, scenario, seed)
        play(drill, make("plan"))
    finally:
        simpy.Environment.step = original  # type: ignore[method-assign]
    return counted


def time_reps(plan, scenario, reps: int) -> float:  # type: ignore[no-untyped-def]
    t0 = time.perf_counter()
    for seed in range(reps):
        drill = Drill(plan, scenario, seed)
        play(drill, make("plan"))
    return (time.perf_counter() - t0) / reps


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--reps", type=int, default=20)
    args = parser.parse_args()
    bare = bare_simpy_cost()
    print(f"bare SimPy timeout loop: {bare * 1e6:.2f} us/event")
    print(f"{'scenario':26} {'plan':18} {'events/rep':>10} {'reps/s':>8} {'us/event':>9} {'x bare':>7}")
    worst = 0.0
    for sid in catalog.shipped_scenario_ids():
        scenario = load_scenario(sid)
        plan = load_plan(scenario.default_plan)
        events = count_events(plan, scenario, 0)
        per_rep = time_reps(plan, scenario, args.reps)
        per_event = per_rep / events
        worst = max(worst, per_event / bare)
        print(
            f"{sid:26} {plan.id:18} {events:10d} {1 / per_rep:8.1f} {per_event * 1e6:9.2f} {per_event / bare:7.2f}"
        )
    print(f"worst per-event cost: {worst:.2f}x bare SimPy (target <= 3x)")

    plan, scenario = load_plan("city"), load_scenario("group-visit-50")
    costs = {}
    for people in (500, 8000):
        p, s = P.apply(
            plan,
            scenario,
            {
                "incidents.buyers.size_people": people,
                "incidents.buyers.arrival_spread_min": 60,
                "teams.reception.size": 40,
                "teams.reception.on_duty": 20,
            },
        )
        reps = max(2, args.reps // (4 if people > 1000 else 1))
        costs[people] = time_reps(p, s, reps) / people
        print(f"gathering of {people:5d}: {costs[people] * 1e6:8.1f} us per person")
    ratio = costs[8000] / costs[500]
    print(f"per-person cost 8000 vs 500: {ratio:.2f}x (target <= 2x)")


if __name__ == "__main__":
    main()
