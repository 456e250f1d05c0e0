"""What one run says about a scenario's calibration targets.

A run is played under the target's policy up to the time the target reads
(the horizon for whole-drill figures, ``at_min`` for a reach or a head count
at a moment), and the figures are read from the finished drill: the log for
arrivals and departures, the topics for reach and heat. Only the seed varies
between runs of one set, so two variants (the plan's reception and a larger
one) are compared on common random numbers.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from ..engine.drill import Drill
from ..engine.policies import make, play
from ..spec.plan import Plan
from ..spec.scenario import GroupVisit, Scenario

INF = math.inf


@dataclass
class RunFigures:
    """Figures of one run, read at ``until`` (minutes from the drill's start)."""

    until: float
    durations_h: dict[str, float] = field(default_factory=dict)  # per named group; inf if still there
    start_min: dict[str, float] = field(default_factory=dict)  # first arrival, per named group
    people: dict[str, int] = field(default_factory=dict)  # who came with each named group
    # each named group's people on site after every arrival or departure: (minute, on site)
    on_site: dict[str, list[tuple[float, int]]] = field(default_factory=dict)
    reach: dict[str, float] = field(default_factory=dict)  # per topic, at ``until``
    peak_heat: dict[str, float] = field(default_factory=dict)  # per topic, up to ``until``
    waiting_or_unanswered: int = 0  # on site, or gone unanswered, at ``until``
    unanswered: int = 0  # gone unanswered by ``until``


def named_groups(scenario: Scenario) -> list[str]:
    """The group visits the scenario names (copycat gatherings are not among them)."""
    return [i.id for i in scenario.incidents if isinstance(i, GroupVisit)]


def play_to(plan: Plan, scenario: Scenario, seed: int, policy: str, until: float) -> RunFigures:
    drill = Drill(plan, scenario, seed)
    until = min(until, scenario.horizon_min)
    play(drill, make(policy), until=until)
    drill.advance(until)
    return read(drill, scenario, until)


def read(drill: Drill, scenario: Scenario, until: float) -> RunFigures:
    """The figures, from the drill's public record only: its log (arrivals,
    departures with their reasons, groups started and gone, the topics' samples
    every 5 minutes, which log reach and heat) and its snapshot (peak heat)."""
    out = RunFigures(until)
    names = set(named_groups(scenario))
    started: dict[str, float] = {}
    dispersed: dict[str, float] = {}
    last_arrival: dict[str, float] = {}
    on_site: dict[str, int] = {}
    for entry in drill.log.entries:
        kind, subject, data = entry.kind, entry.subject, entry.data
        if kind in ("arrive", "left"):
            on_site[subject] = data["on_site"]
            if subject in names:
                out.on_site.setdefault(subject, []).append((entry.t, data["on_site"]))
        if kind == "arrive":
            last_arrival[subject] = entry.t
            if subject in names:
                out.people[subject] = out.people.get(subject, 0) + 1
        elif kind == "left":
            if data["reason"] == "unanswered":
                out.unanswered += data["n"]
        elif kind == "group_started":
            started[subject] = entry.t
        elif kind == "group_dispersed":
            dispersed[subject] = entry.t  # the last one counts (people may join after)
        elif kind == "sample" and "reach" in data:
            out.reach[subject] = data["reach"]  # the last sample at or before ``until``
    out.waiting_or_unanswered = sum(on_site.values()) + out.unanswered
    for crowd_id in names & started.keys():
        out.start_min[crowd_id] = started[crowd_id]
        gone = dispersed.get(crowd_id)
        still_there = gone is None or last_arrival.get(crowd_id, 0.0) > gone
        out.durations_h[crowd_id] = INF if still_there else (gone - started[crowd_id]) / 60.0  # type: ignore[operator]
    for topic in drill.snapshot().topics:
        out.peak_heat[topic.id] = topic.peak
    return out


def peak_on_site(path: list[tuple[float, int]], from_min: float, to_min: float) -> int:
    """The most people on site at once between ``from_min`` and ``to_min``
    (both included), from a group's (minute, on site) changes in time order:
    the number holding at ``from_min`` and every number reached inside."""
    before = [n for t, n in path if t < from_min]
    inside = [n for t, n in path if from_min <= t <= to_min]
    return max([*before[-1:], *inside], default=0)


def first_arrivals(plan: Plan, scenario: Scenario, seed: int) -> dict[str, float]:
    """When each named group's first person arrives. Arrival times are drawn when
    the drill is set up, from each group's own stream, so no decision changes
    them: the drill runs with nobody deciding until the last group has started."""
    drill = Drill(plan, scenario, seed)
    names = set(named_groups(scenario))
    started: dict[str, float] = {}
    last = max(
        (i.start_min + i.arrival_spread_min for i in scenario.incidents if isinstance(i, GroupVisit)),
        default=0.0,
    )
    drill.advance(min(last, scenario.horizon_min))
    for entry in drill.log.entries:
        if entry.kind == "group_started" and entry.subject in names:
            started.setdefault(entry.subject, entry.t)
    return started


def wall_clock(scenario: Scenario, minutes: float) -> datetime:
    return datetime.fromisoformat(scenario.wall_start) + timedelta(minutes=minutes)
