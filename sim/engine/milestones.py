"""Milestones: the plan's time limits, judged as the drill runs.

A milestone's clock starts at an event (the first report, the end of the
previous alert step, the level being declared, an incident's start); its
deadline is then a scheduled event. The tracker listens to the event log
(head counts are re-read when people leave) and wakes itself when time alone
can change something (a level becoming overdue, the heat decaying below a
mark), and records in the log when a milestone applies, is met, or is
missed, so scorecards read the log alone.

Level milestones apply once their level is declared or required (its
triggers held). The clock starts when the level was declared, or at the
latest by when it should have been (triggers held + the alert chain's limits):
a team that never declares still owes the plan its limits.

What each kind of measure means is in ``measures``; the rules (place,
applicability, one or many, attrition, ties, the calendar day, untimed and
uncontrollable steps) in ``sim.spec.milestone`` and docs/milestones.md.

A deadline is judged after everything else that happens at its minute (its
event has a lower priority than every other event at the same time), so done
at exactly the deadline is met. At the end of the drill a milestone still
pending is logged ``milestone_undecided`` (censored at the drill's end).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from functools import partial

import simpy

from ..spec.milestone import LEVELS, CrowdAndHeatDown, Milestone, TeamOnSite
from .log import NARRATED, Entry
from .measures import (
    _STARTS_AND_ENDS,
    CLOCK_DEPENDS,
    Measures,
    Scope,
    applicable,
    depends_on,
    failed_for_good,
    monotone,
)
from .world import World


class MilestoneStatus(StrEnum):
    MET = "met"
    MISSED = "missed"
    PENDING = "pending"  # applies, deadline not reached (a live drill only)
    NOT_YET = "not_yet"  # not (yet) applicable (a live drill only)
    UNDECIDED = "undecided"  # applied, not done, the drill ended before its deadline (censored)
    NOT_APPLICABLE = "not_applicable"  # never applied: no such level, no incident it is about
    BEYOND = "beyond_model"  # a limit in days, beyond the drill
    UNTIMED = "untimed"  # the plan names the action without a time: done or not, never scored


MET, MISSED, PENDING, NOT_YET, UNDECIDED, NOT_APPLICABLE, BEYOND, UNTIMED = (
    MilestoneStatus.MET,
    MilestoneStatus.MISSED,
    MilestoneStatus.PENDING,
    MilestoneStatus.NOT_YET,
    MilestoneStatus.UNDECIDED,
    MilestoneStatus.NOT_APPLICABLE,
    MilestoneStatus.BEYOND,
    MilestoneStatus.UNTIMED,
)
SETTLED = frozenset({MET, MISSED, BEYOND, NOT_APPLICABLE, UNDECIDED, UNTIMED})
# SimPy's priorities are URGENT 0 and NORMAL 1: a deadline comes after every other
# event at its minute (a statement finishing at exactly 120 min is on time)
DEADLINE_PRIORITY = simpy.events.EventPriority(simpy.events.NORMAL + 1)
DAY_MIN = 1440.0


def after_everything(env: simpy.Environment, delay: float, callback: Callable[[], None]) -> None:
    """Call ``callback`` ``delay`` minutes from now, after every other event of that minute."""
    event = simpy.Event(env)
    event._ok = True  # a timeout of its own priority: SimPy's Timeout does the same
    event._value = None
    event.callbacks.append(lambda _e: callback())
    env.schedule(event, DEADLINE_PRIORITY, max(0.0, delay))


def minute_of_day(wall_start: str) -> float:
    """Minutes after midnight at which the drill's minute 0 falls (its wall clock)."""
    t = datetime.fromisoformat(wall_start)
    return t.hour * 60.0 + t.minute + t.second / 60.0


def end_of_day(start: float, start_of_day_min: float) -> float:
    """The drill minute at which the calendar day containing drill minute ``start`` ends."""
    return (math.floor((start + start_of_day_min) / DAY_MIN) + 1) * DAY_MIN - start_of_day_min


# narrated events after which the milestones are judged (not decisions: Drill.decide
# judges them once applied; not the tracker's own entries)
_JUDGE_AFTER = NARRATED - {"decision", "milestone_met", "milestone_missed", "milestone_done"}
# entries at which a clerk may start serving someone (no entry of its own)
_SERVICE_STARTS = frozenset({"arrive", "registered", "left", "team_arrived", "member_released"})


