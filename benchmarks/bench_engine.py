"""Engine benchmark: events per replication, replications per second, and the
per-event cost relative to a bare SimPy timeout loop and to a SimPy loop that
appends one log record per event, measured in this process.

Targets (issue 10): the engine alone at most 5x the logged loop per event
(worst scenario); a gathering of 8,000 people at most 1.2x per person what 500
cost. Ratios are measured in one run so a noisy shared machine affects both
sides alike. ``bench_compare.py`` sets this engine beside commit 357c419's.

Each scenario is timed twice: under the ``plan`` policy (the engine plus the
policy deciding, as sweeps run it) and replaying the same decisions at the
same times (the engine alone, as ``drill replay`` runs it). Events are SimPy
events: the online posts the engine applies without an event of their own are
not counted here (``bench_compare.py`` counts them).

    python benchmarks/bench_engine.py [--reps 20]
"""

from __future__ import annotations

import argparse
import time

import simpy

from sim import load_plan, load_scenario
from sim.engine import params as P
from sim.engine.drill import Drill
from sim.engine.log import EventLog
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


def logged_simpy_cost(n: int = 200_000) -> float:
    """A bare timeout loop whose events each append one record to an EventLog."""
    env = simpy.Environment()
    log = EventLog()

    def ticker(env):  # type: ignore[no-untyped-def]
        for i in range(n):
            yield env.timeout(1)
            log.add(env.now, "arrive", "g", on_site=i)

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


def time_replays(plan, scenario, reps: int) -> float:  # type: ignore[no-untyped-def]
    """The engine alone: the plan policy's decisions recorded first, then replayed."""
    scripts = []
    for seed in range(reps):
        taken: list = []
        play(
            Drill(plan, scenario, seed),
            make("plan"),
            on_decision=lambda t, d, taken=taken: taken.append((t, d)),
        )
        scripts.append(taken)
    t0 = time.perf_counter()
    for seed, taken in enumerate(scripts):
        drill = Drill(plan, scenario, seed)
        for t, decision in taken:
            drill.advance(t)
            drill.decide(decision)
        drill.advance(drill.horizon)
    return (time.perf_counter() - t0) / reps


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--reps", type=int, default=20)
    args = parser.parse_args()
    bare = bare_simpy_cost()
    logged = logged_simpy_cost()
    print(f"bare SimPy timeout loop: {bare * 1e6:.2f} us/event")
    print(
        f"the same loop appending one log record per event: {logged * 1e6:.2f} us/event = {logged / bare:.2f}x bare"
    )
    print(
        f"{'scenario':24} {'plan':18} {'events/rep':>10} {'reps/s':>7} {'us/event':>9} {'x bare':>7}"
        f" {'engine us/event':>16} {'x bare':>7}"
    )
    worst = worst_engine = 0.0
    for sid in catalog.shipped_scenario_ids():
        scenario = load_scenario(sid)
        plan = load_plan(scenario.default_plan)
        events = count_events(plan, scenario, 0)
        per_rep = time_reps(plan, scenario, args.reps)
        per_event = per_rep / events
        engine = time_replays(plan, scenario, args.reps) / events
        worst = max(worst, per_event / bare)
        worst_engine = max(worst_engine, engine / bare)
        print(
            f"{sid:24} {plan.id:18} {events:10d} {1 / per_rep:7.1f} {per_event * 1e6:9.2f} {per_event / bare:7.2f}"
            f" {engine * 1e6:16.2f} {engine / bare:7.2f}"
        )
    print(
        f"worst per-event cost: {worst:.2f}x bare SimPy with the plan policy, {worst_engine:.2f}x the engine alone"
    )
    print(f"(target: the engine alone <= 5x the logged loop, i.e. <= {5 * logged / bare:.1f}x bare)")

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
    print(f"per-person cost 8000 vs 500: {ratio:.2f}x (target <= 1.2x)")


if __name__ == "__main__":
    main()
