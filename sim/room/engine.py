"""The one place that knows the engine's Drill API.

The room and the UI use a drill through ``DrillPort``: ``decide(decision,
seat)``, ``facilitate(action)``, ``snapshot()``, the log's entries, the MSEL.
Today's Drill takes facilitator injects as decisions and has no MSEL control;
engine-v2 (issue 10, see /work/notes/CONTRACTS.md) adds ``decide(..., seat=)``
and ``facilitate(action)``: switching is a change in this module only.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

from ..engine import decisions as D
from ..engine.decisions import Decision, Estimate
from ..engine.drill import Drill, Outcome
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
    "wall_clock",
    "why",
]


@dataclass(frozen=True)
class AdHocInject:
    """A message from the facilitator, optionally with a model effect."""

    zh: str
    en: str
    effect: dict[str, Any] | None = None
    kind: Literal["inject"] = "inject"

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"kind": self.kind, "zh": self.zh, "en": self.en}
        if self.effect is not None:
            out["effect"] = dict(self.effect)
        return out


MselDo = Literal["play", "hold", "release", "skip"]


@dataclass(frozen=True)
class MselAction:
    """Play a scheduled inject now, hold it, release a held one, or skip it."""

    inject: int  # 1-based, as in the log's ``msel:N`` subjects
    do: MselDo
    kind: Literal["msel"] = "msel"

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "inject": self.inject, "do": self.do}


FacilitatorAction = AdHocInject | MselAction


def action_from_dict(data: dict[str, Any]) -> FacilitatorAction:
    """Rebuild a facilitator action from ``to_dict()`` output; raises ValueError."""
    kind = data.get("kind")
    if kind == "inject":
        effect = data.get("effect")
        if effect is not None and not isinstance(effect, dict):
            raise ValueError("effect must be a mapping")
        return AdHocInject(str(data.get("zh", "")), str(data.get("en", "")), effect)
    if kind == "msel":
        do = data.get("do")
        if do not in ("play", "hold", "release", "skip"):
            raise ValueError(f"unknown MSEL action {do!r}")
        return MselAction(int(data["inject"]), do)
    raise ValueError(f"unknown facilitator action {kind!r}")


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
        self._seats: dict[int, str] = {}  # log index of a decision entry -> the seat that took it

    @classmethod
    def new(cls, plan: Plan, scenario: Scenario, seed: int) -> DrillPort:
        return cls(Drill(plan, scenario, seed, history=True), seed)

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
        index = len(self._drill.log.entries)
        outcome = self._drill.decide(decision)
        if outcome.accepted and seat is not None:
            self._seats[index] = seat
        return outcome

    def facilitate(self, action: FacilitatorAction) -> Outcome:
        if isinstance(action, AdHocInject):
            effect = action.effect
            inject = D.FacilitatorInject.make(action.zh or action.en, action.en or action.zh, effect)
            return self._drill.decide(inject)
        return Outcome(
            False,
            why(
                "holding, playing or skipping a scheduled inject needs the next engine (issue 10)",
                "暂停、立即播放或跳过预定情况通报需要新版引擎（第10号议题）",
            ),
        )

    def seat_of(self, index: int) -> str | None:
        """The seat that took the decision at log index ``index`` (None: unknown)."""
        return self._seats.get(index)

    def team_decisions(self) -> list[tuple[float, Decision, str | None]]:
        """The team's decisions (facilitator injects are not the team's), from the log."""
        out: list[tuple[float, Decision, str | None]] = []
        for n, e in enumerate(self._drill.log.entries):
            if e.kind != "decision" or e.subject == D.FacilitatorInject.kind:
                continue
            out.append((e.t, D.from_dict({"kind": e.subject, **e.data}), self._seats.get(n)))
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
        played = {
            e.subject for e in self._drill.log.entries if e.kind == "inject" and e.subject.startswith("msel:")
        }
        out = []
        for n, inject in sorted(enumerate(self.scenario.injects, 1), key=lambda x: (x[1].at_min, x[0])):
            status: Literal["due", "played"] = "played" if f"msel:{n}" in played else "due"
            out.append(
                MselItem(
                    n, inject.at_min, Label(inject.text.zh, inject.text.en), status, inject.effect is not None
                )
            )
        return out

    def write_log(self, stream: Any) -> None:
        self._drill.write_log(stream)


def plan_policy_drill(port: DrillPort) -> Drill:
    """The same scenario and seed played by the plan-following policy, given the
    facilitator's injects at the same times (a fair comparison: the same people
    join, the same heat spikes)."""
    from ..engine.policies import make, play

    drill = Drill(port.plan, port.scenario, port.seed)
    policy = make("plan")
    injects = [
        (e.t, D.FacilitatorInject.make(str(e.data.get("zh", "")), str(e.data.get("en", "")), None))
        for e in port.entries
        if e.kind == "decision" and e.subject == D.FacilitatorInject.kind
    ]
    effects = [
        D.from_dict({"kind": e.subject, **e.data})
        for e in port.entries
        if e.kind == "decision" and e.subject == D.FacilitatorInject.kind
    ]
    for (t, _), inject in zip(injects, effects, strict=True):
        play(drill, policy, until=t)
        drill.advance(t)
        drill.decide(inject)
    play(drill, policy)
    return drill
