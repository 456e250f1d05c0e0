"""A petition surge (集中信访): many small groups over a day at one reception
(sim/spec/surge.py). The groups' start times are drawn once, when the drill is
built, from the surge's own stream (a Poisson process over its window), so no
decision can change who comes and when; each group is then an ordinary group
visit of the group-visit component, with an id ``<surge id>-<n>`` and its own
people stream.
"""

from __future__ import annotations

from ..spec.scenario import GroupVisit
from ..spec.surge import PetitionSurge
from .group_visit import GroupVisits
from .streams import Streams


def start_times(spec: PetitionSurge, streams: Streams) -> list[float]:
    """Arrival times of the groups: exponential gaps at the surge's rate, within its
    window, at most ``max_groups``."""
    rng = streams(f"surge:{spec.id}")
    rate_per_min = spec.rate.groups_per_hour / 60.0
    end = spec.start_min + spec.rate.window_min
    out: list[float] = []
    t = spec.start_min
    while len(out) < spec.rate.max_groups:
        t += float(rng.exponential(1.0 / rate_per_min))
        if t > end:
            break
        out.append(t)
    return out


def group_spec(spec: PetitionSurge, n: int, start: float) -> GroupVisit:
    return GroupVisit(
        kind="group_visit",
        id=f"{spec.id}-{n}",
        label={"zh": f"{spec.label.zh}（第{n}批）", "en": f"{spec.label.en}, group {n}"},  # type: ignore[arg-type]
        location=spec.location,
        start_min=start,
        size_people=spec.group_size_people,
        arrival_spread_min=spec.arrival_spread_min,
        grievance=spec.grievance,
        behaviour=spec.behaviour,
        source=spec.source,
    )


def add_surge(spec: PetitionSurge, groups: GroupVisits, streams: Streams) -> list[str]:
    """Create and start the surge's groups; returns their ids in arrival order."""
    ids: list[str] = []
    for n, start in enumerate(start_times(spec, streams), start=1):
        one = group_spec(spec, n, start)
        crowd = groups.add(one.id, one, one.behaviour, start)
        groups.start(crowd)
        ids.append(one.id)
    return ids
