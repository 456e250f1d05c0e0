"""Reception (接待分流): venues, the queue at each channel, and service.

People are received only inside an open room (a crowd larger than the room
waits outside); once in, each joins the queue of their claim's channel at
their place, and one idle member of the channel's team serves one person at a
time for that person's service time. Whoever was inside and leaves makes room
for people outside.
"""

from __future__ import annotations

from collections import deque
from functools import partial
from typing import TYPE_CHECKING

from ..spec.plan import Plan, Venue, VenueKind
from .kernel import Kernel
from .log import EventLog
from .people import Crowd, Person, PersonState
from .roster import SERVE
from .staff import BASE, Member, MemberStatus

if TYPE_CHECKING:
    from .group_visit import GroupVisits
    from .roster import Roster

OUTSIDE, QUEUED, IN_SERVICE, REGISTERED = (
    PersonState.OUTSIDE,
    PersonState.QUEUED,
    PersonState.IN_SERVICE,
    PersonState.REGISTERED,
)


class VenueState:
    __slots__ = ("id", "open", "opening_eta", "reps_of", "spec")

    def __init__(self, venue_id: str, spec: Venue):
        self.id = venue_id
        self.spec = spec
        self.open = bool(spec.open_at_start)
        self.opening_eta: float | None = None
        self.reps_of: str | None = None  # meeting rooms: the group whose representatives sit here

    @property
    def indoor(self) -> bool:
        return self.spec.kind != VenueKind.outdoor


class Reception:
    def __init__(self, plan: Plan, kernel: Kernel, log: EventLog):
        self.kernel = kernel
        self.env = kernel.env
        self.log = log
        self.venues = {vid: VenueState(vid, v) for vid, v in plan.venues.items()}
        self.channel_team = {cid: c.team for cid, c in plan.channels.items()}
        self.queues: dict[tuple[str, str], deque[tuple[int, Person]]] = {}
        # wired by the world
        self.roster: Roster
        self.groups: GroupVisits

    def place_of(self, location: str) -> tuple[str, str | None]:
        """(place, venue) for a location id: venues are at the base, sites are places."""
        if location in self.venues:
            return BASE, location
        return location, None

    def serviceable(self, crowd: Crowd) -> bool:
        if crowd.place != BASE:
            return True
        venue = self.venues.get(crowd.venue or "")
        return venue is not None and venue.indoor and venue.open

    def occupancy(self, venue_id: str) -> int:
        return sum(c.inside for c in self.groups.crowds.values() if c.venue == venue_id and c.place == BASE)

    def people_in(self, venue: VenueState) -> int:
        """Who is there: in a room, those let in (and representatives met there);
        in an open-air venue, the whole group standing in it."""
        crowds = self.groups.crowds
        if not venue.indoor:
            return sum(c.on_site for c in crowds.values() if c.venue == venue.id and c.place == BASE)
        reps = len(crowds[venue.reps_of].reps) if venue.reps_of in crowds else 0
        return self.occupancy(venue.id) + reps

    def free_meeting_room(self) -> VenueState | None:
        for venue in self.venues.values():
            if venue.spec.kind == VenueKind.meeting_room and venue.open and venue.reps_of is None:
                return venue
        return None

    # --- letting people in and serving them --------------------------------------------------

    def fill(self, crowd: Crowd) -> None:
        """Bring people waiting outside into the room as space allows, and queue them."""
        if not self.serviceable(crowd):
            return
        if crowd.place == BASE:
            venue = self.venues[crowd.venue or ""]
            space = venue.spec.capacity_people - self.occupancy(venue.id)
        else:
            space = len(crowd.outside)
        touched: set[str] = set()
        self.groups.touch(crowd)  # fewer outside: a calmer slope
        while space > 0 and crowd.outside:
            person = crowd.outside.popleft()
            if person.state is not OUTSIDE:
                continue
            person.state = QUEUED
            crowd.outside_n -= 1
            crowd.queued_n += 1
            crowd.inside += 1
            space -= 1
            team = self.channel_team[person.channel]
            person.ticket += 1
            self.queues.setdefault((crowd.place, team), deque()).append((person.ticket, person))
            touched.add(team)
        for team in touched:
            self.serve(crowd.place, team)

    def fill_venue(self, venue_id: str | None) -> None:
        """Room was made in ``venue_id``: let in whoever waits outside it."""
        for other in self.groups.crowds.values():
            if other.venue == venue_id and other.outside_n:
                self.fill(other)

    def serve(self, place: str, team_id: str) -> None:
        queue = self.queues.get((place, team_id))
        if not queue:
            return
        team = self.roster.teams[team_id]
        idle = [m for m in team.members if m.status is MemberStatus.IDLE and m.place == place]
        kernel = self.kernel
        while queue and idle:
            ticket, person = queue.popleft()
            if person.state is not QUEUED or person.ticket != ticket:
                continue
            member = idle.pop()
            self.roster.task(member, SERVE)
            person.state = IN_SERVICE
            person.service_start = kernel.now
            crowd = self.groups.crowds[person.crowd]
            crowd.queued_n -= 1
            crowd.in_service_n += 1
            self.groups.touch(crowd)  # one fewer to help leave
            kernel.at(kernel.now + person.service, partial(self._served, member, person))

    def staff_free(self, member: Member) -> None:
        """An idle member takes up waiting reception work at their place."""
        if member.place is not None:
            self.serve(member.place, member.team)

    def _served(self, member: Member, person: Person) -> None:
        crowd = self.groups.crowds[person.crowd]
        now = self.env.now
        if person.state is IN_SERVICE:
            person.state = REGISTERED
            crowd.in_service_n -= 1
            crowd.registered.append(person)
            self.groups.touch(crowd)
            self.log.add(now, "registered", crowd.id, channel=person.channel, by=member.team)
            self.groups.received(crowd, person)
        self.roster.release(member)

    def open(self, venue: VenueState) -> None:
        venue.open = True
        venue.opening_eta = None
        self.log.add(self.env.now, "venue_opened", venue.id)
        for crowd in self.groups.crowds.values():
            if crowd.venue == venue.id:
                self.fill(crowd)
