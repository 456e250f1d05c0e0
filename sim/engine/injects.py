"""Injects (MSEL): the scenario's scheduled injects and the facilitator's.

The Master Scenario Events List is played in time order by one process; the
facilitator can play a scheduled inject now, hold it, release it (played at
once if its time has passed) or skip it, and can add an inject of their own.
An inject is a message for the trainees and, optionally, a model effect on an
incident: people join, agitation changes, a heat spike, a livestream starts.
"""

from __future__ import annotations

from collections.abc import Generator
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from ..spec.scenario import (
    EFFECT_TARGETS,
    AgitationEffect,
    Effect,
    HeatSpikeEffect,
    Inject,
    JoinEffect,
    LivestreamEffect,
    Scenario,
)
from .kernel import Kernel
from .log import EventLog

if TYPE_CHECKING:
    import simpy

    from .group_visit import GroupVisits
    from .individual import Individuals
    from .online import Online

JOIN_SPREAD_MIN = 10.0  # people an inject brings come over this many minutes


class InjectStatus(StrEnum):
    DUE = "due"
    PLAYED = "played"
    HELD = "held"
    SKIPPED = "skipped"


@dataclass(eq=False)
class ScheduledInject:
    n: int  # 1-based, in the scenario file's order
    spec: Inject
    status: InjectStatus = InjectStatus.DUE
    played_at: float | None = None


class Injects:
    def __init__(self, scenario: Scenario, kernel: Kernel, log: EventLog):
        self.kernel = kernel
        self.env = kernel.env
        self.log = log
        self.msel = [ScheduledInject(n + 1, inject) for n, inject in enumerate(scenario.injects)]
        self.facilitator_count = 0
        # wired by the world
        self.groups: GroupVisits
        self.individuals: Individuals
        self.online: Online

    def start(self) -> None:
        self.kernel.process(self._msel())

    def _msel(self) -> Generator[simpy.Event, Any, None]:
        kernel = self.kernel
        for item in sorted(self.msel, key=lambda i: (i.spec.at_min, i.n)):
            wait = item.spec.at_min - kernel.now
            if wait > 0:
                yield kernel.timeout(wait)
            if item.status is InjectStatus.DUE:
                self._play(item)

    def _play(self, item: ScheduledInject) -> None:
        now = self.env.now
        item.status = InjectStatus.PLAYED
        item.played_at = now
        self.log.add(now, "inject", f"msel:{item.n}", zh=item.spec.text.zh, en=item.spec.text.en)
        if item.spec.effect is not None:
            self.apply(item.spec.effect, f"inject:{item.n - 1}")

    # --- the facilitator's controls ----------------------------------------------------------

    def item(self, n: int) -> ScheduledInject | None:
        return self.msel[n - 1] if 1 <= n <= len(self.msel) else None

    def play_now(self, item: ScheduledInject) -> None:
        self._play(item)

    def hold(self, item: ScheduledInject) -> None:
        item.status = InjectStatus.HELD

    def release(self, item: ScheduledInject) -> None:
        """A held inject goes back on the list; played at once if its time has passed."""
        item.status = InjectStatus.DUE
        if item.spec.at_min <= self.env.now:
            self._play(item)

    def skip(self, item: ScheduledInject) -> None:
        item.status = InjectStatus.SKIPPED

    def ad_hoc(self, zh: str, en: str, effect: Effect | None) -> int:
        """The facilitator's own inject; returns its number."""
        self.facilitator_count += 1
        n = self.facilitator_count
        self.log.add(self.env.now, "inject", f"facilitator:{n}", zh=zh or en, en=en or zh)
        if effect is not None:
            self.apply(effect, f"facilitator:{n}")
        return n

    # --- effects -------------------------------------------------------------------------------

    def target_kind(self, incident: str) -> str | None:
        if incident in self.groups.crowds:
            return "group_visit"
        if incident in self.individuals.all:
            return "extreme_individual"
        if incident in self.online.topics:
            return "online_topic"
        return None

    def apply(self, effect: Effect, stream: str) -> None:
        """Apply an inject's model effect (checked against EFFECT_TARGETS before: by the
        loader for a scenario's injects, by the facilitator action's validation for the rest)."""
        kind = self.target_kind(effect.incident)
        assert kind is not None and kind in EFFECT_TARGETS[effect.kind], effect
        now = self.env.now
        match effect:
            case JoinEffect(incident=incident, people=people):
                self.groups.join(self.groups.crowds[incident], people, JOIN_SPREAD_MIN, stream)
                self.log.add(now, "joined", incident, people=people)
            case AgitationEffect(incident=incident, change=change):
                self.groups.shift(self.groups.crowds[incident], change)
                self.log.add(now, "agitation_changed", incident, change=change)
                if change > 0:
                    self.groups.levels.check()  # the jump may have passed a trigger's mark no crossing announces
            case HeatSpikeEffect(incident=incident, events=events):
                self.online.spike(self.online.topics[incident], events)
            case LivestreamEffect(incident=incident):
                self.online.start_livestream(incident)
