"""The Drill API: the one object through which everything plays a drill.

    drill = Drill(plan, scenario, seed=7)
    drill.advance(30)                  # runs every event up to and including t = 30
    result = drill.decide(Summon("leader"))
    if not result.accepted: print(result.reason)
    view = drill.snapshot()            # plain read-only data
    drill.advance(drill.horizon)
    card = drill.scorecard()           # computed from drill.log

Time is minutes from the scenario's start. ``advance(until)`` processes the
events at exactly ``until`` too (SimPy's own ``run(until=t)`` stops before
them), so a decision taken after ``advance(t)`` sees the state at t complete.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TextIO

import numpy as np

from ..spec.pairing import check_pairing
from ..spec.plan import Plan
from ..spec.scenario import Scenario
from .decisions import Decision, Estimate
from .log import EventLog
from .milestones import Tracker
from .scorecard import Scorecard, scorecard_from
from .snapshot import Snapshot, build
from .world import World


@dataclass(frozen=True)
class Outcome:
    accepted: bool
    reason: str | None = None
    takes_min: float | None = None  # when the decision takes effect, if it takes time


class Drill:
    def __init__(
        self,
        plan: Plan,
        scenario: Scenario,
        seed: int | np.random.SeedSequence = 0,
        history: bool = False,
    ):
        """``history`` keeps a minute-by-minute record of each incident's mood and
        head count for views (sparklines); it reads the model and changes nothing."""
        check_pairing(plan, scenario)  # a clear SpecError, not a model that misplaces people
        self.plan = plan
        self.scenario = scenario
        self.seed = seed
        self.world = World(plan, scenario, seed)
        self.tracker = Tracker(self.world)
        self.decisions: list[tuple[float, Decision]] = []
        self._mood: dict[str, list[float]] = {}
        self._heads: dict[str, list[int]] = {}
        if history:
            self.world.kernel.every_minute(self._record, scenario.horizon_min)
        self._closed = False

    # --- time ----------------------------------------------------------------------

    @property
    def now(self) -> float:
        return self.world.now

    @property
    def horizon(self) -> float:
        return self.scenario.horizon_min

    @property
    def finished(self) -> bool:
        return self.now >= self.horizon

    @property
    def log(self) -> EventLog:
        return self.world.log

    def advance(self, until: float) -> None:
        """Run every event up to and including time ``until`` (capped at the horizon)."""
        if until < self.now - 1e-9:
            raise ValueError(f"cannot go back in time: now {self.now:g}, asked {until:g}")
        until = min(float(until), self.horizon)
        self.world.kernel.advance(until)
        if self.finished:
            self._close()

    def advance_to_news(self, until: float) -> None:
        """Run events up to ``until``, stopping early once something worth
        narrating has happened (after the rest of that moment's events): the
        point at which a policy should look again."""
        until = min(float(until), self.horizon)
        kernel = self.world.kernel
        log = self.world.log
        seen = log.narrated
        while kernel.peek() <= until:
            kernel.step()
            if log.narrated != seen:
                now = kernel.now
                while kernel.peek() <= now:
                    kernel.step()
                break
        else:
            kernel.advance(until)
        if self.finished:
            self._close()

    def _close(self) -> None:
        if not self._closed:
            self._closed = True
            self.tracker.update()
            self.tracker.close()

    # --- decisions -------------------------------------------------------------------

    def check(self, decision: Decision) -> str | None:
        """Why ``decision`` cannot be taken now, or None if it can."""
        if self.finished:
            return "the drill is over"
        return decision.validate(self.world)

    def estimate(self, decision: Decision) -> Estimate:
        return decision.estimate(self.world)

    def decide(self, decision: Decision) -> Outcome:
        """Take a decision now. A refused decision changes nothing, not even the log."""
        reason = self.check(decision)
        if reason is not None:
            return Outcome(False, reason)
        fields = {k: v for k, v in decision.to_dict().items() if k != "kind"}
        self.log.add(self.now, "decision", decision.kind, **fields)
        self.decisions.append((self.now, decision))
        takes = decision.apply(self.world)
        kernel = self.world.kernel
        kernel.disturb_all()
        kernel.soon(self.tracker.update)  # judge the milestones now, once
        kernel.settle()
        return Outcome(True, None, takes)

    # --- views ---------------------------------------------------------------------------

    def _record(self, _t: float) -> None:
        w = self.world
        for c in w.groups.crowds.values():
            if c.started:
                self._mood.setdefault(c.id, []).append(c.agitation)
                self._heads.setdefault(c.id, []).append(c.on_site)
        for i in w.individuals.all.values():
            if i.started:
                self._mood.setdefault(i.id, []).append(i.distress)
        for t in w.online.topics.values():
            if t.started:
                self._mood.setdefault(t.id, []).append(t.heat)

    def snapshot(self) -> Snapshot:
        return build(self.world, self.tracker, self._mood, self._heads)

    def scorecard(self) -> Scorecard:
        return scorecard_from(self.plan, self.log.entries, self.finished)

    def write_log(self, stream: TextIO) -> None:
        self.log.write(stream)

    def state(self) -> World:
        """The model itself, for policies inside the engine (not for the UI)."""
        return self.world
