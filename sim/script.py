"""The one script player: a timed list of decisions and facilitator actions
applied to a drill, with what to do about a refusal passed in.

Replay, resume, counterfactuals and the report all play journals through it:

    script = script_of(journal)                                  # sim.replay
    played = script.play(drill, refusal=Refusal.RAISE)          # replay: must match
    played = script.play(drill, refusal=Refusal.RECORD)         # a counterfactual arm
    script.facilitation().play(drill, policy=make("plan"))      # the plan arm, same injects

An item at a time before the drill's clock is applied at once (the drill
cannot go back); an item after the horizon cannot be applied and is refused.
With a ``policy`` the policy decides in between, up to each item's time.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from .engine import decisions as D
from .engine import facilitator as F
from .engine.drill import Drill, Outcome
from .engine.policies import Policy, play

Action = D.Decision | F.FacilitatorAction


class Refusal(StrEnum):
    RAISE = "raise"  # a refusal means the script does not fit this drill: stop
    RECORD = "record"  # note it and go on (a counterfactual: the situation did not allow it)
    IGNORE = "ignore"  # go on


class ScriptRefused(Exception):
    def __init__(self, index: int, t: float, kind: str, reason: str):
        super().__init__(f"the {kind} at {t:g} min is refused ({reason})")
        self.index, self.t, self.kind, self.reason = index, t, kind, reason


@dataclass(frozen=True)
class Timed:
    t: float
    action: Action
    seat: str | None = None

    @property
    def decision(self) -> Action:
        """The action (the name counterfactual reports have always read)."""
        return self.action

    @property
    def facilitator(self) -> bool:
        return isinstance(self.action, F.FacilitatorAction)


@dataclass(frozen=True)
class Refused:
    index: int
    t: float
    kind: str
    reason: str


@dataclass
class Played:
    drill: Drill
    refused: list[Refused] = field(default_factory=list)


def action_from_dict(data: dict[str, Any]) -> Action:
    """A decision or a facilitator action from its ``to_dict()`` form (an inject
    journaled as a decision before it was an action included); raises ValueError."""
    if str(data.get("kind")) in (*F.BY_KIND, F.LEGACY_INJECT_KIND):
        return F.from_dict(data)
    return D.from_dict(data)


class Script:
    def __init__(self, items: Iterable[Timed]):
        self.items: tuple[Timed, ...] = tuple(items)

    @classmethod
    def from_records(cls, records: Iterable[tuple[float, dict[str, Any]]]) -> Script:
        """From ``(t, to_dict())`` pairs (a journal's records); raises ValueError on a bad one."""
        return cls(Timed(float(t), action_from_dict(dict(data))) for t, data in records)

    def __len__(self) -> int:
        return len(self.items)

    def decisions(self) -> Script:
        return Script(i for i in self.items if not i.facilitator)

    def facilitation(self) -> Script:
        """The facilitator's actions alone: replayed in every arm of a comparison."""
        return Script(i for i in self.items if i.facilitator)

    def without(self, index: int) -> Script:
        return Script(i for n, i in enumerate(self.items) if n != index)

    def moved(self, index: int, t: float) -> Script:
        """Item ``index`` moved to time ``t`` (after those already at ``t``)."""
        item = self.items[index]
        rest = [i for n, i in enumerate(self.items) if n != index]
        earlier = [i for i in rest if i.t <= t]
        return Script([*earlier, Timed(t, item.action, item.seat), *[i for i in rest if i.t > t]])

    def play(
        self,
        drill: Drill,
        refusal: Refusal = Refusal.RAISE,
        policy: Policy | None = None,
        until: float | None = None,
        on_decision: Callable[[float, D.Decision], None] | None = None,
    ) -> Played:
        """Apply the items at their times (and let ``policy`` decide in between),
        then run on to ``until`` (default: the horizon)."""
        end = drill.horizon if until is None else min(until, drill.horizon)
        played = Played(drill)
        for index, item in enumerate(self.items):
            if item.t > end:
                if item.t > drill.horizon:
                    self._refuse(played, refusal, index, item, "after the end of the drill")
                continue
            if policy is not None:
                play(drill, policy, until=item.t, on_decision=on_decision)
            drill.advance(max(item.t, drill.now))
            outcome = _apply(drill, item)
            if not outcome.accepted:
                self._refuse(played, refusal, index, item, outcome.reason or "")
        if policy is not None:
            play(drill, policy, until=end, on_decision=on_decision)
        drill.advance(end)
        return played

    @staticmethod
    def _refuse(played: Played, refusal: Refusal, index: int, item: Timed, reason: str) -> None:
        if refusal is Refusal.RAISE:
            raise ScriptRefused(index, item.t, item.action.kind, reason)
        if refusal is Refusal.RECORD:
            played.refused.append(Refused(index, item.t, item.action.kind, reason))


def _apply(drill: Drill, item: Timed) -> Outcome:
    if isinstance(item.action, F.FacilitatorAction):
        return drill.facilitate(item.action)
    return drill.decide(item.action, seat=item.seat)


def timed(items: Sequence[tuple[float, Action]]) -> Script:
    return Script(Timed(t, a) for t, a in items)
