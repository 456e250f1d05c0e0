"""Group visits: the people in them and the crowd's shared mood.

Each person is drawn when the crowd is created (arrival time, patience,
reception channel, service time), from the incident's own stream, so no
decision or staffing change can alter who comes and when. The crowd's
agitation (0 calm .. 1 very agitated) is one number: it rises while people
wait with nobody talking to them and no official present, falls during a
dialogue, with legal aid, and drops at once with an initial reply, a package
solution or the family's arrival.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from ..spec.plan import Channel
from ..spec.scenario import GroupBehaviour, GroupVisit
from .hazard import INF, OFF, Hazard, MoodPath, no_clock

COMING = "coming"
OUTSIDE = "outside"  # on site, not inside a room where they can be received
WAITING = "waiting"  # inside, in the reception queue
IN_SERVICE = "in_service"
REGISTERED = "registered"  # claim registered, still on site
REP = "representative"
LEFT = "left"
INJURED = "injured"

ON_SITE = frozenset({OUTSIDE, WAITING, IN_SERVICE, REGISTERED, REP})

MAX_REPRESENTATIVES = 5  # national petition regulation: at most five speak for a group


@dataclass(slots=True, eq=False)
class Person:
    crowd: str
    index: int
    arrival: float
    patience: float
    channel: str
    service: float
    state: str = COMING
    ticket: int = 0  # bumped on every (re)queueing; stale queue entries are skipped
    service_start: float | None = None


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
    # the next behaviour event (escalation, departures, a level threshold)
    wake_at: float = INF
    wake_kind: str = ""
    timer_at: float | None = None  # the earliest wake-up already scheduled
    plan_key: tuple | None = None  # the inputs of the last re-plan (see plan_key_of)
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
        while k >= 0:
            person = people[k]
            if person.state == OUTSIDE or person.state == WAITING:
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

    def drop_agitation(self, amount: float) -> None:
        self.mood.shift(self.mood.clock(), -amount)

    def plan_key_of(self, official_present: bool, helpers: int) -> tuple:
        """Everything the agitation slope and the three hazards below depend on."""
        answered = self.reply_at is not None
        return (
            self.mood.version,
            official_present,
            self.dialogue_with is None,
            self.waiting_unanswered() > 0,
            self.legal_at is None,
            self.outside_n / self.on_site if self.venue is not None and self.on_site else 0.0,
            self.on_site == 0,
            self.escalated_until,
            self.cordon_at is None,
            answered,
            len(self.registered) + len(self.reps) if answered else 0,
            self.package_at is None,
            self.reps_at is None,
            helpers,
            self.reps_at is not None and self.latest_unserved() is not None,
        )

    def agitation_slope_per_hour(self, official_present: bool) -> float:
        b = self.behaviour
        slope = 0.0
        if self.dialogue_with is None and self.waiting_unanswered() > 0:
            slope += b.waiting_rise_per_hour
        if not official_present:
            slope += b.no_official_rise_per_hour
        if self.dialogue_with is not None:
            slope -= b.dialogue_calm_per_hour
        if self.legal_at is not None:
            slope -= b.legal_aid_calm_per_hour
        if self.on_site > 0 and self.venue is not None:
            outside_share = self.outside_n / self.on_site
            slope += b.outside_rise_per_hour * outside_share
        return slope

    def escalation_hazard(self) -> Hazard:
        """Per minute: zero up to the escalation threshold, then rising in
        proportion to how far agitation is above it; a cordon cuts it."""
        b = self.behaviour
        if self.on_site == 0 or self.escalated_until is not None:
            return OFF
        rate = b.escalation_per_hour / 60.0
        if self.cordon_at is not None:
            rate *= b.cordon_escalation_factor
        span = max(1e-9, 1.0 - b.escalation_agitation)
        return Hazard(-rate * b.escalation_agitation / span, rate / span)

    def answered_hazard(self) -> Hazard:
        """Per minute, for all the answered together: each leaves sooner when calm,
        twice as soon with a package solution."""
        n = len(self.registered) + len(self.reps)
        if self.reply_at is None or n == 0:
            return OFF
        rate = (
            n * self.behaviour.answered_leave_per_hour / 60.0 * (2.0 if self.package_at is not None else 1.0)
        )
        return Hazard(rate, -rate)

    def helped_hazard(self, helpers: int) -> Hazard:
        """Per minute: with representatives chosen, each reception member present
        sees off so many of the rest an hour, fewer the more agitated the crowd."""
        if self.reps_at is None or helpers == 0 or self.latest_unserved() is None:
            return OFF
        rate = self.behaviour.helped_leave_per_hour / 60.0 * helpers
        return Hazard(rate, -rate)
