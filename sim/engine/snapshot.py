"""Read-only views of a drill at one moment, as plain frozen data.

The UI renders these; it never touches the model. Labels come in both
languages so a view can be shown in either. Staff, venues and incidents are
read through the same ``View`` the plan-following policy decides from.
Trends (a mood or the heat over time, for sparklines) are read from the event
log's samples (``sim.engine.trends``), never kept beside it.
"""

from __future__ import annotations

from ..spec.plan import LEVELS, Duty
from .heat import Topic
from .individual import Individual, IndividualStatus
from .milestones import Tracker
from .people import Crowd
from .snapshot_types import (
    AlertStepView,
    EmergencyView,
    GroupAtPlace,
    IncidentView,
    InjectView,
    Label,
    MilestoneView,
    OfficialView,
    PendingView,
    PlaceView,
    Snapshot,
    TeamView,
    TopicView,
    VenueView,
    _label,
    wall_clock,
)
from .staff import BASE, OfficialStatus
from .trends import Trends
from .view import View
from .world import World

__all__ = [
    "AlertStepView",
    "EmergencyView",
    "GroupAtPlace",
    "IncidentView",
    "InjectView",
    "Label",
    "MilestoneView",
    "OfficialView",
    "PendingView",
    "PlaceView",
    "Snapshot",
    "TeamView",
    "TopicView",
    "VenueView",
    "build",
    "wall_clock",
]


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
