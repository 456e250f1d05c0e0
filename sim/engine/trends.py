"""Trends read from the event log: each incident's mood and head count, and
each topic's heat, at the log's regular samples; and the decisions taken.

The log is the one record, so views that show how things went (sparklines,
the debrief's list of decisions) read it rather than keeping their own
history. ``Trends`` reads only the entries it has not seen yet, so a view can
call ``update`` at every refresh.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

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
