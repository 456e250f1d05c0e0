"""Trends read from the event log: each incident's mood and head count, and
each topic's heat, at the log's regular samples; the staff on duty; and the
decisions taken.

The log is the one record, so views that show how things went (sparklines,
the debrief's list of decisions) read it rather than keeping their own
history. ``Trends`` reads only the entries it has not seen yet, so a view can
call ``update`` at every refresh.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..spec.plan import Plan
from .log import Entry

MOOD_KEYS = ("agitation", "distress", "heat")


@dataclass
class Trends:
    mood: dict[str, list[float]] = field(default_factory=dict)  # agitation, distress or heat
    heads: dict[str, list[int]] = field(default_factory=dict)
    read: int = 0  # entries of the log read so far

    def update(self, entries: Sequence[Entry]) -> None:
        for e in entries[self.read :]:
            if e.kind != "sample":
                continue
            data = e.data
            for key in MOOD_KEYS:
                if key in data:
                    self.mood.setdefault(e.subject, []).append(float(data[key]))
                    break
            if "on_site" in data:
                self.heads.setdefault(e.subject, []).append(int(data["on_site"]))
        self.read = len(entries)


def decisions_taken(entries: Iterable[Entry]) -> list[tuple[float, dict[str, Any]]]:
    """(t, the decision as ``to_dict()`` gives it) for every decision in the log,
    in order (the seat that took it, if recorded, is left out)."""
    return [
        (e.t, {"kind": e.subject, **{k: v for k, v in e.data.items() if k != "seat"}})
        for e in entries
        if e.kind == "decision"
    ]


def staff_on_duty(
    plan: Plan, entries: Sequence[Entry], horizon: float, every_min: float = 1.0
) -> list[tuple[float, dict[str, int]]]:
    """Members of each team on duty and not travelling, every ``every_min`` minutes
    from 0 to the horizon, read from the member movements in the log: those on duty
    at the start, plus each arrival (``team_arrived``), less each departure for
    another place (``member_sent``)."""
    count = {tid: team.on_duty_people for tid, team in plan.teams.items()}
    out: list[tuple[float, dict[str, int]]] = []
    i, n = 0, len(entries)
    minute = 0.0
    while minute <= horizon + 1e-9:
        while i < n and entries[i].t <= minute + 1e-9:
            e = entries[i]
            if e.kind == "team_arrived" and e.subject in count:
                count[e.subject] += 1
            elif e.kind == "member_sent" and e.subject in count:
                count[e.subject] -= 1
            i += 1
        out.append((minute, dict(count)))
        minute += every_min
    return out
