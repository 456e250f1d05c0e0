"""The scorecard of a drill, computed from its event log alone.

Each milestone is met at minute m, missed against its deadline, undecided
(applied, not done, its deadline after the drill ended: censored at the
drill's end, never met, never dropped), not applicable (its level never
arose, or no incident it is about), beyond the model (a limit in days), or
untimed (the plan gives no time: done at minute m or not done, never scored).
A live drill also shows pending (applies, not yet due) and not yet. Whether a
milestone is the team's to influence (``controllable``) is carried from the
plan. Outcome figures (peak
crowd, peak heat, escalations, injuries, people who left unanswered, claims
registered) are counted from the same log.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from ..spec.plan import Plan
from .log import Entry
from .milestones import (
    BEYOND,
    MET,
    MISSED,
    NOT_APPLICABLE,
    NOT_YET,
    PENDING,
    UNDECIDED,
    UNTIMED,
    MilestoneStatus,
)


@dataclass(frozen=True)
class MilestoneResult:
    id: str
    label_zh: str
    label_en: str
    level: str | None
    status: MilestoneStatus
    clock_start: float | None
    deadline: float | None
    met_at: float | None
    after_min: float | None  # minutes from the clock's start to being met
    deadline_min: float  # infinite for an untimed milestone
    source: str | None
    assumed: bool
    controllable: bool = True  # False: the system's step, never the team's nor advice
    censored_after_min: float | None = None  # undecided: minutes from the clock's start to the drill's end

    def label(self, lang: str) -> str:
        return self.label_zh if lang == "zh" else self.label_en


@dataclass(frozen=True)
class Scorecard:
    milestones: tuple[MilestoneResult, ...]
    outcomes: dict[str, Any]

    def counts(self) -> dict[str, int]:
        out: dict[str, int] = {MET: 0, MISSED: 0, UNDECIDED: 0, NOT_APPLICABLE: 0, BEYOND: 0, UNTIMED: 0}
        for m in self.milestones:
            out[m.status] = out.get(m.status, 0) + 1
        return out

    def by_id(self) -> dict[str, MilestoneResult]:
        return {m.id: m for m in self.milestones}


def outcomes_from(entries: Iterable[Entry]) -> dict[str, Any]:
    on_site: dict[str, int] = {}
    peak_crowd = 0
    peak_heat = 0.0
    counts = {
        "people_arrived": 0,
        "claims_registered": 0,
        "escalations": 0,
        "injuries": 0,
        "left_unanswered": 0,
        "left_answered": 0,
        "left_helped": 0,
        "self_harm_acts": 0,
        "resolved_safely": 0,
        "copycat_gatherings": 0,
        "statements": 0,
        "decisions": 0,
    }
    level = None
    first_level_at = None
    last_t = 0.0
    for e in entries:
        last_t = e.t
        kind = e.kind
        if kind == "arrive":
            counts["people_arrived"] += 1
            on_site[e.subject] = e.data["on_site"]
            peak_crowd = max(peak_crowd, sum(on_site.values()))
        elif kind == "left":
            on_site[e.subject] = e.data["on_site"]
            reason = e.data["reason"]
            if reason in ("unanswered", "answered", "helped"):
                counts[f"left_{reason}"] += e.data["n"]
        elif kind == "registered":
            counts["claims_registered"] += 1
        elif kind == "escalation":
            counts["escalations"] += 1
        elif kind == "injury":
            counts["injuries"] += 1
        elif kind == "self_harm":
            counts["self_harm_acts"] += 1
        elif kind == "individual_resolved":
            counts["resolved_safely"] += 1
        elif kind == "copycat_gathering":
            counts["copycat_gatherings"] += 1
        elif kind == "statement_published":
            counts["statements"] += 1
        elif kind == "decision":
            counts["decisions"] += 1
        elif kind == "level_declared":
            level = e.subject
            if first_level_at is None:
                first_level_at = e.t
        if "heat" in e.data and kind in ("sample", "heat_burst", "topic_started", "copycat_gathering"):
            peak_heat = max(peak_heat, float(e.data["heat"]))
    return {
        "peak_crowd": peak_crowd,
        "peak_heat": peak_heat,
        "final_on_site": sum(on_site.values()),
        "level": level,
        "first_level_at": first_level_at,
        "ended_at_min": last_t,
        **counts,
    }


def scorecard_from(plan: Plan, entries: list[Entry], finished: bool) -> Scorecard:
    applies: dict[str, Entry] = {}
    met: dict[str, Entry] = {}
    missed: dict[str, Entry] = {}
    late: dict[str, Entry] = {}
    undecided: dict[str, Entry] = {}
    done: dict[str, Entry] = {}
    ended: float | None = None
    for e in entries:
        if e.kind == "milestone_applies":
            applies[e.subject] = e
        elif e.kind == "milestone_met":
            met[e.subject] = e
        elif e.kind == "milestone_missed":
            missed[e.subject] = e
        elif e.kind == "milestone_late":
            late[e.subject] = e
        elif e.kind == "milestone_undecided":
            undecided[e.subject] = e
            ended = e.t
        elif e.kind == "milestone_done":
            done[e.subject] = e
    results = []
    for level, m in plan.all_milestones():
        a = applies.get(m.id)
        met_at = after = censored = None
        if m.measure.kind == "beyond_model":
            status = BEYOND
        elif a is None:
            status = NOT_APPLICABLE if finished else NOT_YET
        elif m.untimed:
            status = UNTIMED if finished or m.id in done else PENDING
            if m.id in done:
                met_at = done[m.id].data["at"]
                after = done[m.id].data["after_min"]
        elif m.id in met:
            status = MET
            met_at = met[m.id].data["at"]
            after = met[m.id].data["after_min"]
        elif m.id in missed:
            status = MISSED
            late_at = missed[m.id] if "at" in missed[m.id].data else late.get(m.id)
            if late_at is not None:  # met, but after the deadline
                met_at = late_at.data["at"]
                after = late_at.data["after_min"]
        elif m.id in undecided or finished:
            status = UNDECIDED
            end = (
                undecided[m.id].t if m.id in undecided else (ended if ended is not None else _last_t(entries))
            )
            censored = end - a.data["clock_start"]
        else:
            status = PENDING
        results.append(
            MilestoneResult(
                id=m.id,
                label_zh=m.label.zh,
                label_en=m.label.en,
                level=level,
                status=status,
                clock_start=a.data["clock_start"] if a else None,
                deadline=a.data["deadline"] if a else None,
                met_at=met_at,
                after_min=after,
                deadline_min=m.deadline_min,
                source=m.source,
                assumed=m.assumed,
                controllable=m.controllable,
                censored_after_min=censored,
            )
        )
    return Scorecard(tuple(results), outcomes_from(entries))


def _last_t(entries: list[Entry]) -> float:
    return entries[-1].t if entries else 0.0
