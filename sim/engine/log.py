"""The event log: the single record of a drill.

Every model event and every decision is one entry ``(t, kind, subject, data)``.
Scorecards, reports, plots and sweep outcomes are computed from it. Written as
JSON Lines with sorted keys and rounded times, so the same seed and the same
decisions give a byte-identical file.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, TextIO

# Kinds a person reading the feed cares about (the UI shows these); the rest
# (single arrivals, services) are counted, not narrated.
NARRATED = frozenset(
    {
        "first_report",
        "alert_step",
        "level_required",
        "level_declared",
        "decision",
        "inject",
        "official_arrived",
        "team_arrived",
        "venue_opened",
        "group_moved",
        "representatives_chosen",
        "dialogue_started",
        "reply_issued",
        "package_drafted",
        "package_signed",
        "statement_published",
        "cordon_set",
        "medical_standby",
        "legal_aid_started",
        "family_contacted",
        "support_arrived",
        "escalation",
        "escalation_ended",
        "injury",
        "self_harm",
        "individual_resolved",
        "livestream_started",
        "copycat_gathering",
        "milestone_met",
        "milestone_missed",
        "response_ended",
        "group_dispersed",
        "group_started",
        "individual_started",
        "topic_started",
        "joined",
        "representatives_waiting",
        # a fire or explosion at the site (site_emergency.py)
        "emergency_started",
        "venue_closed",
        "emergency_reported",
        "fire_brigade_arrived",
        "evacuation_complete",
        "casualty_to_hospital",
    }
)


@dataclass(frozen=True, slots=True)
class Entry:
    t: float
    kind: str
    subject: str
    data: dict[str, Any]

    def to_json(self) -> str:
        return json.dumps(
            {"t": round(self.t, 4), "kind": self.kind, "subject": self.subject, "data": self.data},
            ensure_ascii=False,
            sort_keys=True,
            separators=(",", ":"),
        )


class EventLog:
    def __init__(self) -> None:
        self.entries: list[Entry] = []
        self.narrated = 0  # how many entries are of a narrated kind (cheap change detection)
        self._listeners: list[Callable[[Entry], None]] = []

    def __len__(self) -> int:
        return len(self.entries)

    def __iter__(self) -> Iterator[Entry]:
        return iter(self.entries)

    def listen(self, callback: Callable[[Entry], None]) -> None:
        self._listeners.append(callback)

    def add(self, t: float, kind: str, subject: str = "", **data: Any) -> Entry:
        for k, v in data.items():
            if isinstance(v, float):
                data[k] = round(v, 4)
        entry = Entry(float(t), kind, subject, data)
        self.entries.append(entry)
        if kind in NARRATED:
            self.narrated += 1
        for callback in self._listeners:
            callback(entry)
        return entry

    def jsonl(self) -> str:
        return "".join(e.to_json() + "\n" for e in self.entries)

    def write(self, stream: TextIO) -> None:
        for entry in self.entries:
            stream.write(entry.to_json())
            stream.write("\n")
