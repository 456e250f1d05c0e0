"""Group visits: the people in them, the crowd, and the crowd's situation.

Each person is drawn when the crowd is created (arrival time, patience,
reception channel, service time, how long they take to go once answered),
from the incident's own stream, so no decision or staffing change can alter
who comes and when.

A person leaves in one of three ways, each logged with its reason: *answered*
(received — their claim registered at a window, or they are a representative
— and the group's initial reply issued: they go after their own going-home
time), *helped* (with representatives chosen, a reception member sees them
off) or *unanswered* (their patience runs out first: waiting to be received, or,
once received, waiting as long again for the reply). Departure is tied to
being received, so reception capacity sets how fast a crowd thins out. The crowd's
agitation (0 calm .. 1 very agitated) is one number: it rises while people
wait with nobody talking to them and no official present, falls during a
dialogue, with legal aid, and drops at once with an initial reply, a package
solution or the family's arrival.

Everything the agitation's slope and the crowd's two hazards depend on is
computed once into a frozen ``CrowdSituation``; the slope and the hazards are
functions of it alone, and it is also the key that says whether a re-plan is
needed, so the key cannot miss an input of the slope.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import NamedTuple

import numpy as np

from ..spec.plan import Channel
from ..spec.scenario import GroupBehaviour, GroupVisit
from .hazard import OFF, Hazard, MoodPath, no_clock


class PersonState(StrEnum):
    COMING = "coming"
    OUTSIDE = "outside"  # on site, not inside a room where they can be received
    QUEUED = "queued"  # inside, in the reception queue
    IN_SERVICE = "in_service"
    REGISTERED = "registered"  # claim registered, still on site
    REPRESENTATIVE = "representative"
    LEFT = "left"
    INJURED = "injured"


ON_SITE = frozenset(
    {
        PersonState.OUTSIDE,
        PersonState.QUEUED,
        PersonState.IN_SERVICE,
        PersonState.REGISTERED,
        PersonState.REPRESENTATIVE,
    }
)

MAX_REPRESENTATIVES = 5  # national petition regulation: at most five speak for a group


@dataclass(slots=True, eq=False)
class Person:
    crowd: str
    index: int
    arrival: float
    patience: float
    channel: str
    service: float
    going: float = 0.0  # minutes from being answered to leaving
    received_at: float | None = None  # when their claim was registered
    state: PersonState = PersonState.COMING
    ticket: int = 0  # bumped on every (re)queueing; stale queue entries are skipped
    service_start: float | None = None


class CrowdSituation(NamedTuple):
    """What a present crowd's agitation and behaviour depend on, besides its mood
    (a named tuple: built at every re-plan, compared with the last one)."""

    official_present: bool
    in_dialogue: bool
    unanswered_waiting: bool  # someone on site without a registered claim
    legal_aid: bool
    outside_share: float  # of those on site, the share left outdoors (0 at a site)
    escalated_until: float | None
    cordon: bool
    reps_chosen: bool
    helpers: int  # reception members present, once representatives are chosen
    unserved: bool  # someone outside or queueing, once representatives are chosen

    def slope_per_hour(self, b: GroupBehaviour) -> float:
        slope = 0.0
        if not self.in_dialogue and self.unanswered_waiting:
            slope += b.waiting_rise_per_hour
        if not self.official_present:
            slope += b.no_official_rise_per_hour
        if self.in_dialogue:
            slope -= b.dialogue_calm_per_hour
        if self.legal_aid:
            slope -= b.legal_aid_calm_per_hour
        if self.outside_share:
            slope += b.outside_rise_per_hour * self.outside_share
        return slope

    def escalation_hazard(self, b: GroupBehaviour) -> Hazard:
        """Per minute: zero up to the escalation threshold, then rising in
        proportion to how far agitation is above it; a cordon cuts it."""
        if self.escalated_until is not None:
            return OFF
        rate = b.escalation_per_hour / 60.0
        if self.cordon:
            rate *= b.cordon_escalation_factor
        span = max(1e-9, 1.0 - b.escalation_agitation)
        return Hazard(-rate * b.escalation_agitation / span, rate / span)

    def helped_hazard(self, b: GroupBehaviour) -> Hazard:
        """Per minute: with representatives chosen, each reception member present
        sees off so many of the rest an hour, fewer the more agitated the crowd."""
        if not self.reps_chosen or self.helpers == 0 or not self.unserved:
            return OFF
        rate = b.helped_leave_per_hour / 60.0 * self.helpers
        return Hazard(rate, -rate)


@dataclass(eq=False)
class Crowd:
    id: str
    spec: GroupVisit
    behaviour: GroupBehaviour
    place: str  # BASE or a site id
    venue: str | None  # the venue they are in (None at a site)
    people: list[Person]
    mood: MoodPath  # agitation, read at the present time
    outside: deque[Person] = field(default_factory=deque)  # the queue to get in (may hold people since gone)
    outside_n: int = 0  # how many are outside now
    queued_n: int = 0  # inside, waiting for a clerk
    in_service_n: int = 0
    registered: list[Person] = field(default_factory=list)
    reps: list[Person] = field(default_factory=list)
    on_site: int = 0
    inside: int = 0
    pending_arrivals: int = 0
    peak_on_site: int = 0
    escalations: int = 0
    injuries: int = 0
    left_unanswered: int = 0
    dialogue_with: str | None = None
    reply_at: float | None = None
    package_at: float | None = None
    family_at: float | None = None
    legal_at: float | None = None
    cordon_at: float | None = None
    medical_at: float | None = None
    reps_at: float | None = None
    escalated_until: float | None = None
    dispersed_at: float | None = None
    started: bool = False
    reps_pending: bool = False
    reply_pending: bool = False
    package_pending: bool = False
    family_pending: bool = False
    situation: tuple[int, CrowdSituation] | None = None  # (mood version, situation) of the last plan
    unserved_cursor: int = -1  # helped departures pick the latest comers: where to look from

    @classmethod
    def create(
        cls,
        crowd_id: str,
        spec: GroupVisit,
        behaviour: GroupBehaviour,
        place: str,
        venue: str | None,
        channels: dict[str, Channel],
        rng: np.random.Generator,
        start_min: float,
        clock: Callable[[], float] = no_clock,
    ) -> Crowd:
        size = max(1, round(spec.size_people.sample(rng)))
        crowd = cls(crowd_id, spec, behaviour, place, venue, [], MoodPath(behaviour.initial_agitation, clock))
        crowd.mood.t0 = start_min
        crowd.add_people(size, start_min, spec.arrival_spread_min, channels, rng)
        return crowd

    def add_people(
        self,
        count: int,
        start_min: float,
        spread_min: float,
        channels: dict[str, Channel],
        rng: np.random.Generator,
    ) -> list[Person]:
        ids = list(channels)
        shares = np.array([channels[c].share for c in ids], dtype=float)
        shares = shares / shares.sum()
        offsets = np.sort(rng.uniform(0.0, spread_min, size=count)) if spread_min > 0 else np.zeros(count)
        picks = rng.choice(len(ids), size=count, p=shares)
        new = []
        for k in range(count):
            channel = ids[int(picks[k])]
            person = Person(
                crowd=self.id,
                index=len(self.people),
                arrival=start_min + float(offsets[k]),
                patience=self.behaviour.patience_min.sample(rng),
                channel=channel,
                service=channels[channel].service_min.sample(rng),
                going=self.behaviour.answered_leave_min.sample(rng),
            )
            self.people.append(person)
            new.append(person)
        self.pending_arrivals += count
        self.unserved_cursor = len(self.people) - 1
        return new

    @property
    def agitation(self) -> float:
        return self.mood.value

    def latest_unserved(self) -> Person | None:
        """The latest comer still outside or queueing (helped to leave first).
        People only move out of these states (or between them), so the search
        never needs to look right of where it stopped before."""
        k = self.unserved_cursor
        people = self.people
        outside, queued = PersonState.OUTSIDE, PersonState.QUEUED
        while k >= 0:
            person = people[k]
            if person.state is outside or person.state is queued:
                self.unserved_cursor = k
                return person
            k -= 1
        self.unserved_cursor = -1
        return None

    def waiting_unanswered(self) -> int:
        """On site without a registered claim (outside, queued, being served)."""
        return self.on_site - len(self.registered) - len(self.reps)

    def is_over(self) -> bool:
        return self.started and self.pending_arrivals == 0 and self.on_site == 0

    def situation_now(self, official_present: bool, helpers: int) -> CrowdSituation:
        """The crowd's situation, given whether an official is present and how many
        reception members could help people leave (see ``CrowdSituation``)."""
        reps_chosen = self.reps_at is not None
        answered = len(self.registered) + len(self.reps)
        on_site = self.on_site
        return CrowdSituation(
            official_present,
            self.dialogue_with is not None,
            on_site - answered > 0,
            self.legal_at is not None,
            self.outside_n / on_site if self.venue is not None and on_site else 0.0,
            self.escalated_until,
            self.cordon_at is not None,
            reps_chosen,
            helpers,
            reps_chosen and self.latest_unserved() is not None,
        )
