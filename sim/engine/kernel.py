"""The kernel: one SimPy environment, timed callbacks, and the work done once
an event is complete.

Nothing here knows the domain. Components schedule their own callbacks
(``at``, ``after``), mark what an event disturbed (``touch``: re-planned once
the event is complete, in the order first touched) and ask to look at the
state once the event is complete (``soon``). The drill steps the kernel, not
the environment, so the after-event work runs after every single event with
SimPy's public API only (``peek``, ``step``, ``timeout``, ``process``).
"""

from __future__ import annotations

from collections.abc import Callable, Generator
from typing import Any, Protocol

import simpy

INF = float("inf")
EPS_MIN = 1e-9  # times closer than this are the same moment


class Replannable(Protocol):
    def replan(self) -> None: ...


class Kernel:
    def __init__(self) -> None:
        self.env = simpy.Environment()
        self._touched: dict[Replannable, None] = {}  # re-plan once this event is complete (ordered)
        self._due: dict[Callable[[], None], None] = {}  # call once this event is complete (ordered)
        self._disturbers: list[Callable[[], None]] = []
        self._before: list[Callable[[float], None]] = []

    @property
    def now(self) -> float:
        return self.env.now

    # --- scheduling -------------------------------------------------------------------

    def at(self, t: float, callback: Callable[[], None]) -> None:
        """Call ``callback`` at time ``t`` (a component's own timed work)."""
        self.env.timeout(max(0.0, t - self.env.now)).callbacks.append(lambda _e: callback())

    def after(self, delay: float, callback: Callable[[], None]) -> None:
        """Call ``callback`` ``delay`` minutes from now (a decision taking effect,
        someone arriving), then the disturbers (see ``on_disturb``)."""

        def run(_event: simpy.Event) -> None:
            callback()
            self.disturb_all()

        self.env.timeout(max(0.0, delay)).callbacks.append(run)

    def process(self, generator: Generator[simpy.Event, Any, None]) -> simpy.Process:
        return self.env.process(generator)

    def timeout(self, delay: float) -> simpy.Timeout:
        return self.env.timeout(delay)

    def event(self) -> simpy.Event:
        return self.env.event()

    # --- the after-event queue -----------------------------------------------------------

    def touch(self, item: Replannable) -> None:
        """Re-plan ``item`` once the current event is complete."""
        self._touched[item] = None

    def soon(self, callback: Callable[[], None]) -> None:
        """Call ``callback`` once the current event is complete (at most once)."""
        self._due[callback] = None

    def on_disturb(self, callback: Callable[[], None]) -> None:
        """``callback`` touches a component's re-plannable items after every delayed
        callback (``after``): for items re-planned from scratch whenever anything lands."""
        self._disturbers.append(callback)

    def disturb_all(self) -> None:
        for callback in self._disturbers:
            callback()

    def settle(self) -> None:
        """The work after an event: re-plan what it touched, then what asked to look."""
        touched, due = self._touched, self._due
        while touched or due:
            while touched:
                item = next(iter(touched))
                del touched[item]
                item.replan()
            if due:  # one at a time: what it touches is re-planned before the next
                callback = next(iter(due))
                del due[callback]
                callback()

    # --- running -----------------------------------------------------------------------

    def peek(self) -> float:
        return self.env.peek()

    def before_each(self, callback: Callable[[float], None]) -> None:
        """``callback(t)`` before each event, with the event's time: for work due
        before it that needs no event of its own (it must not schedule earlier ones)."""
        self._before.append(callback)

    def step(self) -> None:
        """Process one event, then the work it left."""
        env = self.env
        if self._before:
            t = env.peek()
            for callback in self._before:
                callback(t)
        env.step()
        if self._touched or self._due:
            self.settle()

    def advance(self, until: float) -> None:
        """Every event up to and including ``until``; the clock then reads ``until``."""
        env = self.env
        if until > env.now:
            env.timeout(until - env.now)  # the clock stops here even with nothing to do
        while env.peek() <= until:
            self.step()

    # --- sampling -----------------------------------------------------------------------

    def sample_every(self, every: float, horizon: float, sampler: Callable[[], None]) -> None:
        """Call ``sampler`` every ``every`` minutes up to ``horizon``."""

        def run() -> Generator[simpy.Event, Any, None]:
            while self.env.now + every <= horizon + EPS_MIN:
                yield self.env.timeout(every)
                sampler()

        self.env.process(run())


class Alarm:
    """When a thing's next behaviour event is. One timer is kept at the earliest
    time asked for; a timer that finds it came early re-arms itself, so moving
    the time later needs no cancelled event."""

    __slots__ = ("_fire", "_kernel", "kind", "timer_at", "wake_at")

    def __init__(self, kernel: Kernel, fire: Callable[[str], None]):
        self._kernel = kernel
        self._fire = fire
        self.wake_at = INF
        self.kind = ""
        self.timer_at: float | None = None

    def set(self, at: float, kind: str) -> None:
        self.wake_at = at
        self.kind = kind
        if at < INF and (self.timer_at is None or at < self.timer_at):
            self.timer_at = at
            self._kernel.at(at, lambda: self._rang(at))

    def _rang(self, at: float) -> None:
        if self.timer_at == at:
            self.timer_at = None
        if self._kernel.now < self.wake_at - EPS_MIN:
            if self.timer_at is None and self.wake_at < INF:
                self.set(self.wake_at, self.kind)
            return
        kind = self.kind
        self.wake_at, self.kind = INF, ""
        self._fire(kind)
