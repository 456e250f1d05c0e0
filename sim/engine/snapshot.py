"""Read-only views of a drill at one moment, as plain frozen data.

The UI renders these; it never touches the model. Labels come in both
languages so a view can be shown in either. Staff, venues and incidents are
read through the same ``View`` the plan-following policy decides from.
Trends (a mood or the heat over time, for sparklines) are read from the event
log's samples (``sim.engine.trends``), never kept beside it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from ..spec.plan import LEVELS, Duty
from .heat import Topic
from .individual import Individual, IndividualStatus
from .injects import InjectStatus
from .milestones import MilestoneStatus, Tracker
from .people import Crowd
from .staff import BASE, OfficialStatus
from .trends import Trends
from .view import View
from .world import World


def wall_clock(start: str, minutes: float) -> str:
    t = datetime.fromisoformat(start) + timedelta(minutes=minutes)
    if minutes >= 24 * 60:
        return t.strftime("%m-%d %H:%M")
    return t.strftime("%H:%M")


@dataclass(frozen=True)
class Label:
    zh: str
    en: str

    def get(self, lang: str) -> str:
        return self.zh if lang == "zh" else self.en


def _label(text: Any) -> Label:
    return Label(text.zh, text.en)


@dataclass(frozen=True)
class TeamView:
    id: str
    label: Label
    duties: tuple[str, ...]
    size: int
    off_duty: int
    en_route: int
    next_eta: float | None
    idle: int
    busy: int
    places: dict[str, int]  # on duty, by place
    external: bool


@dataclass(frozen=True)
class OfficialView:
    id: str
    label: Label
    status: OfficialStatus  # away | summoned | on_site
    eta: float | None
    place: str | None
    engaged_with: str | None


@dataclass(frozen=True)
class VenueView:
    id: str
    label: Label
    kind: str
    open: bool
    opening_eta: float | None
    capacity: int
    occupancy: int  # who is there (see View.venues)
    reps_of: str | None


@dataclass(frozen=True)
class IncidentView:
    id: str
    kind: str  # group_visit | extreme_individual
    label: Label
    place: str
    venue: str | None
    started: bool
    over: bool
    head_count: int
    outside: int
    waiting: int  # inside, queueing for a clerk
    in_service: int
    registered: int
    representatives: int
    mood: float  # agitation of a group, distress of an individual
    history: tuple[float, ...]  # the mood at the log's samples, then now (once started)
    escalated: bool
    escalations: int
    injuries: int
    left_unanswered: int
    status: str  # expected | active | over (a group); expected | active | resolved | harmed
    measures: dict[str, float | None]  # reply, package, cordon, medical, legal, family, dialogue
    dialogue_with: str | None


@dataclass(frozen=True)
class EmergencyView:
    """A fire or explosion at the reception site, once it has broken out (a drill
    room learns of it then; before, it is not in the snapshot at all): where,
    who is still inside, out, hurt and on the way to hospital, and the fire
    brigade (called with the duty room's report) and the plan's ambulance crews
    (its medical teams, called in like any team)."""

    id: str
    label: Label
    hazard: str  # fire | explosion
    venue: str  # the venue it broke out in (closed from then on)
    venue_label: Label
    assembly_point: str  # the open-air venue where the evacuated wait
    assembly_label: Label
    started_at: float
    inside: int  # people still inside the venue
    evacuated: int  # people out so far
    injured: int  # people hurt so far
    to_hospital: int  # casualties handed to an ambulance crew and gone
    awaiting_ambulance: int  # casualties out, not yet taken (no crew free, or being loaded)
    evacuated_at: float | None  # everyone out
    reported_at: float | None  # the duty room has the report; the fire brigade is called with it
    brigade_eta: float | None  # when the brigade is due, once called
    brigade_at: float | None  # when it arrived
    medical_on_duty: int  # ambulance crew members on duty (arrived)
    medical_en_route: int  # called in, on the way
    medical_eta: float | None  # the next of them due
    medical_off_duty: int  # not called

    @property
    def status(self) -> str:
        """evacuating | casualties (everyone out, someone hurt still to be taken) | done"""
        if self.evacuated_at is None:
            return "evacuating"
        return "casualties" if self.to_hospital < self.injured else "done"


@dataclass(frozen=True)
class TopicView:
    id: str
    label: Label
    heat: float
    peak: float
    threshold: float | None
    statements: int
    history: tuple[float, ...]  # the heat at the log's samples, then now (once started)


@dataclass(frozen=True)
class MilestoneView:
    id: str
    label: Label
    level: str | None
    status: MilestoneStatus
    clock_start: float | None
    deadline: float | None
    met_at: float | None
    deadline_min: float
    source: str | None
    assumed: bool


@dataclass(frozen=True)
class AlertStepView:
    step: str
    label: Label
    by: str
    status: str  # waiting | under_way | done
    done_at: float | None
    limit_min: float


@dataclass(frozen=True)
class GroupAtPlace:
    incident: str
    venue: str | None
    inside: int  # let into a room (or standing at a site)
    outside: int


@dataclass(frozen=True)
class PlaceView:
    """A place where people are: the unit's premises (every venue is there) or a site."""

    id: str
    label: Label
    venues: tuple[str, ...]
    groups: tuple[GroupAtPlace, ...]
    individuals: tuple[str, ...]
    teams: dict[str, int]  # members on duty there, by team
    officials: tuple[str, ...]  # officials there


@dataclass(frozen=True)
class InjectView:
    n: int  # 1-based, in the scenario's order
    at: float
    text: Label
    status: InjectStatus  # due | played | held | skipped
    played_at: float | None
    effect: str | None  # the kind of model effect, if any


@dataclass(frozen=True)
class PendingView:
    what: str  # the decision kind under way
    eta: float
    data: dict[str, Any]


@dataclass(frozen=True)
class Snapshot:
    t: float
    wall: str
    horizon: float
    level: str | None
    level_pending: str | None
    recommended: str | None
    required: dict[str, float]
    ended: bool
    alert: tuple[AlertStepView, ...]
    places: tuple[PlaceView, ...]
    incidents: tuple[IncidentView, ...]
    topics: tuple[TopicView, ...]
    teams: tuple[TeamView, ...]
    officials: tuple[OfficialView, ...]
    venues: tuple[VenueView, ...]
    milestones: tuple[MilestoneView, ...]
    pending: tuple[PendingView, ...]
    msel: tuple[InjectView, ...]
    log_length: int
    head_count: int
    max_heat: float
    levels: tuple[str, ...]  # the plan's levels, least severe first
    emergencies: tuple[EmergencyView, ...] = ()  # fires or explosions that have broken out


def _history(trends: Trends, incident: str, now: float, started: bool) -> tuple[float, ...]:
    return (*trends.mood.get(incident, ()), now) if started else ()


def _crowd_view(c: Crowd, trends: Trends) -> IncidentView:
    over = c.is_over()
    return IncidentView(
        id=c.id,
        kind="group_visit",
        label=_label(c.spec.label),
        place=c.place,
        venue=c.venue,
        started=c.started,
        over=over,
        head_count=c.on_site,
        outside=c.outside_n,
        waiting=c.queued_n,
        in_service=c.in_service_n,
        registered=len(c.registered),
        representatives=len(c.reps),
        mood=c.agitation,
        history=_history(trends, c.id, c.agitation, c.started),
        escalated=c.escalated_until is not None,
        escalations=c.escalations,
        injuries=c.injuries,
        left_unanswered=c.left_unanswered,
        status="over" if over else ("active" if c.started else "expected"),
        measures={
            "reply": c.reply_at,
            "package": c.package_at,
            "cordon": c.cordon_at,
            "medical": c.medical_at,
            "legal": c.legal_at,
            "family": c.family_at,
            "representatives": c.reps_at,
        },
        dialogue_with=c.dialogue_with,
    )


def _individual_view(i: Individual, trends: Trends) -> IncidentView:
    return IncidentView(
        id=i.id,
        kind="extreme_individual",
        label=_label(i.spec.label),
        place=i.place,
        venue=i.venue,
        started=i.started,
        over=i.status is not IndividualStatus.ACTIVE,
        head_count=i.head_count(),
        outside=0,
        waiting=0,
        in_service=0,
        registered=0,
        representatives=0,
        mood=i.distress,
        history=_history(trends, i.id, i.distress, i.started),
        escalated=i.livestreaming,
        escalations=0,
        injuries=int(i.injured) + i.bystanders_injured,
        left_unanswered=0,
        status=i.status.value if i.started else "expected",
        measures={
            "reply": i.reply_at,
            "package": i.package_at,
            "cordon": i.cordon_at,
            "medical": i.medical_at,
            "legal": i.legal_at,
            "family": i.family_at,
            "negotiation": i.negotiating_since,
        },
        dialogue_with=i.negotiators[1] if i.negotiators else None,
    )


def _topic_view(t: Topic, world: World, trends: Trends) -> TopicView:
    threshold = t.spec.copycat.heat_threshold if t.spec.copycat else None
    if threshold is None:
        heats = world.levels.heat_thresholds
        threshold = min(heats) if heats else None
    heat = t.heat
    history = _history(trends, t.id, heat, t.started)
    return TopicView(t.id, _label(t.spec.label), heat, t.peak_heat, threshold, t.statements, history)


def _brigade_eta(world: World, emergency: str) -> float | None:
    """When the fire brigade is due: the duty room's report logs it as the call is made."""
    for entry in world.log.entries:
        if entry.kind == "emergency_reported" and entry.subject == emergency:
            eta = entry.data.get("fire_brigade_eta")
            return float(eta) if eta is not None else None
    return None


def _emergency_views(world: World, teams: tuple[TeamView, ...]) -> tuple[EmergencyView, ...]:
    plan = world.plan
    medical = [t for t in teams if Duty.medical.value in t.duties]
    etas = [t.next_eta for t in medical if t.next_eta is not None]
    out = []
    for em in world.emergencies.all.values():
        if em.started_at is None:
            continue  # nobody knows a fire is coming
        spec = em.spec
        eta = _brigade_eta(world, em.id) if em.reported_at is not None else None
        out.append(
            EmergencyView(
                id=em.id,
                label=_label(spec.label),
                hazard=spec.hazard,
                venue=spec.venue,
                venue_label=_label(plan.venues[spec.venue].label),
                assembly_point=spec.assembly_point,
                assembly_label=_label(plan.venues[spec.assembly_point].label),
                started_at=em.started_at,
                inside=len(em.inside),
                evacuated=em.evacuated,
                injured=em.injured,
                to_hospital=em.to_hospital,
                awaiting_ambulance=em.waiting_casualties,
                evacuated_at=em.evacuated_at,
                reported_at=em.reported_at,
                brigade_eta=eta,
                brigade_at=em.brigade_at,
                medical_on_duty=sum(t.idle + t.busy for t in medical),
                medical_en_route=sum(t.en_route for t in medical),
                medical_eta=min(etas) if etas else None,
                medical_off_duty=sum(t.off_duty for t in medical),
            )
        )
    return tuple(out)


def _places(world: World, teams: tuple[TeamView, ...]) -> tuple[PlaceView, ...]:
    plan = world.plan
    ids = [BASE, *plan.sites]
    for inc in world.site_incidents():
        if inc.place not in ids:
            ids.append(inc.place)
    out = []
    for pid in ids:
        if pid == BASE:
            label, venues = Label("本单位", "the unit"), tuple(plan.venues)
        else:
            site = plan.sites.get(pid)
            label, venues = (_label(site.label) if site else Label(pid, pid)), ()
        groups = tuple(
            GroupAtPlace(c.id, c.venue, c.on_site - c.outside_n, c.outside_n)
            for c in world.groups.crowds.values()
            if c.place == pid and c.on_site
        )
        people = tuple(i.id for i in world.individuals.all.values() if i.place == pid and i.head_count())
        staff = {t.id: t.places[pid] for t in teams if t.places.get(pid)}
        officials = tuple(
            o.id
            for o in world.roster.officials.values()
            if o.status is OfficialStatus.PRESENT and o.place == pid
        )
        out.append(PlaceView(pid, label, venues, groups, people, staff, officials))
    return tuple(out)


def build(world: World, tracker: Tracker, view: View, trends: Trends) -> Snapshot:
    """The snapshot now; ``trends`` has read the log up to now."""
    plan = world.plan
    teams = []
    for tid, team in world.roster.teams.items():
        f = view.team(tid)
        teams.append(
            TeamView(
                id=tid,
                label=_label(team.spec.label),
                duties=tuple(d.value for d in team.spec.duties),
                size=f.size,
                off_duty=f.off_duty,
                en_route=f.en_route,
                next_eta=f.next_eta,
                idle=f.idle,
                busy=f.busy,
                places=f.present_at,
                external=team.spec.external,
            )
        )
    team_views = tuple(teams)
    a = world.assessment
    alert = tuple(
        AlertStepView(
            step=step.step,
            label=_label(step.label),
            by=step.by,
            status="done"
            if step.step in a.step_done
            else ("under_way" if step.step in a.step_started else "waiting"),
            done_at=a.step_done.get(step.step),
            limit_min=step.limit_min,
        )
        for step in plan.alert_chain
    )
    incidents = tuple(
        _crowd_view(inc, trends) if isinstance(inc, Crowd) else _individual_view(inc, trends)
        for inc in world.site_incidents()
    )
    milestones = tuple(
        MilestoneView(
            id=s.id,
            label=_label(s.spec.label),
            level=s.level,
            status=s.status,
            clock_start=s.clock_start,
            deadline=s.deadline,
            met_at=s.met_at,
            deadline_min=s.spec.deadline_min,
            source=s.spec.source,
            assumed=s.spec.assumed,
        )
        for s in tracker.states
    )
    venues = tuple(
        VenueView(
            v.id,
            _label(plan.venues[v.id].label),
            v.kind,
            v.open,
            v.opening_eta,
            v.capacity,
            v.people,
            v.reps_of,
        )
        for v in view.venues()
    )
    msel = tuple(
        InjectView(
            i.n,
            i.spec.at_min,
            _label(i.spec.text),
            i.status,
            i.played_at,
            i.spec.effect.kind if i.spec.effect is not None else None,
        )
        for i in world.injects.msel
    )
    now = world.kernel.now
    return Snapshot(
        t=now,
        wall=wall_clock(world.scenario.wall_start, now),
        horizon=world.scenario.horizon_min,
        level=view.level,
        level_pending=view.level_pending,
        recommended=view.recommended,
        required=view.required(),
        ended=view.ended,
        alert=alert,
        places=_places(world, team_views),
        incidents=incidents,
        topics=tuple(_topic_view(t, world, trends) for t in world.online.topics.values()),
        teams=team_views,
        officials=tuple(
            OfficialView(o.id, _label(o.spec.label), o.status, o.eta, o.place, o.engaged_with)
            for o in world.roster.officials.values()
        ),
        venues=venues,
        milestones=milestones,
        pending=tuple(PendingView(p.what, p.eta, dict(p.data)) for p in world.pending.items),
        msel=msel,
        log_length=len(world.log),
        head_count=world.head_count(),
        max_heat=world.online.max_heat(),
        levels=tuple(name for name in LEVELS if name in plan.levels),
        emergencies=_emergency_views(world, team_views),
    )
