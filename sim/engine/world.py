"""The discrete-event model: one SimPy environment holding a unit's staff,
officials and venues, and a scenario's people and online heat.

Processes:
- the alert chain (screen, verify; the level decision is a trainee's decision);
- one arrival process per group, a patience timer per person, reception
  service as timed callbacks (one staff member serves one person at a time);
- a one-minute behaviour tick: agitation, escalations, departures, distress,
  self-harm hazard, online heat, copycat gatherings, level triggers;
- the injects of the Master Scenario Events List;
- member and official arrivals after their sampled call-in times.

Everything that happens is appended to the event log; milestones listen to it.
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Callable
from typing import Any

import simpy

from ..spec.plan import LEVELS, Duty, Plan, VenueKind
from ..spec.scenario import (
    EFFECT_TARGETS,
    ExtremeIndividual,
    GroupBehaviour,
    GroupVisit,
    OnlineTopic,
    Scenario,
)
from .heat import Topic
from .individual import ACTIVE, HARMED, RESOLVED, Individual
from .log import EventLog
from .people import (
    IN_SERVICE,
    INJURED,
    LEFT,
    MAX_REPRESENTATIVES,
    ON_SITE,
    OUTSIDE,
    REGISTERED,
    REP,
    WAITING,
    Crowd,
    Person,
)
from .reasons import Name, why
from .staff import BASE, EN_ROUTE, IDLE, PRESENT, SUMMONED, TASKED, Member, OfficialState, TeamState
from .streams import Streams

TICK_MIN = 1.0  # behaviour is integrated once a simulated minute
SAMPLE_EVERY_MIN = 5.0  # crowd samples in the log (head count, agitation)


class VenueState:
    __slots__ = ("id", "open", "opening_eta", "reps_of", "spec")

    def __init__(self, venue_id: str, spec: Any):
        self.id = venue_id
        self.spec = spec
        self.open = bool(spec.open_at_start)
        self.opening_eta: float | None = None
        self.reps_of: str | None = None  # meeting rooms: the group whose representatives sit here

    @property
    def indoor(self) -> bool:
        return self.spec.kind != VenueKind.outdoor


class World:
    def __init__(self, plan: Plan, scenario: Scenario, seed: Any):
        self.plan = plan
        self.scenario = scenario
        self.env = simpy.Environment()
        self.streams = Streams(seed)
        self.log = EventLog()
        self.teams = {tid: TeamState.from_spec(tid, t) for tid, t in plan.teams.items()}
        self.officials = {oid: OfficialState.from_spec(oid, o) for oid, o in plan.officials.items()}
        self.venues = {vid: VenueState(vid, v) for vid, v in plan.venues.items()}
        self.channel_team = {cid: c.team for cid, c in plan.channels.items()}
        # a team's duties never change during a drill: index them once
        self._teams_by_duty: dict[Duty, list[TeamState]] = {}
        for team in self.teams.values():
            for duty in team.spec.duties:
                self._teams_by_duty.setdefault(duty, []).append(team)
        self.queues: dict[tuple[str, str], deque[tuple[int, Person]]] = {}
        self.crowds: dict[str, Crowd] = {}
        self.individuals: dict[str, Individual] = {}
        self.topics: dict[str, Topic] = {}
        self.incident_order: list[str] = []
        # levels
        self.level: str | None = None  # effective declared level
        self.level_pending: tuple[str, float] | None = None  # (level, effective at)
        self.declared_at: dict[str, float] = {}  # first time each level (or higher) took effect
        self.required_at: dict[str, float] = {}  # first time each level's triggers held
        self.recommended: str | None = None
        # alert chain
        self.first_report_at: float | None = None
        self.step_done: dict[str, float] = {}
        self.step_started: dict[str, float] = {}
        # response-wide flags
        self.statement_drafting_eta: float | None = None
        self.statements: list[float] = []
        self.support_requested_at: float | None = None
        self.ended_at: float | None = None
        self.pending: list[dict[str, Any]] = []  # decisions under way: {what, eta}
        self.history: dict[str, list[tuple[float, float, float]]] = {}  # id -> (t, value, aux)
        self._tick_hooks: list[Callable[[float], None]] = []
        # process order fixes the order of simultaneous events: the first report,
        # then the scenario's injects, then people arriving
        self.env.process(self._alert_chain())
        self.env.process(self._injects())
        self._create_incidents()
        self.env.process(self._tick())

    # --- set-up ------------------------------------------------------------------

    def place_of(self, location: str) -> tuple[str, str | None]:
        """(place, venue) for a location id: venues are at the base, sites are places."""
        if location in self.venues:
            return BASE, location
        return location, None

    def _create_incidents(self) -> None:
        for incident in self.scenario.incidents:
            self.incident_order.append(incident.id)
            if isinstance(incident, GroupVisit):
                place, venue = self.place_of(incident.location)
                crowd = Crowd.create(
                    incident.id,
                    incident,
                    incident.behaviour,
                    place,
                    venue,
                    self.plan.channels,
                    self.streams(f"people:{incident.id}"),
                    incident.start_min,
                )
                self.crowds[incident.id] = crowd
                self.env.process(self._arrivals(crowd))
            elif isinstance(incident, ExtremeIndividual):
                place, venue = self.place_of(incident.location)
                ind = Individual(incident.id, incident, place, venue, incident.initial_distress)
                self.individuals[incident.id] = ind
                self.env.process(self._individual_start(ind))
            elif isinstance(incident, OnlineTopic):
                topic = Topic.from_spec(incident)
                self.topics[incident.id] = topic
                self.env.process(self._topic_start(topic))

    def rng(self, name: str):  # type: ignore[no-untyped-def]
        return self.streams(name)

    @property
    def now(self) -> float:
        return self.env.now

    # --- helpers for decisions and milestones -------------------------------------

    def team_with(self, duty: Duty) -> list[TeamState]:
        return self._teams_by_duty.get(duty, [])

    def members_with(self, duty: Duty, place: str | None = None, idle: bool = False) -> list[Member]:
        out = []
        for team in self.team_with(duty):
            for m in team.members:
                if m.status not in (IDLE, TASKED):
                    continue
                if place is not None and m.place != place:
                    continue
                if idle and m.status != IDLE:
                    continue
                out.append(m)
        return out

    def officials_at(self, place: str) -> list[OfficialState]:
        """Officials on site at ``place`` who meet petitioners (not the duty desk)."""
        return [
            o
            for o in self.officials.values()
            if o.status == PRESENT and o.place == place and o.spec.meets_petitioners
        ]

    def name(self, key: str) -> Name:
        """The bilingual label of a team, official, venue, site or incident id."""
        for table in (self.plan.teams, self.plan.officials, self.plan.venues, self.plan.sites):
            item = table.get(key)
            if item is not None:
                return Name(item.label.zh, item.label.en)
        inc = self.incident(key)
        if inc is not None:
            return Name(inc.spec.label.zh, inc.spec.label.en)
        if key == BASE:
            return Name("本单位", "the unit")
        return Name(key, key)

    def incident(self, incident_id: str) -> Crowd | Individual | Topic | None:
        return self.crowds.get(incident_id) or self.individuals.get(incident_id) or self.topics.get(incident_id)

    def site_incidents(self) -> list[Crowd | Individual]:
        """Group visits and individuals, in scenario order (copycats last)."""
        out: list[Crowd | Individual] = []
        for iid in self.incident_order:
            inc = self.crowds.get(iid) or self.individuals.get(iid)
            if inc is not None:
                out.append(inc)
        return out

    def active_site_incidents(self) -> list[Crowd | Individual]:
        out: list[Crowd | Individual] = []
        for inc in self.site_incidents():
            if isinstance(inc, Crowd):
                if inc.started and not inc.is_over():
                    out.append(inc)
            elif inc.started and inc.status == ACTIVE:
                out.append(inc)
        return out

    def main_place(self) -> str:
        incidents = self.site_incidents()
        return incidents[0].place if incidents else BASE

    def head_count(self) -> int:
        return sum(c.on_site for c in self.crowds.values()) + sum(
            i.head_count() for i in self.individuals.values()
        )

    def pending_arrivals(self) -> int:
        return sum(c.pending_arrivals for c in self.crowds.values())

    def max_heat(self) -> float:
        return max((t.heat for t in self.topics.values()), default=0.0)

    def max_agitation(self) -> float:
        values = [c.agitation for c in self.crowds.values() if c.on_site > 0]
        values += [i.distress for i in self.individuals.values() if i.head_count()]
        return max(values, default=0.0)

    def add_pending(self, what: str, eta: float, **data: Any) -> dict[str, Any]:
        item = {"what": what, "eta": eta, **data}
        self.pending.append(item)
        return item

    def done_pending(self, item: dict[str, Any]) -> None:
        if item in self.pending:
            self.pending.remove(item)

    def after(self, delay: float, callback: Callable[[], None]) -> None:
        """Run ``callback`` ``delay`` minutes from now (a timed callback, not a process)."""
        event = self.env.timeout(max(0.0, delay))
        event.callbacks.append(lambda _e: callback())

    def on_tick(self, hook: Callable[[float], None]) -> None:
        self._tick_hooks.append(hook)

    # --- staff movements ---------------------------------------------------------

    def call_in(self, team: TeamState, count: int) -> list[Member]:
        rng = self.rng(f"team:{team.id}")
        called = team.off_duty()[:count]
        for member in called:
            delay = team.spec.call_in_min.sample(rng)
            member.status = EN_ROUTE
            member.eta = self.now + delay
            member.place = None
            self.after(delay, lambda m=member: self._member_arrives(m, BASE))
        return called

    def _member_arrives(self, member: Member, place: str) -> None:
        member.status = IDLE
        member.place = place
        member.eta = None
        member.task = None
        self.log.add(self.now, "team_arrived", member.team, member=member.index + 1, place=place)
        self.member_free(member)

    def send(self, member: Member, place: str, task: str | None) -> float:
        """Move an on-duty member to ``place`` for ``task``; returns the travel time."""
        travel = 0.0
        if member.place != place:
            site = self.plan.sites.get(place) or self.plan.sites.get(member.place or "")
            if site is not None:
                travel = site.travel_min.sample(self.rng(f"travel:{member.team}"))
        if travel <= 0:
            member.place = place
            member.status = TASKED if task else IDLE
            member.task = task
            if task is None:
                self.member_free(member)
            return 0.0
        member.status = EN_ROUTE
        member.place = None
        member.eta = self.now + travel
        member.task = task

        def arrive() -> None:
            member.place = place
            member.eta = None
            member.status = TASKED if member.task else IDLE
            self.log.add(self.now, "team_arrived", member.team, member=member.index + 1, place=place)
            if member.status == IDLE:
                self.member_free(member)

        self.after(travel, arrive)
        return travel

    def release(self, member: Member) -> None:
        if member.status == TASKED:
            member.status = IDLE
            member.task = None
            self.member_free(member)

    def member_free(self, member: Member) -> None:
        """An idle member at a place takes up waiting reception work there."""
        if member.status == IDLE and member.place is not None:
            self.try_serve(member.place, member.team)

    def summon(self, official: OfficialState, place: str) -> float:
        delay = official.spec.arrival_min.sample(self.rng(f"official:{official.id}"))
        official.status = SUMMONED
        official.eta = self.now + delay

        def arrive() -> None:
            official.status = PRESENT
            official.place = place
            official.eta = None
            self.log.add(self.now, "official_arrived", official.id, place=place)

        self.after(delay, arrive)
        return delay

    # --- alert chain --------------------------------------------------------------

    def _alert_chain(self):  # type: ignore[no-untyped-def]
        if self.scenario.first_report_min > 0:
            yield self.env.timeout(self.scenario.first_report_min)
        self.first_report_at = self.now
        self.log.add(self.now, "first_report", "")
        for step in self.plan.alert_chain:
            if step.step == "decide":
                self.step_started["decide"] = self.now
                return  # the level decision is taken by people (DeclareLevel)
            self.step_started[step.step] = self.now
            member = None
            if step.by in self.teams:
                team = self.teams[step.by]
                while True:
                    idle = [m for m in team.members if m.status == IDLE]
                    if idle:
                        member = idle[0]
                        member.status = TASKED
                        member.task = f"alert:{step.step}"
                        break
                    yield self.env.timeout(TICK_MIN)
            duration = step.duration_min.sample(self.rng(f"alert:{step.step}"))
            yield self.env.timeout(duration)
            if member is not None:
                self.release(member)
            self.step_done[step.step] = self.now
            self.log.add(self.now, "alert_step", step.step, by=step.by)

    def decision_ready(self) -> str | None:
        """Why a level cannot be declared yet, or None."""
        if self.first_report_at is None:
            return why("no report has reached the duty officer yet", "值班员尚未收到首报")
        for step in self.plan.alert_chain:
            if step.step != "decide" and step.step not in self.step_done:
                return why(
                    f"the alert chain's {step.step} step is not finished",
                    "研判流程的“{label}”一步尚未完成",
                    label=Name(step.label.zh, step.label.en),
                )
        return None

    def declare_level(self, level: str, delay: float) -> None:
        eta = self.now + delay
        item = self.add_pending("declare_level", eta, level=level)
        self.level_pending = (level, eta)

        def effective() -> None:
            self.done_pending(item)
            if self.level_pending and self.level_pending[0] == level:
                self.level_pending = None
            previous = self.level
            self.level = level
            rank = LEVELS.index(level)
            for name in LEVELS[: rank + 1]:
                self.declared_at.setdefault(name, self.now)
            if "decide" not in self.step_done:
                self.step_done["decide"] = self.now
                self.log.add(self.now, "alert_step", "decide", by="commander")
            self.log.add(self.now, "level_declared", level, previous=previous)

        self.after(delay, effective)

    # --- group visits -----------------------------------------------------------------

    def _arrivals(self, crowd: Crowd, people: list[Person] | None = None):  # type: ignore[no-untyped-def]
        batch = people if people is not None else list(crowd.people)
        for person in batch:
            wait = person.arrival - self.now
            if wait > 0:
                yield self.env.timeout(wait)
            self._arrive(crowd, person)

    def _arrive(self, crowd: Crowd, person: Person) -> None:
        if not crowd.started:
            crowd.started = True
            self.log.add(self.now, "group_started", crowd.id, place=crowd.place, venue=crowd.venue)
        crowd.pending_arrivals -= 1
        crowd.on_site += 1
        crowd.peak_on_site = max(crowd.peak_on_site, crowd.on_site)
        person.state = OUTSIDE
        crowd.outside.append(person)
        self.log.add(self.now, "arrive", crowd.id, on_site=crowd.on_site)
        self.fill(crowd)
        patience = person.patience
        self.after(patience, lambda: self._patience_over(crowd, person))

    def serviceable(self, crowd: Crowd) -> bool:
        if crowd.place != BASE:
            return True
        venue = self.venues.get(crowd.venue or "")
        return venue is not None and venue.indoor and venue.open

    def occupancy(self, venue_id: str) -> int:
        return sum(c.inside for c in self.crowds.values() if c.venue == venue_id and c.place == BASE)

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
        while space > 0 and crowd.outside:
            person = crowd.outside.popleft()
            if person.state != OUTSIDE:
                continue
            person.state = WAITING
            crowd.inside += 1
            space -= 1
            team = self.channel_team[person.channel]
            person.ticket += 1
            self.queues.setdefault((crowd.place, team), deque()).append((person.ticket, person))
            touched.add(team)
        for team in touched:
            self.try_serve(crowd.place, team)

    def try_serve(self, place: str, team_id: str) -> None:
        queue = self.queues.get((place, team_id))
        if not queue:
            return
        team = self.teams[team_id]
        idle = [m for m in team.members if m.status == IDLE and m.place == place]
        while queue and idle:
            ticket, person = queue.popleft()
            if person.state != WAITING or person.ticket != ticket:
                continue
            member = idle.pop()
            member.status = TASKED
            member.task = "serve"
            person.state = IN_SERVICE
            person.service_start = self.now
            self.after(person.service, lambda m=member, p=person: self._served(m, p))

    def _served(self, member: Member, person: Person) -> None:
        crowd = self.crowds[person.crowd]
        if person.state == IN_SERVICE:
            person.state = REGISTERED
            crowd.registered.append(person)
            self.log.add(self.now, "registered", crowd.id, channel=person.channel, by=member.team)
            if crowd.reply_at is None and self.now >= person.arrival + person.patience:
                # their patience ran out while being served: no answer, so they go
                self.leave(crowd, [person], "unanswered")
        self.release(member)

    def _patience_over(self, crowd: Crowd, person: Person) -> None:
        unanswered = person.state in (OUTSIDE, WAITING) or (
            person.state == REGISTERED and crowd.reply_at is None
        )
        if unanswered:
            self.leave(crowd, [person], "unanswered")

    def leave(self, crowd: Crowd, people: list[Person], reason: str, state: str = LEFT) -> None:
        gone = 0
        for person in people:
            was = person.state
            if was not in ON_SITE:
                continue
            gone += 1
            if was in (WAITING, IN_SERVICE, REGISTERED):
                crowd.inside -= 1
            if was == REGISTERED:
                crowd.registered.remove(person)
            elif was == REP:
                crowd.reps.remove(person)
            person.state = state
            crowd.on_site -= 1
            if state == INJURED:
                crowd.injuries += 1
            elif reason == "unanswered":
                crowd.left_unanswered += 1  # shown on the incident panel; the log counts all departures
        if not gone:
            return
        self.log.add(self.now, "left", crowd.id, n=gone, reason=reason, on_site=crowd.on_site)
        # whoever was inside made room for people outside, in this group or another
        for other in self.crowds.values():
            if other.venue == crowd.venue and other.outside:
                self.fill(other)
        if crowd.is_over() and crowd.dispersed_at is None:
            self._dispersed(crowd)

    def _dispersed(self, crowd: Crowd) -> None:
        crowd.dispersed_at = self.now
        self.log.add(self.now, "group_dispersed", crowd.id)
        if crowd.dialogue_with is not None:
            self.officials[crowd.dialogue_with].engaged_with = None
            crowd.dialogue_with = None
        for team in self.teams.values():
            for member in team.members:
                if member.task and member.task.endswith(f":{crowd.id}"):
                    self.release(member)
        for venue in self.venues.values():
            if venue.reps_of == crowd.id:
                venue.reps_of = None

    def move_group(self, crowd: Crowd, venue_id: str) -> None:
        for person in crowd.people:
            if person.state == WAITING:
                person.state = OUTSIDE
                crowd.inside -= 1
        crowd.outside = deque(p for p in crowd.people if p.state == OUTSIDE)
        crowd.venue = venue_id
        self.log.add(self.now, "group_moved", crowd.id, venue=venue_id)
        self.fill(crowd)

    def choose_representatives(self, crowd: Crowd, room: VenueState | None) -> None:
        """At most five speak for the group; at the unit they sit in ``room``, at an
        outlying site they meet where they are (``room`` is None)."""
        on_site = [p for p in crowd.people if p.state in (REGISTERED, WAITING, OUTSIDE)]
        reps = on_site[:MAX_REPRESENTATIVES]
        for person in reps:
            if person.state in (WAITING, REGISTERED):
                crowd.inside -= 1
            if person.state == REGISTERED:
                crowd.registered.remove(person)
            person.state = REP
            crowd.reps.append(person)
        crowd.reps_at = self.now
        if room is not None:
            room.reps_of = crowd.id
        self.log.add(self.now, "representatives_chosen", crowd.id, n=len(reps), room=room.id if room else crowd.place)
        for other in self.crowds.values():
            if other.venue == crowd.venue:
                self.fill(other)

    def add_to_crowd(self, crowd: Crowd, count: int, spread_min: float, stream: str) -> None:
        people = crowd.add_people(count, self.now, spread_min, self.plan.channels, self.rng(stream))
        if crowd.dispersed_at is not None:
            crowd.dispersed_at = None
        self.env.process(self._arrivals(crowd, people))

    # --- individuals and topics ------------------------------------------------------

    def _individual_start(self, ind: Individual):  # type: ignore[no-untyped-def]
        yield self.env.timeout(ind.spec.start_min)
        ind.started = True
        self.log.add(self.now, "individual_started", ind.id, place=ind.place, means=ind.spec.means)
        if ind.spec.livestream:
            self.start_livestream(ind.id)

    def start_livestream(self, incident_id: str) -> None:
        target = self.incident(incident_id)
        rate = 0.0
        if isinstance(target, Individual):
            if target.livestreaming or target.status != ACTIVE:
                return
            target.livestreaming = True
            rate = target.spec.behaviour.livestream_events_per_hour
        elif isinstance(target, Crowd):
            rate = target.behaviour.heat_events_per_escalation  # a group's stream, per hour
        for topic in self.topics.values():
            topic.extra_base_per_hour += rate
        self.log.add(self.now, "livestream_started", incident_id, events_per_hour=rate)

    def _stop_livestream(self, ind: Individual) -> None:
        if ind.livestreaming:
            ind.livestreaming = False
            for topic in self.topics.values():
                topic.extra_base_per_hour = max(
                    0.0, topic.extra_base_per_hour - ind.spec.behaviour.livestream_events_per_hour
                )

    def _topic_start(self, topic: Topic):  # type: ignore[no-untyped-def]
        yield self.env.timeout(topic.spec.start_min)
        topic.started = True
        topic.peak_heat = max(topic.peak_heat, topic.heat)
        self.log.add(self.now, "topic_started", topic.id, heat=topic.heat)

    def heat_burst(self, events: float, cause: str) -> None:
        for topic in self.topics.values():
            if topic.started:
                topic.add_events(events)
                self.log.add(self.now, "heat_burst", topic.id, events=events, cause=cause, heat=topic.heat)

    def publish_statement(self) -> None:
        self.statements.append(self.now)
        for topic in self.topics.values():
            timely = topic.started and self.now - topic.spec.start_min <= topic.spec.behaviour.statement_timely_min
            topic.apply_statement(timely or not topic.started)
        self.log.add(self.now, "statement_published", "", round=len(self.statements))

    # --- injects ----------------------------------------------------------------------

    def _injects(self):  # type: ignore[no-untyped-def]
        for n, inject in sorted(enumerate(self.scenario.injects), key=lambda x: (x[1].at_min, x[0])):
            wait = inject.at_min - self.now
            if wait > 0:
                yield self.env.timeout(wait)
            self.log.add(self.now, "inject", f"msel:{n + 1}", zh=inject.text.zh, en=inject.text.en)
            if inject.effect is not None:
                self.apply_effect(inject.effect.model_dump(), f"inject:{n}")

    def apply_effect(self, effect: dict[str, Any], stream: str) -> None:
        """Apply an inject's model effect (checked against EFFECT_TARGETS before: by the
        loader for a scenario's injects, by FacilitatorInject.validate for the rest)."""
        kind = effect["kind"]
        target = self.incident(effect["incident"])
        assert target is not None and target.spec.kind in EFFECT_TARGETS[kind], effect
        if kind == "join":
            self.add_to_crowd(target, int(effect["people"]), 10.0, stream)  # type: ignore[arg-type]
            self.log.add(self.now, "joined", target.id, people=int(effect["people"]))
        elif kind == "agitation":
            target.agitation = min(1.0, max(0.0, target.agitation + float(effect["change"])))  # type: ignore[union-attr]
            self.log.add(self.now, "agitation_changed", target.id, change=float(effect["change"]))
        elif kind == "heat_spike":
            target.add_events(int(effect["events"]))  # type: ignore[union-attr]
            self.log.add(self.now, "heat_burst", target.id, events=int(effect["events"]), cause="inject", heat=target.heat)  # type: ignore[union-attr]
        else:
            self.start_livestream(target.id)

    # --- the behaviour tick ------------------------------------------------------------

    def _tick(self):  # type: ignore[no-untyped-def]
        horizon = self.scenario.horizon_min
        next_sample = 0.0
        while self.now < horizon:
            yield self.env.timeout(TICK_MIN)
            now = self.now
            for crowd in list(self.crowds.values()):
                if crowd.started and crowd.on_site > 0:
                    self._crowd_tick(crowd, TICK_MIN)
            for ind in self.individuals.values():
                if ind.started and ind.status == ACTIVE:
                    self._individual_tick(ind, TICK_MIN)
            for topic in list(self.topics.values()):
                if topic.started:
                    topic.step(TICK_MIN, self.rng(f"heat:{topic.id}"))
                    self._copycat(topic)
            self._levels()
            if now >= next_sample:
                self._sample()
                next_sample = now + SAMPLE_EVERY_MIN
            for hook in self._tick_hooks:
                hook(now)

    def _sample(self) -> None:
        for crowd in self.crowds.values():
            if crowd.started:
                self.log.add(self.now, "sample", crowd.id, on_site=crowd.on_site, agitation=crowd.agitation)
        for ind in self.individuals.values():
            if ind.started:
                self.log.add(self.now, "sample", ind.id, distress=ind.distress)
        for topic in self.topics.values():
            if topic.started:
                self.log.add(self.now, "sample", topic.id, heat=topic.heat)

    def _crowd_tick(self, crowd: Crowd, dt: float) -> None:
        b = crowd.behaviour
        hours = dt / 60.0
        present = bool(self.officials_at(crowd.place))
        crowd.agitation = min(1.0, max(0.0, crowd.agitation + crowd.agitation_slope_per_hour(present) * hours))
        rng = self.rng(f"behaviour:{crowd.id}")
        # escalation: blocking a gate or a road, pushing at the entrance
        if crowd.escalated_until is not None and self.now >= crowd.escalated_until:
            crowd.escalated_until = None
            self.log.add(self.now, "escalation_ended", crowd.id)
        if crowd.escalated_until is None:
            hazard = crowd.escalation_hazard_per_hour()
            if hazard > 0 and rng.random() < 1.0 - math.exp(-hazard * hours):
                self._escalate(crowd, rng)
        # departures: the answered leave sooner when calm; with representatives
        # chosen, the rest are helped to leave
        calm = 1.0 - crowd.agitation
        if crowd.reply_at is not None and (crowd.registered or crowd.reps):
            boost = 2.0 if crowd.package_at is not None else 1.0
            p = 1.0 - math.exp(-b.answered_leave_per_hour * calm * boost * hours)
            # the answered are alike: draw how many go, and let the longest-waiting go first
            n = int(rng.binomial(len(crowd.registered), p)) if crowd.registered else 0
            leaving = crowd.registered[:n]
            if crowd.reps:
                leaving += crowd.reps[: int(rng.binomial(len(crowd.reps), p))]
            self.leave(crowd, list(leaving), "answered")
        if crowd.reps_at is not None:
            # helping people leave is staff work: each reception member present
            # sees off so many an hour, fewer the more agitated the crowd
            helpers = len(self.members_with(Duty.reception, place=crowd.place))
            unanswered = crowd.on_site - len(crowd.registered) - len(crowd.reps)
            if unanswered > 0 and helpers:
                n = min(unanswered, int(rng.poisson(b.helped_leave_per_hour * helpers * calm * hours)))
                if n:
                    rest: list[Person] = []
                    for q in reversed(crowd.people):  # the latest comers first
                        if q.state in (OUTSIDE, WAITING):
                            rest.append(q)
                            if len(rest) == n:
                                break
                    self.leave(crowd, rest, "helped")

    def _escalate(self, crowd: Crowd, rng) -> None:  # type: ignore[no-untyped-def]
        b = crowd.behaviour
        crowd.escalations += 1
        lasts = b.escalation_with_order_min if crowd.cordon_at is not None else b.escalation_calm_min
        crowd.escalated_until = self.now + lasts
        self.log.add(self.now, "escalation", crowd.id, on_site=crowd.on_site, agitation=crowd.agitation)
        chance = b.injury_chance_with_medical if crowd.medical_at is not None else b.injury_chance_no_medical
        if rng.random() < chance:
            on_site = [p for p in crowd.people if p.state in (OUTSIDE, WAITING, REGISTERED)]
            if on_site:
                self.log.add(self.now, "injury", crowd.id, medical=crowd.medical_at is not None)
                self.leave(crowd, [on_site[0]], "injured", state=INJURED)
        if b.heat_events_per_escalation > 0:
            self.heat_burst(b.heat_events_per_escalation, f"escalation:{crowd.id}")

    def _individual_tick(self, ind: Individual, dt: float) -> None:
        b = ind.spec.behaviour
        hours = dt / 60.0
        ind.distress = min(1.0, max(0.0, ind.distress + ind.distress_slope_per_hour() * hours))
        if ind.distress < b.resolved_below_distress:
            self._end_individual(ind, RESOLVED)
            self.log.add(self.now, "individual_resolved", ind.id, distress=ind.distress)
            return
        rng = self.rng(f"behaviour:{ind.id}")
        if rng.random() < 1.0 - math.exp(-ind.hazard_per_hour() * hours):
            chance = b.injury_chance_with_medical if ind.medical_at is not None else b.injury_chance_no_medical
            ind.injured = bool(rng.random() < chance)
            if ind.cordon_at is None and rng.random() < b.bystander_injury_chance_no_cordon:
                ind.bystanders_injured = 1
            self._end_individual(ind, HARMED)
            self.log.add(
                self.now,
                "self_harm",
                ind.id,
                injured=ind.injured,
                bystanders_injured=ind.bystanders_injured,
                medical=ind.medical_at is not None,
            )
            if ind.injured or ind.bystanders_injured:
                self.log.add(self.now, "injury", ind.id, medical=ind.medical_at is not None)

    def _end_individual(self, ind: Individual, status: str) -> None:
        ind.status = status
        ind.ended_at = self.now
        self._stop_livestream(ind)
        if ind.negotiators is not None:
            _member_name, official = ind.negotiators
            self.officials[official].engaged_with = None
        for team in self.teams.values():
            for member in team.members:
                if member.task and member.task.endswith(f":{ind.id}"):
                    self.release(member)

    def _copycat(self, topic: Topic) -> None:
        rule = topic.spec.copycat
        if rule is None or topic.copycats >= rule.max_gatherings or topic.heat < rule.heat_threshold:
            return
        if topic.last_copycat is not None and self.now - topic.last_copycat < rule.min_gap_min:
            return
        topic.copycats += 1
        topic.last_copycat = self.now
        behaviour = rule.behaviour or self._first_group_behaviour()
        crowd_id = f"{topic.id}-copycat-{topic.copycats}"
        spec = GroupVisit(
            kind="group_visit",
            id=crowd_id,
            label={"zh": f"跟风聚集{topic.copycats}", "en": f"Copycat gathering {topic.copycats}"},
            location=rule.location,
            start_min=self.now,
            size_people=rule.size_people,
            arrival_spread_min=rule.arrival_spread_min,
            grievance=rule.grievance,
            behaviour=behaviour,
            source=topic.spec.source,
        )
        place, venue = self.place_of(rule.location)
        crowd = Crowd.create(
            crowd_id,
            spec,
            behaviour,
            place,
            venue,
            self.plan.channels,
            self.rng(f"people:{crowd_id}"),
            self.now,
        )
        self.crowds[crowd_id] = crowd
        self.incident_order.append(crowd_id)
        self.log.add(self.now, "copycat_gathering", crowd_id, topic=topic.id, people=len(crowd.people), heat=topic.heat)
        self.env.process(self._arrivals(crowd))

    def _first_group_behaviour(self) -> GroupBehaviour:
        for incident in self.scenario.incidents:
            if isinstance(incident, GroupVisit):
                return incident.behaviour
        raise RuntimeError("copycat rule without behaviour in a scenario without groups")  # schema prevents

    # --- level triggers -------------------------------------------------------------

    def _levels(self) -> None:
        if self.first_report_at is None:
            return
        head = self.head_count()
        agitation = self.max_agitation()
        heat = self.max_heat()
        self_harm = any(i.started and i.status == ACTIVE for i in self.individuals.values())
        intent = any(c.spec.intent_to_escalate and c.on_site > 0 for c in self.crowds.values())
        recommended = None
        for name in LEVELS:
            level = self.plan.levels.get(name)  # type: ignore[call-overload]
            if level is None:
                continue
            for trig in level.triggers:
                if trig.head_count_at_least_people is not None and head < trig.head_count_at_least_people:
                    continue
                if trig.agitation_at_least is not None and agitation < trig.agitation_at_least:
                    continue
                if trig.self_harm_signs and not self_harm:
                    continue
                if trig.heat_at_least is not None and heat < trig.heat_at_least:
                    continue
                if trig.intent_to_escalate and not intent:
                    continue
                recommended = name
                break
        self.recommended = recommended
        if recommended is not None:
            rank = LEVELS.index(recommended)
            for name in LEVELS[: rank + 1]:
                if name in self.plan.levels and name not in self.required_at:
                    self.required_at[name] = self.now
                    self.log.add(self.now, "level_required", name, head_count=head, heat=heat)
