"""The one place that knows the engine's Drill API.

The room and the UI use a drill through ``DrillPort``: ``decide(decision,
seat)``, ``facilitate(action)``, ``snapshot()``, the log's entries, the MSEL.
With engine v2 these are the Drill's own: the seat is written into the log's
decision entry, the facilitator's actions (``AdHocInject``, ``MselAction``)
are the engine's and logged as ``facilitator`` entries, the MSEL's state is in
the snapshot.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

from ..engine import decisions as D
from ..engine.decisions import Decision, Estimate
from ..engine.drill import Drill, Outcome
from ..engine.facilitator import AdHocInject, FacilitatorAction, MselAction
from ..engine.facilitator import from_dict as action_from_dict
from ..engine.log import NARRATED, Entry
from ..engine.reasons import Name, Why, why
from ..engine.snapshot import Label, MilestoneView, Snapshot, wall_clock
from ..spec.plan import Plan
from ..spec.scenario import Scenario

__all__ = [
    "NARRATED",
    "AdHocInject",
    "D",
    "Decision",
    "Drill",
    "DrillPort",
    "Entry",
    "Estimate",
    "FacilitatorAction",
    "Label",
    "MilestoneView",
    "MselAction",
    "MselItem",
    "Name",
    "Outcome",
    "Snapshot",
    "Why",
    "action_from_dict",
    "wall_clock",
    "why",
]


@dataclass(frozen=True)
class MselItem:
    """One scheduled inject of the scenario: when, what, and where it stands."""

    n: int
    at_min: float
    text: Label
    status: Literal["due", "played", "held", "skipped"]
    effect: bool


class DrillPort:
    """A Drill as the room and the UI see it."""

    def __init__(self, drill: Drill, seed: int = 0) -> None:
        self._drill = drill
        self.seed = seed

    @classmethod
    def new(cls, plan: Plan, scenario: Scenario, seed: int) -> DrillPort:
        return cls(Drill(plan, scenario, seed), seed)

    # --- what it is -----------------------------------------------------------------
    @property
    def plan(self) -> Plan:
        return self._drill.plan

    @property
    def scenario(self) -> Scenario:
        return self._drill.scenario

    @property
    def now(self) -> float:
        return self._drill.now

    @property
    def horizon(self) -> float:
        return self._drill.horizon

    @property
    def finished(self) -> bool:
        return self._drill.finished

    @property
    def entries(self) -> Sequence[Entry]:
        return self._drill.log.entries

    def wall(self, t: float) -> str:
        return wall_clock(self.scenario.wall_start, t)

    # --- time -------------------------------------------------------------------------
    def advance(self, until: float) -> None:
        self._drill.advance(until)

    def advance_to_news(self, until: float) -> None:
        self._drill.advance_to_news(until)

    # --- decisions ----------------------------------------------------------------------
    def check(self, decision: Decision) -> str | None:
        return self._drill.check(decision)

    def estimate(self, decision: Decision) -> Estimate:
        return self._drill.estimate(decision)

    def decide(self, decision: Decision, seat: str | None = None) -> Outcome:
        return self._drill.decide(decision, seat=seat)

    def facilitate(self, action: FacilitatorAction) -> Outcome:
        return self._drill.facilitate(action)

    def seat_of(self, index: int) -> str | None:
        """The seat that took the decision at log index ``index`` (None: unknown)."""
        seat = self._drill.log.entries[index].data.get("seat")
        return None if seat is None else str(seat)

    def team_decisions(self) -> list[tuple[float, Decision, str | None]]:
        """The team's decisions (facilitator actions are not the team's), from the log."""
        out: list[tuple[float, Decision, str | None]] = []
        for e in self._drill.log.entries:
            if e.kind != "decision":
                continue
            data = {k: v for k, v in e.data.items() if k != "seat"}
            seat = e.data.get("seat")
            out.append((e.t, D.from_dict({"kind": e.subject, **data}), None if seat is None else str(seat)))
        return out

    def facilitator_injects(self) -> list[tuple[float, str, str]]:
        """(t, zh, en) of the facilitator's ad-hoc injects."""
        return [
            (e.t, str(e.data.get("zh", "")), str(e.data.get("en", "")))
            for e in self._drill.log.entries
            if e.kind == "inject" and e.subject.startswith("facilitator:")
        ]

    # --- views ----------------------------------------------------------------------------
    def snapshot(self) -> Snapshot:
        return self._drill.snapshot()

    def scorecard(self) -> Any:
        return self._drill.scorecard()

    def msel(self) -> list[MselItem]:
        """The scenario's scheduled injects in time order, each with its status."""
        items = sorted(self._drill.snapshot().msel, key=lambda i: (i.at, i.n))
        return [MselItem(i.n, i.at, i.text, i.status.value, i.effect is not None) for i in items]

    def write_log(self, stream: Any) -> None:
        self._drill.write_log(stream)


def plan_policy_drill(port: DrillPort) -> Drill:
    """The same scenario and seed played by the plan-following policy, given the
    facilitator's actions at the same times (a fair comparison: the same people
    join, the same heat spikes, the same injects held or skipped)."""
    from ..engine.policies import make
    from ..script import Refusal, Script, Timed  # the one script player (services may import the engine)

    actions = Script(
        Timed(e.t, action_from_dict({"kind": e.subject, **e.data}))
        for e in port.entries
        if e.kind == "facilitator"
    )
    return actions.play(Drill(port.plan, port.scenario, port.seed), Refusal.IGNORE, policy=make("plan")).drill
