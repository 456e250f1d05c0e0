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
"""

from __future__ import annotations

from dataclasses import dataclass

from ..spec.plan import LEVELS, Milestone
from .individual import ACTIVE, RESOLVED
from .log import NARRATED, Entry
from .world import World

MET = "met"
MISSED = "missed"
PENDING = "pending"  # applies, deadline not reached
WAITING = "not_yet"  # not (yet) applicable
NOT_APPLICABLE = "not_applicable"
BEYOND = "beyond_model"

# Measures that stay done once done; the others (head counts, heat) are re-read
# when people leave or the heat has decayed, and must hold at or after the clock's start.
MONOTONE = frozenset(
    {
        "alert_step",
        "official_on_site",
        "team_on_site",
        "teams_all_on_duty",
        "venue_open",
        "reply_issued",
        "package_signed",
        "cordon_set",
        "medical_standby",
        "legal_aid_started",
        "safe_resolution",
        "statement_published",
        "response_started",
    }
)

_FLAG = {
    "reply_issued": "reply_at",
    "package_signed": "package_at",
    "cordon_set": "cordon_at",
    "medical_standby": "medical_at",
    "legal_aid_started": "legal_at",
}


@dataclass(eq=False)
class MilestoneState:
    spec: Milestone
    level: str | None
    status: str = WAITING
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
        self.states = [MilestoneState(m, level) for level, m in world.plan.all_milestones()]
        for state in self.states:
            if state.spec.measure.kind == "beyond_model":
                state.status = BEYOND
        self.allowance = sum(step.limit_min for step in world.plan.alert_chain)
        self._wakes: set[float] = set()
        # the milestones time alone can change (see update): head counts and heat,
        # and clocks that start when a required level becomes overdue
        self._timed = [
            s for s in self.states if s.spec.measure.kind not in MONOTONE or s.spec.clock == "level_declared"
        ]
        self._counted = [s for s in self.states if s.spec.measure.kind not in MONOTONE]
        world.log.listen(self._on_entry)

    def _on_entry(self, entry: Entry) -> None:
        # judged once the event is complete (several entries often come together);
        # a decision is judged by Drill.decide once it has been applied
        kind = entry.kind
        if kind in NARRATED and kind != "decision" and not kind.startswith("milestone"):
            self.world.due[self.update] = None
        elif kind == "left" or (kind == "arrive" and self.world.pending_arrivals() == 0):
            # head counts changed: someone left, or the last expected person arrived
            # (a head-count limit needs everyone who was coming to be there)
            self.world.due[self._recount] = None

    def _wake(self, at: float) -> None:
        """Look again at ``at`` (time alone changes something then)."""
        if at not in self._wakes and at > self.world.now:
            self._wakes.add(at)

            def wake() -> None:
                self._wakes.discard(at)
                self.update(timed=True)

            self.world.after(at - self.world.now, wake)

    # --- clocks --------------------------------------------------------------------

    def _clock(self, state: MilestoneState) -> float | None:
        w = self.world
        m = state.spec
        if m.clock == "first_report":
            return w.first_report_at
        if m.clock == "previous_step":
            step = getattr(m.measure, "step", None)
            names = [s.step for s in w.plan.alert_chain]
            if step not in names or names.index(step) == 0:
                return w.first_report_at
            previous = w.step_done.get(names[names.index(step) - 1])
            if step == "decide" and previous is not None:
                # a level can only be decided once one is warranted: the decision's
                # clock waits for the first level's triggers to hold
                if not w.required_at:
                    return None
                return max(previous, min(w.required_at.values()))
            return previous
        if m.clock == "incident_start":
            starts = [i.spec.start_min for i in w.site_incidents()]
            if m.deadline_min < 0:
                # a limit before the incident needs notice of it: scheduled visits only
                starts = [c.spec.start_min for c in w.crowds.values() if c.spec.scheduled]
            return min(starts) if starts else None
        # level_declared
        level = state.level or LEVELS[0]
        declared = w.declared_at.get(level)
        required = w.required_at.get(level)
        latest = None if required is None else required + self.allowance
        candidates = [t for t in (declared, latest) if t is not None]
        if not candidates:
            return None
        start = min(candidates)
        if declared is None and start > w.now:
            return None  # not declared, and not yet overdue
        return start

    def _clock_may_start_by_time(self, state: MilestoneState) -> bool:
        """Whether time alone (no event) can start this clock: a level that was
        required but not declared becomes overdue."""
        if state.spec.clock != "level_declared":
            return False
        level = state.level or LEVELS[0]
        return level in self.world.required_at and level not in self.world.declared_at

    def _applicable(self, state: MilestoneState) -> bool:
        w = self.world
        kind = state.spec.measure.kind
        if kind == "safe_resolution":
            return bool(w.individuals)
        if kind == "reply_issued":
            return bool(w.crowds) or bool(w.individuals) or bool(w.topics)
        if kind in ("head_count_below", "crowd_and_heat_down", "package_signed"):
            return bool(w.crowds) or bool(w.individuals)
        if kind == "team_on_site" and state.spec.clock == "incident_start" and state.spec.deadline_min < 0:
            return any(c.spec.scheduled for c in w.crowds.values())
        return True

    # --- conditions ----------------------------------------------------------------

    def _holds(self, state: MilestoneState) -> bool:
        w = self.world
        m = state.spec.measure
        kind = m.kind
        if kind == "alert_step":
            return m.step in w.step_done
        if kind == "official_on_site":
            official = w.officials[m.official]
            return official.status == "on_site"
        if kind == "team_on_site":
            team = w.teams[m.team]
            need = m.people or len(team.members)
            return len(team.at(w.main_place())) >= need
        if kind == "teams_all_on_duty":
            return all(len(w.teams[t].on_duty()) >= len(w.teams[t].members) for t in m.teams)
        if kind == "venue_open":
            return w.venues[m.venue].open
        if kind == "statement_published":
            return bool(w.statements)
        if kind == "response_started":
            return w.level is not None and LEVELS.index(w.level) >= LEVELS.index(m.level_at_least)
        if kind in _FLAG:
            flag = _FLAG[kind]
            started: list = [i for i in w.site_incidents() if i.started]
            active: list = w.active_site_incidents()
            if kind == "reply_issued":
                # an initial reply answers a grievance, on site or online
                topics = [t for t in w.topics.values() if t.started]
                started += topics
                active += topics
            done = [i for i in started if getattr(i, flag, None) is not None]
            return bool(done) and all(getattr(i, flag, None) is not None for i in active)
        if kind == "safe_resolution":
            inds = list(w.individuals.values())
            return bool(inds) and all(i.status == RESOLVED for i in inds)
        if kind == "head_count_below":
            started = any(c.started for c in w.crowds.values()) or any(
                i.started for i in w.individuals.values()
            )
            return started and w.pending_arrivals() == 0 and w.head_count() < m.people
        if kind == "crowd_and_heat_down":
            keep = 1.0 - m.fraction
            peak_people = sum(c.peak_on_site for c in w.crowds.values())
            people_ok = w.pending_arrivals() == 0 and w.head_count() <= keep * peak_people
            if any(i.status == ACTIVE and i.started for i in w.individuals.values()):
                people_ok = False
            heat_ok = all(t.heat <= keep * t.peak_heat * (1 + 1e-9) for t in w.topics.values() if t.started)
            return people_ok and heat_ok
        return False

    def _failed_for_good(self, state: MilestoneState) -> bool:
        if state.spec.measure.kind == "safe_resolution":
            return any(i.status not in (ACTIVE, RESOLVED) for i in self.world.individuals.values())
        return False

    # --- the update loop -------------------------------------------------------------

    def update(self, timed: bool = False) -> None:
        """Re-judge open milestones. ``timed``: people left or a wake-up came due,
        with no narrated event; that can only start an overdue clock or change a
        head count or the heat, so only those milestones are looked at."""
        w = self.world
        now = w.now
        for state in self._timed if timed else self.states:
            if state.status == MISSED and state.met_at is None and not timed:
                self._late(state)
                continue
            if state.status in (MET, MISSED, BEYOND, NOT_APPLICABLE):
                continue
            monotone = state.spec.measure.kind in MONOTONE
            if timed:
                if monotone and state.status == PENDING:
                    continue  # only events (always logged) change these
                if state.status == WAITING and not self._clock_may_start_by_time(state):
                    continue
            if monotone and state.cond_at is None and self._holds(state):
                state.cond_at = now
            if state.status == WAITING:
                if not self._applicable(state):
                    continue
                start = self._clock(state)
                if start is None:
                    if self._clock_may_start_by_time(state):
                        level = state.level or LEVELS[0]
                        self._wake(self.world.required_at[level] + self.allowance)
                    continue
                state.clock_start = start
                state.deadline = start + state.spec.deadline_min
                state.status = PENDING
                w.log.add(
                    now,
                    "milestone_applies",
                    state.id,
                    clock_start=start,
                    deadline=state.deadline,
                    level=state.level or "",
                )
                if state.deadline > now:
                    w.after(state.deadline - now, lambda s=state: self._deadline(s))
            if state.status != PENDING:
                continue
            if monotone:
                met = state.cond_at
                if met is not None and state.clock_start is not None:
                    # done before the clock started counts as done at its start (or, for a
                    # limit set before an incident, at that limit)
                    met = max(met, state.clock_start + min(0.0, state.spec.deadline_min))
            else:
                met = now if (now >= (state.clock_start or 0.0) and self._holds(state)) else None
            if met is not None:
                self._met(state, met)
            elif self._failed_for_good(state):
                self._missed(state)
            elif state.deadline is not None and now >= state.deadline:
                self._missed(state)
            elif state.spec.measure.kind == "crowd_and_heat_down":
                self._wake(self._heat_down_at(state))

    def _recount(self) -> None:
        """Only head counts changed. The same judgement as update()
        gives a pending head-count milestone, for those alone (thousands of
        departures in a large gathering)."""
        now = self.world.now
        for state in self._counted:
            if state.status != PENDING or state.clock_start is None or now < state.clock_start:
                continue
            if self._holds(state):
                self._met(state, now)
            elif state.spec.measure.kind == "crowd_and_heat_down":
                self._wake(self._heat_down_at(state))

    def _heat_down_at(self, state: MilestoneState) -> float:
        """When every topic's heat, with no new post, is down to the mark."""
        keep = 1.0 - state.spec.measure.fraction  # type: ignore[union-attr]
        now = self.world.now
        return max(
            (t.falls_to(now, keep * t.peak_heat) for t in self.world.topics.values() if t.started),
            default=now,
        )

    def _deadline(self, state: MilestoneState) -> None:
        if state.status != PENDING:
            return
        self.update()
        if state.status == PENDING:
            self._missed(state)

    def _met(self, state: MilestoneState, at: float) -> None:
        assert state.deadline is not None and state.clock_start is not None
        state.met_at = at
        state.status = MET if at <= state.deadline + 1e-9 else MISSED
        self.world.log.add(
            self.world.now,
            "milestone_met" if state.status == MET else "milestone_missed",
            state.id,
            at=at,
            after_min=at - state.clock_start,
            deadline=state.deadline,
        )

    def _late(self, state: MilestoneState) -> None:
        """A missed milestone still done later: when, so time distributions are not cut at the limit."""
        if state.spec.measure.kind not in MONOTONE or self._failed_for_good(state):
            return
        if not self._holds(state):
            return
        assert state.clock_start is not None
        state.met_at = self.world.now
        self.world.log.add(
            self.world.now,
            "milestone_late",
            state.id,
            at=state.met_at,
            after_min=state.met_at - state.clock_start,
        )

    def _missed(self, state: MilestoneState) -> None:
        state.status = MISSED
        self.world.log.add(self.world.now, "milestone_missed", state.id, deadline=state.deadline)

    def close(self) -> None:
        """At the end of a drill: whatever never applied did not apply."""
        for state in self.states:
            if state.status == WAITING:
                state.status = NOT_APPLICABLE
