"""A fire or explosion at the reception site (信访场所发生火灾、爆炸等安全事故,
seed 001 §突发情况预案二.3): the lives of petitioners and staff first
(001 §突发情况预案三.1).

At the outbreak the venue closes and the petition response in it stops: the
groups in it are moved to the assembly point (a claim being taken down is
finished there; no new one is started in the closed room), and everyone
inside - petitioners, staff, other visitors - must get out. The groups'
head counts are those at the assembly point from the outbreak on; who is
still inside the burning room is the emergency's own list. People leave one at a time, as fast as

    min(exits x flow per exit, unguided + guides x guided per guide) + rescue

allows, where guides are the unit's staff on duty at its premises (a member
called in joins them on arrival) and rescue counts once the fire brigade is
there. Whoever leaves after t minutes inside was injured with probability
1 - (1 - p0) exp(-k t^2 / 2): a blast's chance p0 at the outbreak, then a
hazard growing with the fire. The duty room has the report after a delay and
calls the fire brigade with it (the plan's chain: urgent matters reported at
once, 001 §运管站预案六); ambulance crews are the plan's medical team, called
in by a decision like any team, and each takes one casualty at a time to
hospital once evacuated.

The component owns the emergencies and their log entries: emergency_started,
venue_closed, emergency_reported, fire_brigade_arrived, evacuated (each
person, with injured), injury, evacuation_complete, casualty_to_hospital.
"""

from __future__ import annotations

from collections.abc import Generator
from dataclasses import dataclass, field
from math import exp
from typing import TYPE_CHECKING, Any

from ..spec.emergency import SiteEmergency
from ..spec.plan import Duty
from .kernel import Kernel
from .log import EventLog
from .people import PersonState
from .staff import BASE, ON_DUTY
from .streams import Streams

if TYPE_CHECKING:
    import simpy

    from .group_visit import GroupVisits
    from .levels import Levels
    from .people import Person
    from .reception import Reception
    from .roster import Roster

IN_SERVICE = PersonState.IN_SERVICE
INSIDE = frozenset({PersonState.QUEUED, IN_SERVICE, PersonState.REGISTERED})


@dataclass(eq=False)
class Occupant:
    """Someone inside the venue at the outbreak: a petitioner of a group, or not."""

    crowd: str | None
    person: Person | None


@dataclass(eq=False)
class Emergency:
    id: str
    spec: SiteEmergency
    started_at: float | None = None
    reported_at: float | None = None
    brigade_at: float | None = None
    evacuated_at: float | None = None
    inside: list[Occupant] = field(default_factory=list)
    evacuated: int = 0
    injured: int = 0
    to_hospital: int = 0
    waiting_casualties: int = 0

    @property
    def started(self) -> bool:
        return self.started_at is not None

    @property
    def casualties_done(self) -> bool:
        return self.evacuated_at is not None and self.to_hospital == self.injured


