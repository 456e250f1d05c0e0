"""What a crowd does between events: its agitation line and its hazards.

Behaviour has no time step. A present crowd's agitation moves in a straight
line whose slope, with the hazards of an escalation and of a person helped to
leave, follows from its ``CrowdSituation``. (An answered person leaves on a
timer of their own, set by ``GroupVisits.answered``: not a hazard.)
Whatever changes the situation touches the crowd (an arrival, a service, a
departure, staff or an official arriving at its place, a decision); once the
event is complete the crowd is re-planned (its next behaviour event
recomputed) if its situation or its mood changed, and not otherwise. The
invariant test checks after every event that no change went untouched.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from ..spec.plan import Duty
from .hazard import INF, slope_per_min
from .kernel import Alarm
from .people import Crowd, PersonState

if TYPE_CHECKING:
    from .group_visit import GroupVisits

BUDGETS = ("escalation", "helped")


class _Replan:
    """The re-plan queue's handle for one crowd."""

    __slots__ = ("_behaviour", "_crowd")

    def __init__(self, behaviour: CrowdBehaviour, crowd: Crowd):
        self._behaviour = behaviour
        self._crowd = crowd

    def replan(self) -> None:
        self._behaviour.replan(self._crowd)


class CrowdBehaviour:
    def __init__(self, groups: GroupVisits):
        self.groups = groups
        self.kernel = groups.kernel
        self.env = groups.kernel.env
        self._handles: dict[str, _Replan] = {}
        self._alarms: dict[str, Alarm] = {}

    def register(self, crowd: Crowd) -> None:
        rng = self.groups.streams(f"behaviour:{crowd.id}")
        for name in BUDGETS:
            crowd.mood.budgets[name] = float(rng.exponential())
        self._handles[crowd.id] = _Replan(self, crowd)
        self._alarms[crowd.id] = Alarm(self.kernel, lambda kind: self._rang(crowd, kind))

    def alarm(self, crowd: Crowd) -> Alarm:
        return self._alarms[crowd.id]

    def touch(self, crowd: Crowd) -> None:
        self.kernel.touch(self._handles[crowd.id])

    def disturb_all(self) -> None:
        touch = self.kernel.touch
        for handle in self._handles.values():
            touch(handle)

    def touch_place(self, place: str) -> None:
        """Staff or an official arrived at ``place``: the crowds there may see it."""
        touch = self.kernel.touch
        for crowd in self.groups.crowds.values():
            if crowd.place == place:
                touch(self._handles[crowd.id])

    def replan(self, crowd: Crowd) -> None:
        mood = crowd.mood
        now = self.env.now
        alarm = self._alarms[crowd.id]
        if not crowd.started or crowd.on_site == 0:
            mood.settle(now)
            mood.slope = 0.0  # nobody there to be agitated
            mood.hazards = {}
            crowd.situation = None
            alarm.set(INF, "")
            return
        groups = self.groups
        present = groups.roster.official_present(crowd.place)
        helpers = (
            len(groups.roster.members_with(Duty.reception, place=crowd.place))
            if crowd.reps_at is not None
            else 0
        )
        situation = crowd.situation_now(present, helpers)
        # when neither the situation nor the mood changed (most arrivals and
        # registrations), the plan made last time still holds
        key = (mood.version, situation)
        if key == crowd.situation:
            return
        crowd.situation = key
        mood.settle(now)
        b = crowd.behaviour
        mood.slope = slope_per_min(situation.slope_per_hour(b))
        mood.hazards = {
            "escalation": situation.escalation_hazard(b),
            "helped": situation.helped_hazard(b),
        }
        best, kind = INF, ""
        for name in mood.hazards:
            dt = mood.next(name)
            if dt < best:
                best, kind = dt, name
        if crowd.escalated_until is not None and crowd.escalated_until - now < best:
            best, kind = max(0.0, crowd.escalated_until - now), "escalation_end"
        dt = groups.levels.next_threshold(mood)
        if dt < best:
            best, kind = dt, "threshold"
        alarm.set(now + best, kind)

    def _rang(self, crowd: Crowd, kind: str) -> None:
        crowd.situation = None  # the wake-up is used: plan the next one whatever else changed
        self.touch(crowd)
        crowd.mood.settle(self.env.now)
        groups = self.groups
        rng = groups.streams(f"behaviour:{crowd.id}")
        if kind == "escalation_end":
            crowd.escalated_until = None
            groups.log.add(self.env.now, "escalation_ended", crowd.id)
        elif kind == "escalation":
            # blocking a gate or a road, pushing at the entrance
            crowd.mood.redraw(kind, float(rng.exponential()))
            self._escalate(crowd, rng)
        elif kind == "helped":
            # with representatives chosen, staff help the latest comers leave
            crowd.mood.redraw(kind, float(rng.exponential()))
            person = crowd.latest_unserved()
            if person is not None:
                groups.leave(crowd, [person], "helped")
        elif kind == "threshold":
            groups.levels.check()

    def _escalate(self, crowd: Crowd, rng: np.random.Generator) -> None:
        groups = self.groups
        now = self.env.now
        b = crowd.behaviour
        crowd.escalations += 1
        lasts = b.escalation_with_order_min if crowd.cordon_at is not None else b.escalation_calm_min
        crowd.escalated_until = now + lasts
        groups.log.add(now, "escalation", crowd.id, on_site=crowd.on_site, agitation=crowd.agitation)
        chance = b.injury_chance_with_medical if crowd.medical_at is not None else b.injury_chance_no_medical
        if rng.random() < chance:
            exposed = (PersonState.OUTSIDE, PersonState.QUEUED, PersonState.REGISTERED)
            on_site = [p for p in crowd.people if p.state in exposed]
            if on_site:
                groups.log.add(now, "injury", crowd.id, medical=crowd.medical_at is not None)
                groups.leave(crowd, [on_site[0]], "injured", state=PersonState.INJURED)
        if b.heat_events_per_escalation > 0:
            groups.online.heat_burst(b.heat_events_per_escalation, f"escalation:{crowd.id}")
