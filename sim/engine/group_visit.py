"""Group visits (集体访): crowds arriving, waiting, being received, choosing
representatives and leaving.

The component owns every crowd's lifecycle and the log entries about it:
arrivals (one process per batch of people), patience running out, departures,
dispersal, moving into a venue, representatives, people joining, copycat
gatherings spawned by online heat. What a crowd does between events (its
agitation line and its hazards) is in ``crowd_behaviour``.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Generator
from functools import partial
from typing import TYPE_CHECKING, Any

from ..spec.plan import Plan
from ..spec.scenario import GroupBehaviour, GroupVisit
from .crowd_behaviour import CrowdBehaviour
from .kernel import Kernel
from .log import EventLog
from .people import MAX_REPRESENTATIVES, ON_SITE, Crowd, Person, PersonState
from .staff import BASE
from .streams import Streams

if TYPE_CHECKING:
    import simpy

    from .levels import Levels
    from .online import Online
    from .reception import Reception, VenueState
    from .roster import Roster

OUTSIDE, QUEUED, IN_SERVICE, REGISTERED, REP = (
    PersonState.OUTSIDE,
    PersonState.QUEUED,
    PersonState.IN_SERVICE,
    PersonState.REGISTERED,
    PersonState.REPRESENTATIVE,
)


class GroupVisits:
    def __init__(self, plan: Plan, kernel: Kernel, log: EventLog, streams: Streams):
        self.plan = plan
        self.kernel = kernel
        self.env = kernel.env
        self.log = log
        self.streams = streams
        self.crowds: dict[str, Crowd] = {}
        self.pending = 0  # people expected who have not arrived yet, all crowds
        self.behaviour = CrowdBehaviour(self)
        # wired by the world
        self.roster: Roster
        self.reception: Reception
        self.levels: Levels
        self.online: Online
        self.on_new: Any = None  # the world lists each new incident in order

    # --- set-up ---------------------------------------------------------------------------

    def add(self, crowd_id: str, spec: GroupVisit, behaviour: GroupBehaviour, start_min: float) -> Crowd:
        place, venue = self.reception.place_of(spec.location)
        env = self.kernel.env
        crowd = Crowd.create(
            crowd_id,
            spec,
            behaviour,
            place,
            venue,
            self.plan.channels,
            self.streams(f"people:{crowd_id}"),
            start_min,
            lambda: env.now,
        )
        self.behaviour.register(crowd)
        self.crowds[crowd_id] = crowd
        self.pending += crowd.pending_arrivals
        return crowd

    def start(self, crowd: Crowd) -> None:
        self.kernel.process(self._arrivals(crowd, list(crowd.people)))

    def _arrivals(self, crowd: Crowd, batch: list[Person]) -> Generator[simpy.Event, Any, None]:
        kernel = self.kernel
        for person in batch:
            wait = person.arrival - kernel.now
            if wait > 0:
                yield kernel.timeout(wait)
            self._arrive(crowd, person)

    # --- what others read -----------------------------------------------------------------

    def head_count(self) -> int:
        return sum(c.on_site for c in self.crowds.values())

    def pending_arrivals(self) -> int:
        return self.pending

    def intent_on_site(self) -> bool:
        return any(c.spec.intent_to_escalate and c.on_site > 0 for c in self.crowds.values())

    def touch(self, crowd: Crowd) -> None:
        self.behaviour.touch(crowd)

    def sample(self) -> None:
        now = self.env.now
        for crowd in self.crowds.values():
            if crowd.started:
                self.log.add(now, "sample", crowd.id, on_site=crowd.on_site, agitation=crowd.agitation)

    # --- arriving and leaving --------------------------------------------------------------

    def _arrive(self, crowd: Crowd, person: Person) -> None:
        now = self.env.now
        if not crowd.started:
            crowd.started = True
            self.log.add(now, "group_started", crowd.id, place=crowd.place, venue=crowd.venue)
        crowd.pending_arrivals -= 1
        self.pending -= 1
        crowd.on_site += 1
        crowd.peak_on_site = max(crowd.peak_on_site, crowd.on_site)
        person.state = OUTSIDE
        crowd.outside.append(person)
        crowd.outside_n += 1
        self.log.add(now, "arrive", crowd.id, on_site=crowd.on_site)
        self.touch(crowd)
        self.reception.fill(crowd)
        self.kernel.at(person.arrival + person.patience, partial(self._patience_over, crowd, person))
        # a level can become due only when the head count reaches a trigger's
        # number, or a group (perhaps one that means to escalate) appears
        if crowd.on_site == 1 or self.levels.head_count() in self.levels.head_thresholds:
            self.levels.check()

    def _patience_over(self, crowd: Crowd, person: Person) -> None:
        """A person's patience is over: unanswered if still waiting to be received,
        or received (patience then runs afresh from the reception) with no reply."""
        state = person.state
        if state is OUTSIDE or state is QUEUED:
            self.leave(crowd, [person], "unanswered")
        elif state is REGISTERED and crowd.reply_at is None:
            received = person.received_at
            if received is not None and self.env.now >= received + person.patience:
                self.leave(crowd, [person], "unanswered")

    def received(self, crowd: Crowd, person: Person) -> None:
        """``person``'s claim is registered: answered at once if the group has its
        reply, else they wait for it, with their patience running afresh."""
        now = self.env.now
        person.received_at = now
        if crowd.reply_at is not None:
            self.answered(crowd, [person])
        else:
            self.kernel.at(now + person.patience, partial(self._patience_over, crowd, person))

    def answered(self, crowd: Crowd, people: list[Person]) -> None:
        """``people`` are received (claim registered, or representatives) and the
        group has its initial reply: each goes after their own going-home time.
        Called whichever comes second, the reception or the reply."""
        now = self.env.now
        for person in people:
            self.kernel.at(now + person.going, partial(self._going, crowd, person))

    def replied(self, crowd: Crowd) -> None:
        """The initial reply is issued: whoever is already received is answered."""
        self.answered(crowd, [*crowd.registered, *crowd.reps])

    def _going(self, crowd: Crowd, person: Person) -> None:
        if person.state is REGISTERED or person.state is REP:
            self.leave(crowd, [person], "answered")

    def leave(
        self, crowd: Crowd, people: list[Person], reason: str, state: PersonState = PersonState.LEFT
    ) -> None:
        gone = 0
        for person in people:
            was = person.state
            if was not in ON_SITE:
                continue
            gone += 1
            if was is OUTSIDE:
                crowd.outside_n -= 1
            elif was is QUEUED:
                crowd.queued_n -= 1
                crowd.inside -= 1
            elif was is IN_SERVICE:
                crowd.in_service_n -= 1
                crowd.inside -= 1
            elif was is REGISTERED:
                crowd.inside -= 1
                crowd.registered.remove(person)
            elif was is REP:
                crowd.reps.remove(person)
            person.state = state
            crowd.on_site -= 1
            if state is PersonState.INJURED:
                crowd.injuries += 1
            elif reason == "unanswered":
                crowd.left_unanswered += 1  # shown on the incident panel; the log counts all departures
        if not gone:
            return
        self.touch(crowd)
        self.log.add(self.env.now, "left", crowd.id, n=gone, reason=reason, on_site=crowd.on_site)
        # whoever was inside made room for people outside, in this group or another
        self.reception.fill_venue(crowd.venue)
        if crowd.is_over() and crowd.dispersed_at is None:
            self._dispersed(crowd)

    def _dispersed(self, crowd: Crowd) -> None:
        crowd.dispersed_at = self.env.now
        self.log.add(self.env.now, "group_dispersed", crowd.id)
        if crowd.dialogue_with is not None:
            self.roster.officials[crowd.dialogue_with].engaged_with = None
            crowd.dialogue_with = None
        self.roster.release_all(f":{crowd.id}")
        for venue in self.reception.venues.values():
            if venue.reps_of == crowd.id:
                venue.reps_of = None

    # --- what decisions and injects do ---------------------------------------------------------

    def move(self, crowd: Crowd, venue_id: str) -> None:
        for person in crowd.people:
            if person.state is QUEUED:
                person.state = OUTSIDE
                crowd.queued_n -= 1
                crowd.inside -= 1
        crowd.outside = deque(p for p in crowd.people if p.state is OUTSIDE)
        crowd.outside_n = len(crowd.outside)
        crowd.venue = venue_id
        self.touch(crowd)
        self.log.add(self.env.now, "group_moved", crowd.id, venue=venue_id)
        self.reception.fill(crowd)

    def choose_representatives(self, crowd: Crowd, room: VenueState | None) -> None:
        """At most five speak for the group; at the unit they sit in ``room``, at an
        outlying site they meet where they are (``room`` is None)."""
        on_site = [
            p for p in crowd.people if p.state is REGISTERED or p.state is QUEUED or p.state is OUTSIDE
        ]
        reps = on_site[:MAX_REPRESENTATIVES]
        for person in reps:
            if person.state is QUEUED:
                crowd.queued_n -= 1
                crowd.inside -= 1
            elif person.state is REGISTERED:
                crowd.inside -= 1
                crowd.registered.remove(person)
            elif person.state is OUTSIDE:
                crowd.outside_n -= 1
            person.state = REP
            crowd.reps.append(person)
        crowd.reps_at = self.env.now
        self.touch(crowd)
        if room is not None:
            room.reps_of = crowd.id
        self.log.add(
            self.env.now,
            "representatives_chosen",
            crowd.id,
            n=len(reps),
            room=room.id if room else crowd.place,
        )
        if crowd.reply_at is not None:
            self.answered(crowd, reps)
        for other in self.crowds.values():
            if other.venue == crowd.venue:
                self.reception.fill(other)

    def representatives_chosen(self, crowd: Crowd) -> None:
        """The group has chosen (``AskRepresentatives`` took its time): they sit in a
        free meeting room at the unit, or meet where they are at a site."""
        crowd.reps_pending = False
        if crowd.is_over():
            return
        room = self.reception.free_meeting_room()
        if room is None and crowd.place == BASE:
            self.log.add(self.env.now, "representatives_waiting", crowd.id, why="no free meeting room")
            return
        self.choose_representatives(crowd, room)

    def join(self, crowd: Crowd, count: int, spread_min: float, stream: str) -> None:
        """``count`` more people come over ``spread_min`` minutes."""
        people = crowd.add_people(count, self.env.now, spread_min, self.plan.channels, self.streams(stream))
        self.pending += count
        if crowd.dispersed_at is not None:
            crowd.dispersed_at = None
        self.touch(crowd)
        self.kernel.process(self._arrivals(crowd, people))

    def shift(self, crowd: Crowd, change: float) -> None:
        crowd.mood.shift(self.env.now, change)
        self.touch(crowd)

    def drop(self, crowd: Crowd, amount: float) -> None:
        """Agitation falls at once (a reply, a package, the family arriving)."""
        crowd.mood.shift(self.env.now, -amount)
        self.touch(crowd)

    def dialogue(self, crowd: Crowd, official: str) -> None:
        crowd.dialogue_with = official

    def cordon(self, crowd: Crowd) -> None:
        """Order at the site: an escalation under way ends sooner."""
        crowd.cordon_at = self.env.now
        if crowd.escalated_until is not None:
            end = self.env.now + crowd.behaviour.escalation_with_order_min
            crowd.escalated_until = min(crowd.escalated_until, end)
        self.touch(crowd)  # a cordon cuts the escalation hazard (it may stand minutes after the order)

    def spawn_copycat(self, crowd_id: str, spec: GroupVisit, topic: str, heat: float) -> Crowd:
        crowd = self.add(crowd_id, spec, spec.behaviour, self.env.now)
        if self.on_new is not None:
            self.on_new(crowd_id)
        self.log.add(
            self.env.now, "copycat_gathering", crowd_id, topic=topic, people=len(crowd.people), heat=heat
        )
        self.start(crowd)
        return crowd