class Emergencies:
    def __init__(self, kernel: Kernel, log: EventLog, streams: Streams):
        self.kernel = kernel
        self.env = kernel.env
        self.log = log
        self.streams = streams
        self.all: dict[str, Emergency] = {}
        # wired by the world
        self.roster: Roster
        self.reception: Reception
        self.groups: GroupVisits
        self.levels: Levels

    def add(self, spec: SiteEmergency) -> Emergency:
        em = Emergency(spec.id, spec)
        self.all[em.id] = em
        self.kernel.process(self._run(em))
        return em

    # --- what others read ------------------------------------------------------------------

    def reported(self) -> bool:
        """A level trigger: an emergency at the site has been reported."""
        return any(e.reported_at is not None for e in self.all.values())

    def closed(self, venue_id: str) -> bool:
        """Whether an outbreak closed ``venue_id`` (it is not opened again in the drill)."""
        return any(e.started and e.spec.venue == venue_id for e in self.all.values())

    def anyone_injured(self) -> bool:
        return any(e.injured for e in self.all.values())

    def first_start(self) -> float | None:
        """The clock of the emergency milestones: the first outbreak."""
        starts = [e.started_at for e in self.all.values() if e.started_at is not None]
        return min(starts) if starts else None

    def holds(self, kind: str) -> bool:
        started = [e for e in self.all.values() if e.started]
        if not started:
            return False
        if kind == "emergency_reported":
            return all(e.reported_at is not None for e in started)
        if kind == "evacuation_complete":
            return all(e.evacuated_at is not None for e in started)
        return all(e.casualties_done for e in started)  # casualties_to_hospital

    # --- the outbreak ----------------------------------------------------------------------

    def _run(self, em: Emergency) -> Generator[simpy.Event, Any, None]:
        spec, b = em.spec, em.spec.behaviour
        rng = self.streams(f"emergency:{em.id}")
        yield self.kernel.timeout(spec.start_min)
        now = self.env.now
        em.started_at = now
        em.inside = self._occupants(em, rng)
        self.log.add(
            now, "emergency_started", em.id, hazard=spec.hazard, venue=spec.venue, inside=len(em.inside)
        )
        self._close_venue(em)
        report_delay = b.report_min.sample(rng)
        brigade_delay = b.fire_brigade_min.sample(rng)
        self.kernel.after(report_delay, lambda: self._reported(em, brigade_delay))
        yield from self._evacuate(em, rng)

    def _occupants(self, em: Emergency, rng: Any) -> list[Occupant]:
        b = em.spec.behaviour
        out = [
            Occupant(crowd.id, p)
            for crowd in self.groups.crowds.values()
            if crowd.place == BASE and crowd.venue == em.spec.venue
            for p in crowd.people
            if p.state in INSIDE
        ]
        others = b.staff_inside_people + max(0, round(b.others_inside_people.sample(rng)))
        out += [Occupant(None, None) for _ in range(others)]
        order = rng.permutation(len(out))  # who reaches an exit first
        return [out[int(k)] for k in order]

    def _close_venue(self, em: Emergency) -> None:
        """Reception stops in the venue: it closes and the groups in it wait at the
        assembly point. A claim being taken down is finished there (the clerk's service
        ends as drawn, and is logged as registered): only new services stop."""
        venue = self.reception.venues[em.spec.venue]
        venue.open = False
        self.log.add(self.env.now, "venue_closed", venue.id, reason=em.spec.hazard)
        for crowd in list(self.groups.crowds.values()):
            if crowd.place == BASE and crowd.venue == venue.id and crowd.started:
                self.groups.move(crowd, em.spec.assembly_point)

    def _reported(self, em: Emergency, brigade_delay: float) -> None:
        now = self.env.now
        em.reported_at = now
        self.log.add(now, "emergency_reported", em.id, fire_brigade_eta=now + brigade_delay)
        self.kernel.after(brigade_delay, lambda: self._brigade(em))
        self.levels.check()

    def _brigade(self, em: Emergency) -> None:
        em.brigade_at = self.env.now
        self.log.add(self.env.now, "fire_brigade_arrived", em.id)

    # --- evacuation ------------------------------------------------------------------------

    def guides(self) -> int:
        """The unit's staff on duty at its premises (they guide people out)."""
        return sum(
            1
            for team in self.roster.teams.values()
            for m in team.members
            if m.place == BASE and m.status in ON_DUTY
        )

    def rate_per_min(self, em: Emergency) -> float:
        g = em.spec.egress
        rate = min(
            g.exits * g.flow_per_exit_per_min, g.unguided_per_min + self.guides() * g.guided_per_guide_per_min
        )
        if em.brigade_at is not None:
            rate += g.rescue_per_min
        return rate

    def injury_chance(self, em: Emergency, minutes_inside: float) -> float:
        b = em.spec.behaviour
        return 1.0 - (1.0 - b.initial_injury_chance) * exp(-b.injury_growth_per_min2 * minutes_inside**2 / 2)

    def _evacuate(self, em: Emergency, rng: Any) -> Generator[simpy.Event, Any, None]:
        assert em.started_at is not None
        while em.inside:
            rate = self.rate_per_min(em)
            yield self.kernel.timeout(1.0 / rate)
            occupant = em.inside.pop(0)
            now = self.env.now
            injured = bool(rng.random() < self.injury_chance(em, now - em.started_at))
            em.evacuated += 1
            self.log.add(now, "evacuated", em.id, injured=injured, inside=len(em.inside))
            if injured:
                em.injured += 1
                self.log.add(now, "injury", em.id, medical=False)
                person = occupant.person
                # a petitioner hurt while their claim is being taken down stays counted with
                # the group until the (logged) end of that service frees the clerk
                if occupant.crowd is not None and person is not None and person.state is not IN_SERVICE:
                    crowd = self.groups.crowds[occupant.crowd]
                    self.groups.leave(crowd, [person], "injured", state=PersonState.INJURED)
                self.kernel.process(self._to_hospital(em))
        em.evacuated_at = self.env.now
        self.log.add(self.env.now, "evacuation_complete", em.id, evacuated=em.evacuated, injured=em.injured)

    # --- casualties --------------------------------------------------------------------------

    def _to_hospital(self, em: Emergency) -> Generator[simpy.Event, Any, None]:
        """One casualty: the first ambulance crew member free at the premises loads
        them and leaves for hospital."""
        task = f"casualty:{em.id}"
        em.waiting_casualties += 1
        member = None
        for team in self.roster.with_duty(Duty.medical):
            member = self.roster.take_idle(team, task)
            if member is not None:
                break
        if member is None:
            teams = self.roster.with_duty(Duty.medical)
            if not teams:
                return  # the plan has no ambulance crews: nobody takes them
            member = yield self.roster.wait_idle(teams[0], task)
        assert member is not None
        load = em.spec.behaviour.load_min.sample(self.streams(f"emergency:{em.id}:load"))
        yield self.kernel.timeout(load)
        em.waiting_casualties -= 1
        em.to_hospital += 1
        self.log.add(self.env.now, "casualty_to_hospital", em.id, by=member.team, n=em.to_hospital)
        self.roster.release(member)