@dataclass(eq=False)
class MilestoneState:
    spec: Milestone
    level: str | None
    scope: Scope
    monotone: bool
    holds: Callable[[], bool]  # whether its measure holds now
    depends: frozenset[str] | None  # log kinds after which its measure may hold otherwise (None: any)
    clock_depends: frozenset[str] | None  # log kinds that may start its clock (None: any)
    status: MilestoneStatus = NOT_YET
    clock_start: float | None = None
    deadline: float | None = None
    met_at: float | None = None
    cond_at: float | None = None  # first time a monotone condition held

    @property
    def id(self) -> str:
        return self.spec.id


class Tracker:
    def __init__(self, world: World):
        self.world = world
        self.kernel = world.kernel
        self.env = world.kernel.env
        self.measures = Measures(world)
        self._start_of_day = minute_of_day(world.scenario.wall_start)
        self.states = []
        for level, m in world.plan.all_milestones():
            scope = Scope(world, m)
            self.states.append(
                MilestoneState(
                    m,
                    level,
                    scope,
                    monotone(m.measure),
                    self.measures.checker(m, scope),
                    depends_on(m.measure),
                    None if m.clock not in CLOCK_DEPENDS else CLOCK_DEPENDS[m.clock] | _STARTS_AND_ENDS,
                )
            )
        for state in self.states:
            if state.spec.measure.kind == "beyond_model":
                state.status = BEYOND
        self.allowance = sum(step.limit_min for step in world.plan.alert_chain)
        self._wakes: set[float] = set()
        # the milestones time alone can change (see update): head counts and heat,
        # and clocks that start when a required level becomes overdue
        self._timed = [s for s in self.states if not s.monotone or s.spec.clock == "level_declared"]
        self._counted = [s for s in self.states if not s.monotone]
        # members at the base are at an incident once they serve its people, which
        # starts with no entry of its own: judged after the entries that can start it
        self._serving = [s for s in self.states if isinstance(s.spec.measure, TeamOnSite)]
        self._open_cache: list[MilestoneState] | None = None
        self._seen: set[str] = set()  # kinds logged since the last judgement
        self._everything = True  # judge every open milestone next time (a decision, a deadline)
        self._settled = self._open_count = 0  # bumped when a milestone settles: the open list is stale
        world.log.listen(self._on_entry)

    def _on_entry(self, entry: Entry) -> None:
        # judged once the event is complete (several entries often come together);
        # a decision is judged by Drill.decide once it has been applied
        kind = entry.kind
        self._seen.add(kind)
        if kind in _JUDGE_AFTER:
            self.kernel.soon(self.update)
        elif kind in _SERVICE_STARTS and any(s.status not in SETTLED for s in self._serving):
            self.kernel.soon(self.update)
        elif kind == "left" or (kind == "arrive" and self.world.groups.pending == 0):
            # head counts changed: someone left, or the last expected person arrived
            # (a head-count limit needs everyone who was coming to be there)
            self.kernel.soon(self._recount)

    def _open(self) -> list[MilestoneState]:
        """The milestones still to judge (a missed one may yet be done late)."""
        if self._open_cache is None or self._settled != self._open_count:
            self._open_cache = [
                s for s in self.states if s.status not in SETTLED or (s.status is MISSED and s.met_at is None)
            ]
            self._open_count = self._settled
        return self._open_cache

    def _wake(self, at: float) -> None:
        """Look again at ``at`` (time alone changes something then)."""
        now = self.env.now
        if at not in self._wakes and at > now:
            self._wakes.add(at)

            def wake() -> None:
                self._wakes.discard(at)
                self.update(timed=True)

            self.kernel.after(at - now, wake)

    # --- clocks --------------------------------------------------------------------

    def _clock(self, state: MilestoneState) -> float | None:
        """When the clock started (None: not yet); a scoped milestone's clock starts no
        earlier than the first incident it is about. A level's measures are for the
        incidents still there when it is declared: a level reached after every group
        it is about has gone (online heat, hours later) starts no clock for them
        until one of them is present again."""
        start = self._clock_event(state)
        if start is None or not state.scope.scoped or state.spec.clock == "incident_start":
            return start
        present_only = state.spec.clock == "level_declared"
        first = self.measures.first_start(state.scope, present_only=present_only)
        return None if first is None else max(start, first)

    def _clock_event(self, state: MilestoneState) -> float | None:
        w = self.world
        a = w.assessment
        m = state.spec
        if m.clock == "first_report":
            return a.first_report_at
        if m.clock == "previous_step":
            step = getattr(m.measure, "step", None)
            names = [s.step for s in w.plan.alert_chain]
            if step not in names or names.index(step) == 0:
                return a.first_report_at
            previous = a.step_done.get(names[names.index(step) - 1])
            required_at = w.levels.required_at
            if step == "decide" and previous is not None:
                # a level can only be decided once one is warranted: the decision's
                # clock waits for the first level's triggers to hold
                if not required_at:
                    return None
                return max(previous, min(required_at.values()))
            return previous
        if m.clock == "incident_start":
            if m.measure.kind in ("emergency_reported", "evacuation_complete", "casualties_to_hospital"):
                return self.world.emergencies.first_start()  # the outbreak
            starts = [i.spec.start_min for i in state.scope.all_site()]
            starts += [e.started_at for e in state.scope.started_fires() if e.started_at is not None]
            if m.deadline_min < 0:
                # a limit before the incident needs notice of it: scheduled visits only
                starts = [c.spec.start_min for c in state.scope.crowds() if c.spec.scheduled]
            return min(starts) if starts else None
        # level_declared
        level = state.level or LEVELS[0]
        declared = a.declared_at.get(level)
        required = w.levels.required_at.get(level)
        latest = None if required is None else required + self.allowance
        candidates = [t for t in (declared, latest) if t is not None]
        if not candidates:
            return None
        start = min(candidates)
        if declared is None and start > self.env.now:
            return None  # not declared, and not yet overdue
        return start

    def _clock_may_start_by_time(self, state: MilestoneState) -> bool:
        """Whether time alone (no event) can start this clock: a level that was
        required but not declared becomes overdue."""
        if state.spec.clock != "level_declared":
            return False
        level = state.level or LEVELS[0]
        return level in self.world.levels.required_at and level not in self.world.assessment.declared_at

    # --- the update loop -------------------------------------------------------------

    def update(self, timed: bool = False) -> None:
        """Re-judge open milestones. ``timed``: people left or a wake-up came due,
        with no narrated event; that can only start an overdue clock or change a
        head count or the heat, so only those milestones are looked at."""
        now = self.env.now
        self.measures.begin()
        seen, everything = self._seen, self._everything
        if not timed:
            self._seen, self._everything = set(), False
        for state in self._timed if timed else self._open():
            status = state.status
            if not (timed or everything or self._may_change(state, seen)):
                continue
            if status is MISSED and state.met_at is None and not timed:
                self._late(state)
                continue
            if status in SETTLED:
                continue
            mono = state.monotone
            if timed:
                if mono and status is PENDING:
                    continue  # only events (always logged) change these
                if status is NOT_YET and not self._clock_may_start_by_time(state):
                    continue
            if mono and state.cond_at is None and state.holds():
                state.cond_at = now
            if state.status is NOT_YET:
                if not applicable(self.world, state.spec, state.scope):
                    continue
                start = self._clock(state)
                if start is None:
                    if self._clock_may_start_by_time(state):
                        level = state.level or LEVELS[0]
                        self._wake(self.world.levels.required_at[level] + self.allowance)
                    continue
                state.clock_start = start
                state.deadline = self._deadline_of(state.spec, start)
                state.status = PENDING
                if mono and state.cond_at is not None and not state.holds():
                    # done for the incidents of before, not for those there now (a reply
                    # to the residents is no reply to the person who threatens self-harm
                    # at red): it is not done until it holds again
                    state.cond_at = None
                self.world.log.add(
                    now,
                    "milestone_applies",
                    state.id,
                    clock_start=start,
                    deadline=state.deadline,
                    level=state.level or "",
                )
                if state.deadline is not None and state.deadline > now:
                    after_everything(self.env, state.deadline - now, partial(self._deadline, state))
            if state.status is not PENDING:
                continue
            if mono:
                met = state.cond_at
                if met is not None and state.clock_start is not None:
                    # done before the clock started counts as done at its start (or, for a
                    # limit set before an incident, at that limit)
                    met = max(met, state.clock_start + min(0.0, state.spec.deadline_min))
            else:
                met = now if (now >= (state.clock_start or 0.0) and state.holds()) else None
            if met is not None:
                self._met(state, met)
            elif failed_for_good(self.world, state.spec.measure):
                self._missed(state)
            elif state.deadline is not None and now >= state.deadline:
                self._missed(state)
            elif isinstance(state.spec.measure, CrowdAndHeatDown):
                self._wake(self._heat_down_at(state.spec.measure))

    def _deadline_of(self, spec: Milestone, start: float) -> float | None:
        """The deadline in drill minutes (None: untimed). The same day ends at the
        calendar day's midnight in the drill's wall clock, at most deadline_min on."""
        if spec.untimed:
            return None
        deadline = start + spec.deadline_min
        if spec.same_day:
            deadline = min(deadline, end_of_day(start, self._start_of_day))
        return deadline

    @staticmethod
    def _may_change(state: MilestoneState, seen: set[str]) -> bool:
        """Whether what was logged since the last judgement can change this milestone:
        its measure, or (before it applies) its clock."""
        if state.depends is None or not state.depends.isdisjoint(seen):
            return True
        if state.status is NOT_YET:
            return state.clock_depends is None or not state.clock_depends.isdisjoint(seen)
        return False

    def judge_all(self) -> None:
        """Judge every open milestone now (at a deadline, at the end)."""
        self._everything = True
        self.update()

    def judge_all_soon(self) -> None:
        """Judge every open milestone once the current event is complete (after a
        decision), in the one judgement that may already be due."""
        self._everything = True
        self.kernel.soon(self.update)

    def _recount(self) -> None:
        """Only head counts changed. The same judgement as update()
        gives a pending head-count milestone, for those alone (thousands of
        departures in a large gathering)."""
        now = self.env.now
        self.measures.begin()
        for state in self._counted:
            if state.status is not PENDING or state.clock_start is None or now < state.clock_start:
                continue
            if state.holds():
                self._met(state, now)
            elif isinstance(state.spec.measure, CrowdAndHeatDown):
                self._wake(self._heat_down_at(state.spec.measure))

    def _heat_down_at(self, measure: CrowdAndHeatDown) -> float:
        """When every topic's heat, with no new post, is down to the mark."""
        keep = 1.0 - measure.fraction
        now = self.env.now
        return max(
            (t.falls_to(now, keep * t.peak_heat) for t in self.world.online.topics.values() if t.started),
            default=now,
        )

    def _deadline(self, state: MilestoneState) -> None:
        if state.status is not PENDING:
            return
        self.judge_all()
        if state.status is PENDING:
            self._missed(state)
        self.kernel.disturb_all()

    def _met(self, state: MilestoneState, at: float) -> None:
        assert state.clock_start is not None
        self._settled += 1
        state.met_at = at
        if state.deadline is None:
            state.status = UNTIMED  # done; never scored against a limit
            kind = "milestone_done"
        else:
            state.status = MET if at <= state.deadline + 1e-9 else MISSED
            kind = "milestone_met" if state.status is MET else "milestone_missed"
        self.world.log.add(
            self.env.now, kind, state.id, at=at, after_min=at - state.clock_start, deadline=state.deadline
        )

    def _late(self, state: MilestoneState) -> None:
        """A missed milestone still done later: when, so time distributions are not cut at the limit."""
        if not state.monotone or failed_for_good(self.world, state.spec.measure):
            return
        if not state.holds():
            return
        assert state.clock_start is not None
        now = self.env.now
        self._settled += 1
        state.met_at = now
        self.world.log.add(now, "milestone_late", state.id, at=now, after_min=now - state.clock_start)

    def _missed(self, state: MilestoneState) -> None:
        self._settled += 1
        state.status = MISSED
        self.world.log.add(self.env.now, "milestone_missed", state.id, deadline=state.deadline)

    def close(self) -> None:
        """At the end of a drill: whatever never applied did not apply; a limit still
        pending is undecided within the drill (logged, censored at the end); an untimed
        action not done stays untimed (not done)."""
        now = self.env.now
        for state in self.states:
            if state.status is NOT_YET:
                state.status = NOT_APPLICABLE
            elif state.status is PENDING:
                state.status = UNTIMED if state.deadline is None else UNDECIDED
                assert state.clock_start is not None
                self.world.log.add(
                    now,
                    "milestone_undecided" if state.deadline is not None else "milestone_not_done",
                    state.id,
                    after_min=now - state.clock_start,
                    deadline=state.deadline,
                )
