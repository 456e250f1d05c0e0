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
from dataclasses import dataclass, field

import numpy as np

from ..spec.plan import Channel
from ..spec.scenario import GroupBehaviour, GroupVisit

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
    agitation: float
    outside: deque[Person] = field(default_factory=deque)
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
    ) -> Crowd:
        size = max(1, round(spec.size_people.sample(rng)))
        crowd = cls(crowd_id, spec, behaviour, place, venue, [], behaviour.initial_agitation)
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
        return new

    def waiting_unanswered(self) -> int:
        """On site without a registered claim (outside, queued, being served)."""
        return self.on_site - len(self.registered) - len(self.reps)

    def is_over(self) -> bool:
        return self.started and self.pending_arrivals == 0 and self.on_site == 0

    def drop_agitation(self, amount: float) -> None:
        self.agitation = max(0.0, self.agitation - amount)

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
            outside_share = len(self.outside) / self.on_site
            slope += b.outside_rise_per_hour * outside_share
        return slope

    def escalation_hazard_per_hour(self) -> float:
        b = self.behaviour
        if self.agitation <= b.escalation_agitation or self.on_site == 0:
            return 0.0
        excess = (self.agitation - b.escalation_agitation) / max(1e-9, 1.0 - b.escalation_agitation)
        hazard = b.escalation_per_hour * excess
        if self.cordon_at is not None:
            hazard *= b.cordon_escalation_factor
        return hazard
