"""Online heat: a self-exciting (Hawkes) process of posts and shares.

Simulated on the drill's one-minute tick: the number of events in a tick is
Poisson with the current intensity; each event raises the kernel state (which
raises the intensity, so activity begets activity) and adds ``heat_per_event``
to the heat, which itself decays. With an excitation below 1 each burst dies
out on its own; a livestream raises the base rate while it runs, an escalation
on site adds a burst, and a timely, accurate public statement lowers both the
base rate and the excitation (a late one works half as well).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ..spec.scenario import OnlineTopic


@dataclass(eq=False)
class Topic:
    id: str
    spec: OnlineTopic
    heat: float
    base_per_hour: float
    excitation: float
    kernel: float = 0.0  # sum over past events of exp(-decay * age)
    extra_base_per_hour: float = 0.0  # livestreams currently feeding the topic
    peak_heat: float = 0.0
    started: bool = False
    statements: int = 0
    copycats: int = 0
    last_copycat: float | None = None
    reply_at: float | None = None  # the initial reply to the grievance behind the topic
    reply_pending: bool = False

    @classmethod
    def from_spec(cls, spec: OnlineTopic) -> Topic:
        b = spec.behaviour
        return cls(spec.id, spec, spec.initial_heat, b.base_events_per_hour, b.excitation)

    def intensity_per_hour(self) -> float:
        b = self.spec.behaviour
        return self.base_per_hour + self.extra_base_per_hour + self.excitation * b.kernel_decay_per_hour * self.kernel

    def step(self, dt_min: float, rng: np.random.Generator) -> int:
        """Advance ``dt_min`` minutes; return the number of events in the step."""
        b = self.spec.behaviour
        hours = dt_min / 60.0
        events = int(rng.poisson(max(0.0, self.intensity_per_hour()) * hours))
        self.add_events(events)
        self.kernel *= math.exp(-b.kernel_decay_per_hour * hours)
        self.heat *= math.exp(-b.heat_decay_per_hour * hours)
        self.peak_heat = max(self.peak_heat, self.heat)
        return events

    def add_events(self, events: float) -> None:
        self.kernel += events
        self.heat += events * self.spec.behaviour.heat_per_event
        self.peak_heat = max(self.peak_heat, self.heat)

    def apply_statement(self, timely: bool) -> None:
        """A statement cuts the base rate and the excitation; repeats add nothing."""
        b = self.spec.behaviour
        self.statements += 1
        if self.statements > 1:
            return
        strength = 1.0 if timely else 0.5
        self.excitation *= 1.0 - strength * (1.0 - b.statement_excitation_factor)
        self.base_per_hour *= 1.0 - strength * (1.0 - b.statement_base_factor)
