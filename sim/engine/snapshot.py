"""Read-only views of a drill at one moment, as plain data.

The UI renders these; it never touches the model. Labels come in both
languages so a view can be shown in either.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from ..spec.plan import LEVELS
from .heat import Topic
from .individual import Individual, IndividualStatus
from .milestones import Tracker
from .people import Crowd
from .staff import MemberStatus
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
    places: dict[str, int]
    external: bool


@dataclass(frozen=True)
class OfficialView:
    id: str
    label: Label
    status: str  # away | en_route | on_site
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
    occupancy: int
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
    waiting: int
    in_service: int
    registered: int
    representatives: int
    mood: float  # agitation of a group, distress of an individual
    history: tuple[float, ...]  # mood, one value a minute
    head_history: tuple[int, ...]
    escalated: bool
    escalations: int
    injuries: int
    left_unanswered: int
    status: str
    measures: dict[str, float | None]  # reply, package, cordon, medical, legal, family, dialogue
    dialogue_with: str | None


@dataclass(frozen=True)
class TopicView:
    id: str
    label: Label
    heat: float
    peak: float
    threshold: float | None
    history: tuple[float, ...]
    statements: int


@dataclass(frozen=True)
class MilestoneView:
    id: str
    label: Label
    level: str | None
    status: str
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
    incidents: tuple[IncidentView, ...]
    topics: tuple[TopicView, ...]
    teams: tuple[TeamView, ...]
    officials: tuple[OfficialView, ...]
    venues: tuple[VenueView, ...]
    milestones: tuple[MilestoneView, ...]
    pending: tuple[dict[str, Any], ...]
    log_length: int
    head_count: int = 0
    max_heat: float = 0.0
    levels: tuple[str, ...] = field(default=LEVELS)


def _crowd_view(c: Crowd, history: dict[str, list[float]], heads: dict[str, list[int]]) -> IncidentView:
    return IncidentView(
        id=c.id,
        kind="group_visit",
        label=_label(c.spec.label),
        place=c.place,
        venue=c.venue,
        started=c.started,
        over=c.is_over(),
        head_count=c.on_site,
        outside=c.outside_n,
        waiting=c.queued_n,
        in_service=c.in_service_n,
        registered=len(c.registered),
        representatives=len(c.reps),
        mood=c.agitation,
        history=tuple(history.get(c.id, ())),
        head_history=tuple(heads.get(c.id, ())),
        escalated=c.escalated_until is not None,
        escalations=c.escalations,
        injuries=c.injuries,
        left_unanswered=c.left_unanswered,
        status="over" if c.is_over() else ("active" if c.started else "expected"),
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


def _individual_view(i: Individual, history: dict[str, list[float]]) -> IncidentView:
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
        history=tuple(history.get(i.id, ())),
        head_history=(),
        escalated=i.livestreaming,
        escalations=0,
        injuries=int(i.injured) + i.bystanders_injured,
        left_unanswered=0,
        status=i.status if i.started else "expected",
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


def _topic_view(t: Topic, history: dict[str, list[float]], world: World) -> TopicView:
    threshold = t.spec.copycat.heat_threshold if t.spec.copycat else None
    if threshold is None:
        heats = [
            trig.heat_at_least
            for level in world.plan.levels.values()
            for trig in level.triggers
            if trig.heat_at_least is not None
        ]
        threshold = min(heats) if heats else None
    return TopicView(
        id=t.id,
        label=_label(t.spec.label),
        heat=t.heat,
        peak=t.peak_heat,
        threshold=threshold,
        history=tuple(history.get(t.id, ())),
        statements=t.statements,
    )


def build(
    world: World,
    tracker: Tracker,
    history: dict[str, list[float]],
    heads: dict[str, list[int]],
) -> Snapshot:
    teams = []
    for team in world.roster.teams.values():
        places: dict[str, int] = {}
        etas = [m.eta for m in team.members if m.status is MemberStatus.EN_ROUTE and m.eta is not None]
        for m in team.members:
            if m.status in (MemberStatus.IDLE, MemberStatus.TASKED) and m.place is not None:
                places[m.place] = places.get(m.place, 0) + 1
        teams.append(
            TeamView(
                id=team.id,
                label=_label(team.spec.label),
                duties=tuple(d.value for d in team.spec.duties),
                size=len(team.members),
                off_duty=sum(1 for m in team.members if m.status is MemberStatus.OFF_DUTY),
                en_route=len(etas),
                next_eta=min(etas) if etas else None,
                idle=sum(1 for m in team.members if m.status is MemberStatus.IDLE),
                busy=sum(1 for m in team.members if m.status is MemberStatus.TASKED),
                places=places,
                external=team.spec.external,
            )
        )
    alert = []
    for step in world.plan.alert_chain:
        done = world.assessment.step_done.get(step.step)
        started = step.step in world.assessment.step_started
        alert.append(
            AlertStepView(
                step=step.step,
                label=_label(step.label),
                by=step.by,
                status="done" if done is not None else ("under_way" if started else "waiting"),
                done_at=done,
                limit_min=step.limit_min,
            )
        )
    incidents: list[IncidentView] = []
    for inc in world.site_incidents():
        if isinstance(inc, Crowd):
            incidents.append(_crowd_view(inc, history, heads))
        else:
            incidents.append(_individual_view(inc, history))
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
    return Snapshot(
        t=world.now,
        wall=wall_clock(world.scenario.wall_start, world.now),
        horizon=world.scenario.horizon_min,
        level=world.assessment.level,
        level_pending=world.assessment.level_pending[0] if world.assessment.level_pending else None,
        recommended=world.levels.recommended,
        required=dict(world.levels.required_at),
        ended=world.assessment.ended_at is not None,
        alert=tuple(alert),
        incidents=tuple(incidents),
        topics=tuple(_topic_view(t, history, world) for t in world.online.topics.values()),
        teams=tuple(teams),
        officials=tuple(
            OfficialView(o.id, _label(o.spec.label), o.status, o.eta, o.place, o.engaged_with)
            for o in world.roster.officials.values()
        ),
        venues=tuple(
            VenueView(
                v.id,
                _label(v.spec.label),
                v.spec.kind.value,
                v.open,
                v.opening_eta,
                v.spec.capacity_people,
                world.reception.people_in(v),
                v.reps_of,
            )
            for v in world.reception.venues.values()
        ),
        milestones=milestones,
        pending=tuple({"what": p.what, "eta": p.eta, **p.data} for p in world.pending.items),
        log_length=len(world.log),
        head_count=world.head_count(),
        max_heat=world.online.max_heat(),
        levels=tuple(name for name in LEVELS if name in world.plan.levels),
    )
