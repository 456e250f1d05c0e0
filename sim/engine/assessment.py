"""Assessment (研判): the alert chain and the level declaration.

The first report reaches the duty officer; screening and verification take
sampled times by the named role (a member of that team, once one is free);
the level decision is the trainees' (``DeclareLevel``) and takes the
commander's decision time. The component also keeps what the response as a
whole has declared: the level in force, when each level took effect, and
whether the response has ended.
"""

from __future__ import annotations

from collections.abc import Generator
from typing import TYPE_CHECKING, Any

from ..spec.plan import LEVELS, AlertStep, Plan
from .kernel import Kernel
from .log import EventLog
from .pending import Pending
from .reasons import Name, Why, why
from .streams import Streams

if TYPE_CHECKING:
    import simpy

    from .levels import Levels
    from .roster import Roster


class Assessment:
    def __init__(self, plan: Plan, first_report_min: float, kernel: Kernel, log: EventLog, streams: Streams):
        self.plan = plan
        self.kernel = kernel
        self.env = kernel.env
        self.log = log
        self.streams = streams
        self._first_report_min = first_report_min
        self.first_report_at: float | None = None
        self.step_done: dict[str, float] = {}
        self.step_started: dict[str, float] = {}
        self.level: str | None = None  # the declared level in force
        self.level_pending: tuple[str, float] | None = None  # (level, effective at)
        self.declared_at: dict[str, float] = {}  # first time each level (or higher) took effect
        self.ended_at: float | None = None
        # wired by the world
        self.roster: Roster
        self.levels: Levels

    def start(self) -> None:
        self.kernel.process(self._chain())

    def _chain(self) -> Generator[simpy.Event, Any, None]:
        kernel = self.kernel
        if self._first_report_min > 0:
            yield kernel.timeout(self._first_report_min)
        self.first_report_at = kernel.now
        self.log.add(kernel.now, "first_report", "")
        self.levels.check()
        for step in self.plan.alert_chain:
            if step.step == "decide":
                self.step_started["decide"] = kernel.now
                return  # the level decision is taken by people (DeclareLevel)
            self.step_started[step.step] = kernel.now
            member = None
            team = self.roster.teams.get(step.by)
            if team is not None:
                # a member of the team takes the step: one idle now, else the next one freed
                member = self.roster.take_idle(team, f"alert:{step.step}")
                if member is None:
                    member = yield self.roster.wait_idle(team, f"alert:{step.step}")
            duration = step.duration_min.sample(self.streams(f"alert:{step.step}"))
            yield kernel.timeout(duration)
            if member is not None:
                self.roster.release(member)
            self.step_done[step.step] = kernel.now
            self.log.add(kernel.now, "alert_step", step.step, by=step.by)

    def decide_step(self) -> AlertStep:
        for step in self.plan.alert_chain:
            if step.step == "decide":
                return step
        raise LookupError("the plan's alert chain has no decide step")  # the schema requires one

    def decision_ready(self) -> Why | None:
        """Why a level cannot be declared yet, or None."""
        if self.first_report_at is None:
            return why("no report has reached the duty officer yet", "值班员尚未收到首报")
        for step in self.plan.alert_chain:
            if step.step != "decide" and step.step not in self.step_done:
                return why(
                    f"the alert chain's {step.step} step is not finished",
                    "研判流程的“{label}”一步尚未完成",
                    label=Name(step.label.zh, step.label.en),
                )
        return None

    def declare(self, level: str, delay: float, pending: Pending) -> None:
        """Level ``level`` takes effect ``delay`` minutes from now."""
        kernel = self.kernel
        self.level_pending = (level, kernel.now + delay)

        def effective() -> None:
            pending.done()
            if self.level_pending and self.level_pending[0] == level:
                self.level_pending = None
            previous = self.level
            self.level = level
            rank = LEVELS.index(level)
            now = kernel.now
            for name in LEVELS[: rank + 1]:
                self.declared_at.setdefault(name, now)
            if "decide" not in self.step_done:
                self.step_done["decide"] = now
                self.log.add(now, "alert_step", "decide", by="commander")
            self.log.add(now, "level_declared", level, previous=previous)

        kernel.after(delay, effective)

    def end(self) -> None:
        self.ended_at = self.env.now
        self.log.add(self.env.now, "response_ended", self.level or "")
