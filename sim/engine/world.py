"""The discrete-event model: one SimPy environment holding a unit's staff,
officials and venues, and a scenario's people and online heat.

Processes:
- the alert chain (screen, verify; the level decision is a trainee's decision);
- one arrival process per group, a patience timer per person, reception
  service as timed callbacks (one staff member serves one person at a time);
- behaviour without a time step: a group's agitation and an individual's
  distress move in straight lines between events, and the next escalation,
  departure, act of self-harm or level-threshold crossing is computed from
  them (``hazard.py``); online posts are drawn one by one (``heat.py``);
- the injects of the Master Scenario Events List;
- member and official arrivals after their sampled call-in times;
- a five-minute sample of each incident for the log (plots read it).

Whatever changes a group's or an individual's situation marks it dirty; after
every event the dirty ones are re-planned (their next behaviour event
recomputed), so no code path has to remember to do it.

Everything that happens is appended to the event log; milestones listen to it.
"""

from __future__ import annotations

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
from .hazard import INF, MoodPath, crossing, slope_per_min
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
from .streams import Streams, Uniforms

POLL_MIN = 1.0  # an alert step with nobody free to take it looks again this often
SAMPLE_EVERY_MIN = 5.0  # crowd samples in the log (head count, agitation)
EPS_MIN = 1e-9


