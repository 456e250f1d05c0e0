"""What a trainee can see, read live: the public facts of a drill.

A ``View`` answers questions about the present situation (the level, each
team's members by place, officials, venues, incidents, the milestone board)
with plain values, computed when asked. The snapshot is built from these same
facts; the plan-following policy decides from them at every event, so it sees
what a trainee sees and no more, without paying for a whole snapshot each
time. Nothing here changes the model, and nothing returned is part of it.
"""

from __future__ import annotations

from typing import NamedTuple

from ..spec.plan import Measure, Plan
from .individual import Individual, IndividualStatus
from .milestones import MilestoneStatus, Tracker
from .people import Crowd
from .staff import BASE, MemberStatus, OfficialStatus
from .world import World

IDLE, TASKED, EN_ROUTE, OFF_DUTY = (
    MemberStatus.IDLE,
    MemberStatus.TASKED,
    MemberStatus.EN_ROUTE,
    MemberStatus.OFF_DUTY,
)


class TeamFacts(NamedTuple):
    size: int
    off_duty: int
    en_route: int
    next_eta: float | None
    idle: int
    busy: int
    present_at: dict[str, int]  # on duty (idle or tasked), by place
    idle_at: dict[str, int]


class VenueFacts(NamedTuple):
    id: str
    kind: str
    open: bool
    indoor: bool
    opening_eta: float | None
    capacity: int
    occupancy: int  # those let in (for rooms)
    people: int  # who is there: in a room, those let in and representatives met there; outdoors, everyone
    reps_of: str | None


class IncidentFacts(NamedTuple):
    id: str
    kind: str  # group_visit | extreme_individual
    place: str
    venue: str | None
    started: bool
    over: bool
    head_count: int
    outside: int


class View:
    def __init__(self, world: World, tracker: Tracker):
        self._w = world
        self._tracker = tracker

    @property
    def plan(self) -> Plan:
        """The plan being played (the loaded file: public)."""
        return self._w.plan

    # --- the clock and the level ------------------------------------------------------------

    @property
    def now(self) -> float:
        return self._w.kernel.now

    @property
    def level(self) -> str | None:
        return self._w.assessment.level

    @property
    def level_pending(self) -> str | None:
        pending = self._w.assessment.level_pending
        return pending[0] if pending else None

    @property
    def recommended(self) -> str | None:
        """The most severe level whose triggers have held so far."""
        return self._w.levels.recommended

    def required(self) -> dict[str, float]:
        return dict(self._w.levels.required_at)

    @property
    def ended(self) -> bool:
        return self._w.assessment.ended_at is not None

    def alert_chain_done(self) -> bool:
        """The report is in and every step before the decision is done."""
        return self._w.assessment.decision_ready() is None

    # --- staff ------------------------------------------------------------------------------

    def team(self, team_id: str) -> TeamFacts:
        members = self._w.roster.teams[team_id].members
        off = route = idle = busy = 0
        eta: float | None = None
        present: dict[str, int] = {}
        idle_at: dict[str, int] = {}
        for m in members:
            status = m.status
            if status is IDLE or status is TASKED:
                place = m.place or BASE
                present[place] = present.get(place, 0) + 1
                if status is IDLE:
                    idle += 1
                    idle_at[place] = idle_at.get(place, 0) + 1
                else:
                    busy += 1
            elif status is EN_ROUTE:
                route += 1
                if m.eta is not None and (eta is None or m.eta < eta):
                    eta = m.eta
            else:
                off += 1
        return TeamFacts(len(members), off, route, eta, idle, busy, present, idle_at)

    def teams_with(self, duty: str) -> list[str]:
        return [t.id for t in self._w.roster.teams.values() if duty in t.spec.duties]

    def official(self, official_id: str) -> OfficialStatus:
        return self._w.roster.officials[official_id].status

    # --- places -----------------------------------------------------------------------------

    def venues(self) -> list[VenueFacts]:
        reception = self._w.reception
        return [
            VenueFacts(
                v.id,
                v.spec.kind.value,
                v.open,
                v.indoor,
                v.opening_eta,
                v.spec.capacity_people,
                reception.occupancy(v.id),
                reception.people_in(v),
                v.reps_of,
            )
            for v in reception.venues.values()
        ]

    def main_place(self) -> str:
        """Where the first incident of the scenario is."""
        return self._w.main_place()

    # --- incidents --------------------------------------------------------------------------

    def incidents(self, active_only: bool = False) -> list[IncidentFacts]:
        w = self._w
        out = []
        for inc in w.active_site_incidents() if active_only else w.site_incidents():
            out.append(_incident(inc))
        return out

    def topics_started(self) -> list[str]:
        return [t.id for t in self._w.online.topics.values() if t.started]

    # --- the milestone board ------------------------------------------------------------------

    def milestones_pending(self) -> list[tuple[str, Measure]]:
        """Milestones that apply and are not met yet: (id, what they measure)."""
        pending = MilestoneStatus.PENDING
        return [(s.id, s.spec.measure) for s in self._tracker.states if s.status is pending]


def _incident(inc: Crowd | Individual) -> IncidentFacts:
    if isinstance(inc, Crowd):
        return IncidentFacts(
            inc.id,
            "group_visit",
            inc.place,
            inc.venue,
            inc.started,
            inc.is_over(),
            inc.on_site,
            inc.outside_n,
        )
    over = inc.status is not IndividualStatus.ACTIVE
    return IncidentFacts(
        inc.id, "extreme_individual", inc.place, inc.venue, inc.started, over, inc.head_count(), 0
    )


__all__ = ["BASE", "IncidentFacts", "OfficialStatus", "TeamFacts", "VenueFacts", "View"]
