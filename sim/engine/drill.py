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

The drill exposes what a trainee can see (``snapshot()``, ``view()``, the
``log``) and what a trainee can do (``check``, ``estimate``, ``decide``; the
facilitator's ``facilitate``), and nothing that reaches the model. Decisions
taken are read from the log.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TextIO

import numpy as np

from ..spec.pairing import check_pairing
from ..spec.plan import Plan
from ..spec.scenario import Scenario
from .decisions import Decision, Estimate
from .facilitator import FacilitatorAction
from .log import Entry, EventLog
from .milestones import Tracker
from .scorecard import Scorecard, scorecard_from
from .snapshot import Snapshot, build
from .trends import Trends
from .view import View
from .world import World

MAX_HORIZON_MIN = 60 * 24 * 14  # the scenario schema's own bound


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
        horizon_min: float | None = None,
    ):
        """``horizon_min`` runs the drill to another end than the scenario's horizon
        (statistics extend a drill until its limits are decided); ``window_min``
        keeps the scenario's own horizon: the window whose incidents the drill is about."""
        check_pairing(plan, scenario)  # a clear SpecError, not a model that misplaces people
        self.window_min = scenario.horizon_min
        if horizon_min is not None and float(horizon_min) != scenario.horizon_min:
            if not 0 < float(horizon_min) <= MAX_HORIZON_MIN:
                raise ValueError(f"horizon_min must be within (0, {MAX_HORIZON_MIN:g}], got {horizon_min:g}")
            scenario = scenario.model_copy(update={"horizon_min": float(horizon_min)})
            self.window_min = min(self.window_min, scenario.horizon_min)
        self.plan = plan
        self.scenario = scenario
        self.seed = seed
        self._world = World(plan, scenario, seed)
        self._tracker = Tracker(self._world)
        self._view = View(self._world, self._tracker)
        self._trends = Trends()  # read from the log as snapshots are taken
        self._closed = False

    # --- time ----------------------------------------------------------------------

    @property
    def now(self) -> float:
        return self._world.kernel.now

    @property
    def horizon(self) -> float:
        return self.scenario.horizon_min

    @property
    def finished(self) -> bool:
        return self.now >= self.horizon

    @property
    def log(self) -> EventLog:
        return self._world.log

    def advance(self, until: float) -> None:
        """Run every event up to and including time ``until`` (capped at the horizon)."""
        if until < self.now - 1e-9:
            raise ValueError(f"cannot go back in time: now {self.now:g}, asked {until:g}")
        self._world.kernel.advance(min(float(until), self.horizon))
        if self.finished:
            self._close()

    def advance_to_news(self, until: float, news: Callable[[Entry], bool] | None = None) -> None:
        """Run events up to ``until``, stopping early once something worth
        narrating has happened (after the rest of that moment's events): the
        point at which a trainee, or a policy, should look again. ``news`` says
        which log entries count (default: the narrated ones)."""
        until = min(float(until), self.horizon)
        kernel = self._world.kernel
        log = self._world.log
        entries = log.entries
        heard = False
        if news is None:
            seen = log.narrated
            while kernel.peek() <= until:
                kernel.step()
                if log.narrated != seen:
                    heard = True
                    break
        else:
            read = len(entries)
            while kernel.peek() <= until:
                kernel.step()
                while read < len(entries):  # every entry is shown to ``news``: it may keep count
                    heard = news(entries[read]) or heard
                    read += 1
                if heard:
                    break
        if heard:
            now = kernel.now  # the rest of that moment's events, then stop
            while kernel.peek() <= now:
                kernel.step()
        else:
            kernel.advance(until)
        if self.finished:
            self._close()

    def _close(self) -> None:
        if not self._closed:
            self._closed = True
            self._tracker.judge_all()
            self._tracker.close()

    # --- decisions -------------------------------------------------------------------

    def check(self, decision: Decision) -> str | None:
        """Why ``decision`` cannot be taken now, or None if it can."""
        if self.finished:
            return "the drill is over"
        return decision.validate(self._world)

    def estimate(self, decision: Decision) -> Estimate:
        return decision.estimate(self._world)

    def decide(self, decision: Decision, seat: str | None = None) -> Outcome:
        """Take a decision now. A refused decision changes nothing, not even the log.
        ``seat`` (the role that took it) is recorded with it when given."""
        reason = self.check(decision)
        if reason is not None:
            return Outcome(False, reason)
        fields = {k: v for k, v in decision.to_dict().items() if k != "kind"}
        if seat is not None:
            fields["seat"] = seat
        self.log.add(self.now, "decision", decision.kind, **fields)
        takes = decision.apply(self._world)
        self._settle()
        return Outcome(True, None, takes)

    def facilitate(self, action: FacilitatorAction) -> Outcome:
        """A facilitator's action now (an inject of their own; play, hold, release or
        skip a scheduled one). Logged as a ``facilitator`` entry, not a decision."""
        reason = "the drill is over" if self.finished else action.validate(self._world)
        if reason is not None:
            return Outcome(False, reason)
        fields = {k: v for k, v in action.to_dict().items() if k != "kind"}
        self.log.add(self.now, "facilitator", action.kind, **fields)
        action.apply(self._world)
        self._settle()
        return Outcome(True)

    def _settle(self) -> None:
        """After a decision or an action: re-plan everything, judge the milestones once."""
        kernel = self._world.kernel
        self._world.disturb_all()
        self._tracker.judge_all_soon()
        kernel.settle()

    # --- what a trainee sees ---------------------------------------------------------------

    def snapshot(self) -> Snapshot:
        self._trends.update(self.log.entries)
        return build(self._world, self._tracker, self._view, self._trends)

    def view(self) -> View:
        """The same public facts as ``snapshot()``, read live when asked (for a
        policy looking at every event); never the model itself."""
        return self._view

    def scorecard(self) -> Scorecard:
        return scorecard_from(self.plan, self.log.entries, self.finished)

    def write_log(self, stream: TextIO) -> None:
        self.log.write(stream)