class _Env(simpy.Environment):
    """SimPy's environment, re-planning whatever an event disturbed right after it."""

    def __init__(self, world: World):
        super().__init__()
        self._world = world

    def step(self) -> None:
        super().step()
        world = self._world
        if world.dirty:
            world.flush()
        if world.due:
            world.run_due()


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
        self.env = _Env(self)
        self.dirty: dict[Crowd | Individual, None] = {}  # to re-plan after this event (ordered)
        self.due: dict[Callable[[], None], None] = {}  # to call once after this event (ordered)
        self.streams = Streams(seed)
        self.log = EventLog()
        self.teams = {tid: TeamState.from_spec(tid, t) for tid, t in plan.teams.items()}
        self.officials = {oid: OfficialState.from_spec(oid, o) for oid, o in plan.officials.items()}
        self._officials = list(self.officials.values())
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
        self._uniforms: dict[str, Uniforms] = {}
        self._head_thresholds = sorted(
            {
                trig.head_count_at_least_people
                for level in plan.levels.values()
                for trig in level.triggers
                if trig.head_count_at_least_people is not None
            }
        )
        self._heat_thresholds = sorted(
            {
                trig.heat_at_least
                for level in plan.levels.values()
                for trig in level.triggers
                if trig.heat_at_least is not None
            }
        )
        # level triggers on agitation or distress: the thresholds a mood can cross
        self._mood_thresholds = sorted(
            {
                trig.agitation_at_least
                for level in plan.levels.values()
                for trig in level.triggers
                if trig.agitation_at_least is not None
            }
        )
        # process order fixes the order of simultaneous events: the first report,
        # then the scenario's injects, then people arriving
        self.env.process(self._alert_chain())
        self.env.process(self._injects())
        self._create_incidents()
        self.env.process(self._sampler())

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
                    self._clock,
                )
                self._draw_budgets(crowd)
                self.crowds[incident.id] = crowd
                self.env.process(self._arrivals(crowd))
            elif isinstance(incident, ExtremeIndividual):
                place, venue = self.place_of(incident.location)
                ind = Individual(
                    incident.id, incident, place, venue, MoodPath(incident.initial_distress, self._clock)
                )
                ind.mood.t0 = incident.start_min
                ind.mood.budgets["self_harm"] = float(self.streams(f"behaviour:{incident.id}").exponential())
                self.individuals[incident.id] = ind
                self.env.process(self._individual_start(ind))
            elif isinstance(incident, OnlineTopic):
                topic = Topic.from_spec(incident)
                topic.clock = self._clock
                self.topics[incident.id] = topic
                self.env.process(self._topic_start(topic))

    def rng(self, name: str):  # type: ignore[no-untyped-def]
        return self.streams(name)

    def _clock(self) -> float:
        return self.env._now

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
        return (
            self.crowds.get(incident_id) or self.individuals.get(incident_id) or self.topics.get(incident_id)
        )

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
        """Run ``callback`` ``delay`` minutes from now (a timed callback, not a process).
        Such callbacks are decisions taking effect and people arriving, which can
        change any incident's situation: all are re-planned after them."""

        def run(_event: simpy.Event) -> None:
            callback()
            self.disturb_all()

        self.env.timeout(max(0.0, delay)).callbacks.append(run)

    def _at(self, at: float, callback: Callable[[], None]) -> None:
        """The model's own timed callbacks (services, patience, behaviour wake-ups)."""
        self.env.timeout(max(0.0, at - self.env._now)).callbacks.append(lambda _e: callback())

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
        self._levels()
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
                    yield self.env.timeout(POLL_MIN)
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
        crowd.outside_n += 1
        self.log.add(self.now, "arrive", crowd.id, on_site=crowd.on_site)
        self.dirty[crowd] = None
        self.fill(crowd)
        self._at(person.arrival + person.patience, lambda: self._patience_over(crowd, person))
        # a level can become due only when the head count reaches a trigger's
        # number, or a group (perhaps one that means to escalate) appears
        if crowd.on_site == 1 or self.head_count() in self._head_thresholds:
            self._levels()

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
        self.dirty[crowd] = None  # fewer outside: a calmer slope
        while space > 0 and crowd.outside:
            person = crowd.outside.popleft()
            if person.state != OUTSIDE:
                continue
            person.state = WAITING
            crowd.outside_n -= 1
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
            self.dirty[self.crowds[person.crowd]] = None  # one fewer to help leave
            self._at(self.env._now + person.service, lambda m=member, p=person: self._served(m, p))

    def _served(self, member: Member, person: Person) -> None:
        crowd = self.crowds[person.crowd]
        if person.state == IN_SERVICE:
            person.state = REGISTERED
            crowd.registered.append(person)
            self.dirty[crowd] = None
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
            if was == OUTSIDE:
                crowd.outside_n -= 1
            elif was in (WAITING, IN_SERVICE, REGISTERED):
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
        self.dirty[crowd] = None
        self.log.add(self.now, "left", crowd.id, n=gone, reason=reason, on_site=crowd.on_site)
        # whoever was inside made room for people outside, in this group or another
        for other in self.crowds.values():
            if other.venue == crowd.venue and other.outside_n:
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
        crowd.outside_n = len(crowd.outside)
        crowd.venue = venue_id
        self.dirty[crowd] = None
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
            elif person.state == OUTSIDE:
                crowd.outside_n -= 1
            if person.state == REGISTERED:
                crowd.registered.remove(person)
            person.state = REP
            crowd.reps.append(person)
        crowd.reps_at = self.now
        self.dirty[crowd] = None
        if room is not None:
            room.reps_of = crowd.id
        self.log.add(
            self.now, "representatives_chosen", crowd.id, n=len(reps), room=room.id if room else crowd.place
        )
        for other in self.crowds.values():
            if other.venue == crowd.venue:
                self.fill(other)

    def add_to_crowd(self, crowd: Crowd, count: int, spread_min: float, stream: str) -> None:
        people = crowd.add_people(count, self.now, spread_min, self.plan.channels, self.rng(stream))
        if crowd.dispersed_at is not None:
            crowd.dispersed_at = None
        self.dirty[crowd] = None
        self.env.process(self._arrivals(crowd, people))

    # --- individuals and topics ------------------------------------------------------

    def _individual_start(self, ind: Individual):  # type: ignore[no-untyped-def]
        yield self.env.timeout(ind.spec.start_min)
        ind.started = True
        ind.mood.t0 = self.now
        self.dirty[ind] = None
        self.log.add(self.now, "individual_started", ind.id, place=ind.place, means=ind.spec.means)
        if ind.spec.livestream:
            self.start_livestream(ind.id)
        self._levels()  # signs of self-harm

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
            self._schedule_post(topic)
        self.log.add(self.now, "livestream_started", incident_id, events_per_hour=rate)

    def _stop_livestream(self, ind: Individual) -> None:
        if ind.livestreaming:
            ind.livestreaming = False
            for topic in self.topics.values():
                topic.extra_base_per_hour = max(
                    0.0, topic.extra_base_per_hour - ind.spec.behaviour.livestream_events_per_hour
                )
                self._schedule_post(topic)

    def _topic_start(self, topic: Topic):  # type: ignore[no-untyped-def]
        yield self.env.timeout(topic.spec.start_min)
        topic.start(self.now)
        self.log.add(self.now, "topic_started", topic.id, heat=topic.heat)
        self._schedule_post(topic)
        self._copycat(topic)  # a topic may start already hot
        self._levels()

    def _schedule_post(self, topic: Topic) -> None:
        """(Re)draw the next post from the topic's state now: after anything that
        changed its intensity. A post drawn before is then stale and ignored."""
        if not topic.started:
            return
        uniform = self._uniforms.get(topic.id)
        if uniform is None:
            uniform = self._uniforms[topic.id] = Uniforms(self.rng(f"heat:{topic.id}"))
        at = topic.draw_next_post(self.env._now, uniform)
        if at < INF:
            self._at(at, lambda: self._post(topic, at))

    def _post(self, topic: Topic, at: float) -> None:
        if topic.next_post != at:
            return  # redrawn since
        topic.settle(at)
        before = topic.heat0
        topic.add_events(at, 1)
        if topic.spec.copycat is not None:
            self._copycat(topic)
        after = topic.heat0
        for level in self._heat_thresholds:
            if before < level <= after:
                self._levels()  # only a trigger's heat mark being passed can make a level due
                break
        self._schedule_post(topic)

    def heat_burst(self, events: float, cause: str) -> None:
        for topic in self.topics.values():
            if topic.started:
                topic.add_events(self.now, events)
                self.log.add(self.now, "heat_burst", topic.id, events=events, cause=cause, heat=topic.heat)
                self._after_burst(topic)

    def _after_burst(self, topic: Topic) -> None:
        self._schedule_post(topic)
        self._copycat(topic)
        self._levels()

    def publish_statement(self) -> None:
        self.statements.append(self.now)
        for topic in self.topics.values():
            timely = (
                topic.started and self.now - topic.spec.start_min <= topic.spec.behaviour.statement_timely_min
            )
            topic.settle(self.now)
            topic.apply_statement(timely or not topic.started)
            self._schedule_post(topic)
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
            target.mood.shift(self.now, float(effect["change"]))  # type: ignore[union-attr]
            self.dirty[target] = None  # type: ignore[index]
            self.log.add(self.now, "agitation_changed", target.id, change=float(effect["change"]))
            if float(effect["change"]) > 0:
                self._levels()  # the jump may have passed a trigger's mark that no crossing will announce
        elif kind == "heat_spike":
            target.add_events(self.now, int(effect["events"]))  # type: ignore[union-attr]
            self.log.add(
                self.now,
                "heat_burst",
                target.id,
                events=int(effect["events"]),
                cause="inject",
                heat=target.heat,
            )  # type: ignore[union-attr]
            if target.started:  # type: ignore[union-attr]
                self._after_burst(target)  # type: ignore[arg-type]
        else:
            self.start_livestream(target.id)

    # --- behaviour between events ----------------------------------------------------

    def _sampler(self):  # type: ignore[no-untyped-def]
        horizon = self.scenario.horizon_min
        while self.now + SAMPLE_EVERY_MIN <= horizon + EPS_MIN:
            yield self.env.timeout(SAMPLE_EVERY_MIN)
            self._sample()

    def every_minute(self, hook: Callable[[float], None]) -> None:
        """Call ``hook`` once a simulated minute (views keep short histories);
        it must only read: the model does not depend on it."""

        def run():  # type: ignore[no-untyped-def]
            while self.now < self.scenario.horizon_min:
                yield self.env.timeout(1.0)
                hook(self.now)

        self.env.process(run())

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

    def disturb_all(self) -> None:
        for crowd in self.crowds.values():
            self.dirty[crowd] = None
        for ind in self.individuals.values():
            self.dirty[ind] = None

    def run_due(self) -> None:
        """Call what asked to look at the state once this event is complete."""
        while self.due:
            callback = next(iter(self.due))
            del self.due[callback]
            callback()

    def flush(self) -> None:
        """Re-plan every incident whose situation changed in the last event."""
        while self.dirty:
            incident = next(iter(self.dirty))
            del self.dirty[incident]
            if isinstance(incident, Crowd):
                self._replan_crowd(incident)
            else:
                self._replan_individual(incident)

    def _draw_budgets(self, crowd: Crowd) -> None:
        rng = self.rng(f"behaviour:{crowd.id}")
        for name in ("escalation", "answered", "helped"):
            crowd.mood.budgets[name] = float(rng.exponential())

    def _replan_crowd(self, crowd: Crowd) -> None:
        mood = crowd.mood
        if not crowd.started or crowd.on_site == 0:
            mood.settle(self.env._now)
            mood.slope = 0.0  # nobody there to be agitated
            mood.hazards = {}
            crowd.plan_key = None
            self._wake(crowd, INF, "")
            return
        present = any(
            o.status == PRESENT and o.place == crowd.place and o.spec.meets_petitioners
            for o in self._officials
        )
        helpers = (
            len(self.members_with(Duty.reception, place=crowd.place)) if crowd.reps_at is not None else 0
        )
        # what the slope and the hazards depend on: when none of it changed (most
        # arrivals and registrations), the plan made last time still holds
        key = crowd.plan_key_of(present, helpers)
        if key == crowd.plan_key:
            return
        crowd.plan_key = key
        now = self.env._now
        mood.settle(now)
        mood.slope = slope_per_min(crowd.agitation_slope_per_hour(present))
        mood.hazards = {
            "escalation": crowd.escalation_hazard(),
            "answered": crowd.answered_hazard(),
            "helped": crowd.helped_hazard(helpers),
        }
        best, kind = INF, ""
        for name in mood.hazards:
            dt = mood.next(name)
            if dt < best:
                best, kind = dt, name
        if crowd.escalated_until is not None and crowd.escalated_until - now < best:
            best, kind = max(0.0, crowd.escalated_until - now), "escalation_end"
        dt = self._next_threshold(mood)
        if dt < best:
            best, kind = dt, "threshold"
        self._wake(crowd, now + best, kind)

    def _replan_individual(self, ind: Individual) -> None:
        now = self.env._now
        mood = ind.mood
        mood.settle(now)
        if not ind.started or ind.status != ACTIVE:
            mood.slope = 0.0
            mood.hazards = {}
            self._wake(ind, INF, "")
            return
        mood.slope = slope_per_min(ind.distress_slope_per_hour())
        mood.hazards = {"self_harm": ind.self_harm_hazard()}
        best, kind = mood.next("self_harm"), "self_harm"
        calm = ind.spec.behaviour.resolved_below_distress
        dt = 0.0 if mood.a0 < calm else crossing(mood.a0, mood.slope, calm) if mood.slope < 0 else INF
        if dt < best:
            best, kind = dt, "resolved"
        dt = self._next_threshold(mood)
        if dt < best:
            best, kind = dt, "threshold"
        self._wake(ind, now + best, kind)

    def _next_threshold(self, mood: MoodPath) -> float:
        """Minutes until a rising mood reaches the next level trigger's threshold."""
        if mood.slope <= 0.0 or self._all_required():
            return INF
        for level in self._mood_thresholds:
            if level > mood.a0 + EPS_MIN:
                return crossing(mood.a0, mood.slope, level)
        return INF

    def _wake(self, incident: Crowd | Individual, at: float, kind: str) -> None:
        """Set when the incident's next behaviour event is. One timer is kept at
        the earliest time asked for; a timer that finds it is early re-arms."""
        incident.wake_at = at
        incident.wake_kind = kind
        if at < INF and (incident.timer_at is None or at < incident.timer_at):
            incident.timer_at = at
            self._at(at, lambda: self._woken(incident, at))

    def _woken(self, incident: Crowd | Individual, at: float) -> None:
        if incident.timer_at == at:
            incident.timer_at = None
        if self.env._now < incident.wake_at - EPS_MIN:
            if incident.timer_at is None and incident.wake_at < INF:
                self._wake(incident, incident.wake_at, incident.wake_kind)
            return
        kind = incident.wake_kind
        incident.wake_at, incident.wake_kind = INF, ""
        if isinstance(incident, Crowd):
            incident.plan_key = None  # the wake-up is used: plan the next one whatever else changed
        self.dirty[incident] = None
        incident.mood.settle(self.env._now)
        if isinstance(incident, Crowd):
            self._crowd_event(incident, kind)
        else:
            self._individual_event(incident, kind)

    def _crowd_event(self, crowd: Crowd, kind: str) -> None:
        rng = self.rng(f"behaviour:{crowd.id}")
        if kind == "escalation_end":
            crowd.escalated_until = None
            self.log.add(self.now, "escalation_ended", crowd.id)
        elif kind == "escalation":
            # blocking a gate or a road, pushing at the entrance
            crowd.mood.redraw(kind, float(rng.exponential()))
            self._escalate(crowd, rng)
        elif kind == "answered":
            # the answered are alike: the longest-waiting of them goes
            crowd.mood.redraw(kind, float(rng.exponential()))
            registered, reps = len(crowd.registered), len(crowd.reps)
            if registered or reps:
                from_registered = not reps or (
                    registered > 0 and rng.random() * (registered + reps) < registered
                )
                self.leave(crowd, [crowd.registered[0] if from_registered else crowd.reps[0]], "answered")
        elif kind == "helped":
            # with representatives chosen, staff help the latest comers leave
            crowd.mood.redraw(kind, float(rng.exponential()))
            person = crowd.latest_unserved()
            if person is not None:
                self.leave(crowd, [person], "helped")
        elif kind == "threshold":
            self._levels()

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

    def _individual_event(self, ind: Individual, kind: str) -> None:
        b = ind.spec.behaviour
        if kind == "resolved":
            self._end_individual(ind, RESOLVED)
            self.log.add(self.now, "individual_resolved", ind.id, distress=ind.distress)
        elif kind == "self_harm":
            rng = self.rng(f"behaviour:{ind.id}")
            chance = (
                b.injury_chance_with_medical if ind.medical_at is not None else b.injury_chance_no_medical
            )
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
        elif kind == "threshold":
            self._levels()

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
        if topic.last_copycat is not None and self.now < topic.last_copycat + rule.min_gap_min - EPS_MIN:
            # too soon after the last one: look again when the gap is over, since
            # the heat may still be above the threshold then with no new post
            again = topic.last_copycat + rule.min_gap_min
            if topic.copycat_check_at != again:
                topic.copycat_check_at = again
                self._at(again, lambda: self._copycat(topic))
            return
        topic.copycats += 1
        topic.last_copycat = self.now
        if topic.copycats < rule.max_gatherings:
            # the heat may stay above the mark through the gap with no post to notice it
            again = self.now + rule.min_gap_min
            topic.copycat_check_at = again
            self._at(again, lambda: self._copycat(topic))
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
            self._clock,
        )
        self._draw_budgets(crowd)
        self.crowds[crowd_id] = crowd
        self.incident_order.append(crowd_id)
        self.log.add(
            self.now, "copycat_gathering", crowd_id, topic=topic.id, people=len(crowd.people), heat=topic.heat
        )
        self.env.process(self._arrivals(crowd))

    def _first_group_behaviour(self) -> GroupBehaviour:
        for incident in self.scenario.incidents:
            if isinstance(incident, GroupVisit):
                return incident.behaviour
        raise RuntimeError("copycat rule without behaviour in a scenario without groups")  # schema prevents

    # --- level triggers -------------------------------------------------------------

    def warranted(self) -> str | None:
        """The most severe level whose triggers hold at this moment (None before
        the first report, or if none does)."""
        if self.first_report_at is None:
            return None
        head = self.head_count()
        agitation = self.max_agitation()
        heat = self.max_heat()
        self_harm = any(i.started and i.status == ACTIVE for i in self.individuals.values())
        intent = any(c.spec.intent_to_escalate and c.on_site > 0 for c in self.crowds.values())
        found = None
        for name in LEVELS:  # least to most severe: the last that holds wins
            level = self.plan.levels.get(name)  # type: ignore[call-overload]
            if level is None:
                continue
            for trig in level.triggers:
                if trig.head_count_at_least_people is not None and head < trig.head_count_at_least_people:
                    continue
                if trig.agitation_at_least is not None and agitation < trig.agitation_at_least - EPS_MIN:
                    continue
                if trig.self_harm_signs and not self_harm:
                    continue
                if trig.heat_at_least is not None and heat < trig.heat_at_least:
                    continue
                if trig.intent_to_escalate and not intent:
                    continue
                found = name
                break
        return found

    def _all_required(self) -> bool:
        return len(self.required_at) == len(self.plan.levels)

    def _levels(self) -> None:
        """Check the levels' triggers. Called when a measure can have risen: an
        arrival, a post, a mood reaching a threshold, a report. ``recommended``
        is the most severe level whose triggers have held so far: levels are
        raised by triggers and ended by a decision, never lowered by a lull."""
        if self.first_report_at is None or self._all_required():
            return
        recommended = self.warranted()
        head, heat = self.head_count(), self.max_heat()
        if recommended is not None and (
            self.recommended is None or LEVELS.index(recommended) > LEVELS.index(self.recommended)
        ):
            self.recommended = recommended
        if recommended is not None:
            rank = LEVELS.index(recommended)
            for name in LEVELS[: rank + 1]:
                if name in self.plan.levels and name not in self.required_at:
                    self.required_at[name] = self.now
                    self.log.add(self.now, "level_required", name, head_count=head, heat=heat)
