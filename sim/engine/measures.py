"""What each kind of milestone measure means, dispatched on its type.

A measure either stays done once done (an alert step, an official on site, a
reply issued: judged once, when its condition first holds) or is re-read as
the drill goes (a head count below a number, the crowd and the heat down:
these must hold at or after the clock's start).

Every measure reads the incidents its milestone is about (``Scope``: the
milestone's ``applies_to`` kinds at its ``where``), at their own places. The
rules, measure by measure, are in sim/spec/milestone.py and docs/milestones.md.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from ..spec.emergency import EmergencyDone
from ..spec.milestone import (
    LEVELS,
    AlertStepDone,
    BeyondModel,
    CrowdAndHeatDown,
    HeadCountBelow,
    IncidentFlag,
    IncidentKind,
    Measure,
    Milestone,
    OfficialOnSite,
    ResponseStarted,
    SolutionDrafted,
    StatementPublished,
    TeamOnSite,
    TeamsAllOnDuty,
    VenueOpen,
    Where,
)
from .individual import Individual, IndividualStatus
from .log import Entry
from .people import Crowd
from .roster import SERVE
from .staff import BASE, ON_DUTY, OfficialStatus

if TYPE_CHECKING:
    from .heat import Topic
    from .site_emergency import Emergency
    from .world import World

SiteIncident = Crowd | Individual

# the attribute of an incident that records when each flag was done
_FLAG = {
    "reply_issued": "reply_at",
    "package_signed": "package_at",
    "cordon_set": "cordon_at",
    "medical_standby": "medical_at",
    "legal_aid_started": "legal_at",
}
# one per place, not one per incident there (002 §五(二): one core zone, one medical post)
_PER_PLACE = frozenset({"cordon_set", "medical_standby"})
# tasks done at the incident itself (a liaison officer phoning the family is not there)
AT_THE_INCIDENT = frozenset({"cordon", "standby", "negotiate", "legal"})


def monotone(measure: Measure) -> bool:
    """Whether the measure stays done once done (else it is re-read)."""
    return not isinstance(measure, HeadCountBelow | CrowdAndHeatDown | BeyondModel)


# what can change whether a measure holds: the log kinds after which it is judged again
_STARTS_AND_ENDS = frozenset(
    {
        "group_started",
        "individual_started",
        "topic_started",
        "copycat_gathering",
        "group_dispersed",
        "individual_resolved",
        "self_harm",
        "joined",
        "emergency_started",
        "evacuation_complete",  # with its casualties gone, a fire is no longer present
        "casualty_to_hospital",
    }
)


def depends_on(measure: Measure) -> frozenset[str] | None:
    """The log kinds that can change whether ``measure`` holds (None: anything can,
    it is judged every time)."""
    match measure:
        case AlertStepDone():
            return frozenset({"alert_step"})
        case OfficialOnSite():
            return _STARTS_AND_ENDS | {"official_arrived"}
        case TeamOnSite():
            return None  # serving at the base starts with no entry of its own
        case TeamsAllOnDuty():
            return frozenset({"team_arrived", "member_sent", "member_called"})
        case VenueOpen():
            return frozenset({"venue_opened"})
        case StatementPublished():
            return frozenset({"statement_published"})
        case ResponseStarted():
            return frozenset({"level_declared"})
        case SolutionDrafted():
            return _STARTS_AND_ENDS | {"package_drafted", "package_signed"}
        case IncidentFlag(kind="safe_resolution"):
            return frozenset({"individual_resolved", "self_harm"})
        case IncidentFlag(kind=kind):
            return _STARTS_AND_ENDS | {kind}
        case EmergencyDone():
            return frozenset({"emergency_reported", "evacuation_complete", "casualty_to_hospital"})
    return None


# what can start a milestone's clock, by clock
CLOCK_DEPENDS: dict[str, frozenset[str]] = {
    "first_report": frozenset({"first_report"}),
    "previous_step": frozenset({"first_report", "alert_step", "level_required"}),
    "level_declared": frozenset({"level_declared", "level_required"}),
}

_SITE_KINDS = {IncidentKind.group_visit: Crowd, IncidentKind.extreme_individual: Individual}


class Scope:
    """The incidents one milestone is about: its ``applies_to`` kinds at its ``where``.

    A surge's groups are group visits too; ``petition_surge`` alone narrows a milestone
    to them. A fire or explosion (``site_emergency``) is at the unit's own premises:
    it makes a milestone apply from its outbreak, and everyone on duty there is at it
    (they are the ones who guide people out)."""

    def __init__(self, world: World, spec: Milestone):
        self.w = world
        self.spec = spec
        kinds = spec.applies_to
        self.scoped = kinds is not None or spec.where is not Where.anywhere
        site_types = (
            [_SITE_KINDS[k] for k in kinds if k in _SITE_KINDS] if kinds is not None else [Crowd, Individual]
        )
        # a surge's groups only (not other gatherings) when the surge is named without group_visit
        self.surge_only = (
            kinds is not None
            and IncidentKind.petition_surge in kinds
            and IncidentKind.group_visit not in kinds
        )
        if self.surge_only:
            site_types.append(Crowd)
        self.site_types: tuple[type, ...] = tuple(site_types)
        self.topics = kinds is None or IncidentKind.online_topic in kinds
        self.fires = (
            kinds is not None and IncidentKind.site_emergency in kinds and spec.where is not Where.site
        )
        self._known = -1
        self._taken: list[SiteIncident] = []

    def takes(self, incident: SiteIncident) -> bool:
        if not isinstance(incident, self.site_types):
            return False
        if self.surge_only and isinstance(incident, Crowd) and incident.id not in self.w.surge_groups:
            return False
        where = self.spec.where
        if where is Where.base:
            return incident.place == BASE
        if where is Where.site:
            return incident.place != BASE
        return True

    def _mine(self) -> list[SiteIncident]:
        """The site incidents this milestone is about, in scenario order. Whether one is
        taken never changes (its kind and place are fixed); only new ones come (copycats,
        a surge's groups), so the list is kept until the world has more incidents."""
        known = len(self.w.incident_order)
        if known != self._known:
            self._known = known
            self._taken = [i for i in self.w.site_incidents() if self.takes(i)]
        return self._taken

    def all_site(self) -> list[SiteIncident]:
        """Started or not (a booked visit is known before it starts)."""
        return list(self._mine())

    def started(self) -> list[SiteIncident]:
        return [i for i in self._mine() if i.started]

    def active(self) -> list[SiteIncident]:
        return [
            i for i in self._mine() if (i.started and not i.is_over() if isinstance(i, Crowd) else i.active)
        ]

    def started_topics(self) -> list[Topic]:
        return [t for t in self.w.online.topics.values() if t.started] if self.topics else []

    def started_fires(self) -> list[Emergency]:
        return [e for e in self.w.emergencies.all.values() if e.started] if self.fires else []

    def present_fires(self) -> list[Emergency]:
        """Fires whose evacuation or casualties are still being dealt with."""
        return [e for e in self.started_fires() if not e.casualties_done]

    def crowds(self) -> list[Crowd]:
        return [c for c in self._mine() if isinstance(c, Crowd)]

    def individuals(self) -> list[Individual]:
        return [i for i in self._mine() if isinstance(i, Individual)]


def applicable(world: World, spec: Milestone, scope: Scope) -> bool:
    """Whether the drill has (so far) what the milestone is about."""
    measure = spec.measure
    match measure:
        case TeamOnSite() if spec.clock == "incident_start" and spec.deadline_min < 0:
            # in place before a booked visit: known before it starts
            return any(isinstance(c, Crowd) and c.spec.scheduled for c in scope.all_site())
        case IncidentFlag(kind="safe_resolution"):
            return any(isinstance(i, Individual) for i in scope.started())
        case IncidentFlag(kind="reply_issued"):
            return bool(scope.started()) or bool(scope.started_topics())
        case IncidentFlag() | SolutionDrafted() | HeadCountBelow() | CrowdAndHeatDown():
            return bool(scope.started())
        case EmergencyDone(kind="casualties_to_hospital"):
            return world.emergencies.anyone_injured()  # only once someone is hurt
        case EmergencyDone():
            return bool(world.emergencies.all)  # only where a fire or explosion happens
    if not scope.scoped:
        return True
    return bool(scope.started()) or bool(scope.started_topics()) or bool(scope.started_fires())


def failed_for_good(world: World, measure: Measure) -> bool:
    if isinstance(measure, IncidentFlag) and measure.kind == "safe_resolution":
        active, resolved = IndividualStatus.ACTIVE, IndividualStatus.RESOLVED
        return any(i.status not in (active, resolved) for i in world.individuals.all.values())
    return False


class Measures:
    """Whether a milestone's measure holds now. ``checker`` compiles one milestone
    into a function once. Also keeps, from the log, when each incident started
    and which have a drafted solution."""

    def __init__(self, world: World):
        self.w = world
        self.started_at: dict[str, float] = {}
        self.drafted: set[str] = set()
        world.log.listen(self._on_entry)

    def _on_entry(self, entry: Entry) -> None:
        kind = entry.kind
        if kind in ("group_started", "individual_started", "topic_started"):
            self.started_at.setdefault(entry.subject, entry.t)
        elif kind == "package_drafted" or kind == "package_signed":
            self.drafted.add(entry.subject)  # a package signed (a surge's shared one too) was drafted

    def holds(self, spec: Milestone) -> bool:
        """Whether the milestone's measure holds now (a judgement of its own, for checks)."""
        return self.checker(spec, Scope(self.w, spec))()

    def begin(self) -> None:
        """A new judgement (kept for callers; every check reads the present state)."""

    def first_start(self, scope: Scope, present_only: bool = False) -> float | None:
        """When the first incident the milestone is about started (None: none yet).
        ``present_only``: among those still present now (a topic, once started,
        stays present)."""
        site = scope.active() if present_only else scope.started()
        ids = [i.id for i in site] + [t.id for t in scope.started_topics()]
        times = [self.started_at[i] for i in ids if i in self.started_at]
        fires = scope.present_fires() if present_only else scope.started_fires()
        times += [e.started_at for e in fires if e.started_at is not None]
        return min(times) if times else None

    def checker(self, spec: Milestone, scope: Scope) -> Callable[[], bool]:
        w = self.w
        measure = spec.measure
        match measure:
            case AlertStepDone(step=step):
                done = w.assessment.step_done
                return lambda: step in done
            case OfficialOnSite(official=official):
                state = w.roster.officials[official]
                present = OfficialStatus.PRESENT
                return lambda: state.status is present and state.place in self._places(scope)
            case TeamOnSite(team=team_id, people=people):
                team = w.roster.teams[team_id]
                need = people or len(team.members)
                if spec.clock == "incident_start" and spec.deadline_min < 0:
                    # in place before a booked visit at the unit's own rooms: on duty there
                    return lambda: any(
                        len(team.at(c.place)) >= need
                        for c in scope.all_site()
                        if isinstance(c, Crowd) and c.spec.scheduled
                    )
                return lambda: (
                    any(self._members_at(team_id, inc) >= need for inc in scope.started())
                    or (bool(scope.started_fires()) and len(team.at(BASE)) >= need)
                )
            case TeamsAllOnDuty(teams=teams):
                roster = w.roster.teams
                return lambda: all(len(roster[t].on_duty()) >= len(roster[t].members) for t in teams)
            case VenueOpen(venue=venue):
                room = w.reception.venues[venue]
                return lambda: room.open
            case StatementPublished():
                statements = w.online.statements
                return lambda: bool(statements)
            case ResponseStarted(level_at_least=least):
                a = w.assessment
                floor = LEVELS.index(least)
                return lambda: a.level is not None and LEVELS.index(a.level) >= floor
            case IncidentFlag(kind="safe_resolution"):
                return lambda: self._all_resolved(scope)
            case IncidentFlag(kind=kind) if kind in _PER_PLACE:
                flag = _FLAG[kind]
                return lambda: self._per_place_done(scope, flag)
            case IncidentFlag(kind=kind):
                flag, online_too = _FLAG[kind], kind == "reply_issued"
                return lambda: self._flag_done(scope, flag, online_too)
            case SolutionDrafted():
                return lambda: self._drafted(scope)
            case HeadCountBelow(people=people):
                return lambda: (
                    bool(scope.started()) and self._everyone_came(scope) and self._count(scope) < people
                )
            case CrowdAndHeatDown(fraction=fraction):
                keep = 1.0 - fraction
                return lambda: self._down(scope, keep)
            case BeyondModel():
                return lambda: False
            case EmergencyDone(kind=kind):
                emergencies = w.emergencies
                return lambda: emergencies.holds(kind)
        raise AssertionError(measure)  # every measure kind is matched above

    # --- places ---------------------------------------------------------------------

    def _places(self, scope: Scope) -> set[str]:
        """Where the incidents are (the base when the milestone's incidents are online only)."""
        places = {i.place for i in scope.started()}
        if scope.started_fires():
            places.add(BASE)  # a fire is at the unit's own premises
        return places or {BASE}

    def _members_at(self, team_id: str, incident: SiteIncident) -> int:
        """Members of the team at ``incident``: at a site, those there; at the base,
        those working at it (its cordon, medical standby, negotiation or legal aid, or
        serving a gathering's people at a reception channel)."""
        members = self.w.roster.teams[team_id].members
        if incident.place != BASE:
            return sum(1 for m in members if m.place == incident.place and m.status in ON_DUTY)
        suffix = f":{incident.id}"
        serving = isinstance(incident, Crowd)
        return sum(
            1
            for m in members
            if m.place == BASE
            and m.task is not None
            and (
                (m.task.endswith(suffix) and m.task.split(":", 1)[0] in AT_THE_INCIDENT)
                or (serving and m.task == SERVE)
            )
        )

    # --- per-incident flags ---------------------------------------------------------------

    def _flag_done(self, scope: Scope, flag: str, online_too: bool) -> bool:
        """Done for at least one incident, and for every incident still active."""
        started: list[SiteIncident | Topic] = list(scope.started())
        active: list[SiteIncident | Topic] = list(scope.active())
        if online_too:
            # an initial reply answers a grievance, on site or online
            topics = scope.started_topics()
            started += topics
            active += topics
        done = [i for i in started if getattr(i, flag, None) is not None]
        return bool(done) and all(getattr(i, flag, None) is not None for i in active)

    def _per_place_done(self, scope: Scope, flag: str) -> bool:
        """Done for at least one incident at every place with an active incident."""
        started = scope.started()
        done_at = {i.place for i in started if getattr(i, flag, None) is not None}
        return bool(done_at) and all(i.place in done_at for i in scope.active())

    def _drafted(self, scope: Scope) -> bool:
        drafted = self.drafted
        return any(i.id in drafted for i in scope.started()) and all(i.id in drafted for i in scope.active())

    def _all_resolved(self, scope: Scope) -> bool:
        individuals = scope.individuals()
        resolved = IndividualStatus.RESOLVED
        return bool(individuals) and all(i.status is resolved for i in individuals)

    # --- head counts -------------------------------------------------------------------

    def _everyone_came(self, scope: Scope) -> bool:
        return all(c.pending_arrivals == 0 for c in scope.crowds())

    def _count(self, scope: Scope) -> int:
        """People on site plus those who left unanswered (giving up is no success)."""
        crowds = sum(c.on_site + c.left_unanswered for c in scope.crowds())
        return crowds + sum(i.head_count() for i in scope.individuals())

    def _down(self, scope: Scope, keep: float) -> bool:
        crowds = scope.crowds()
        peak_people = sum(c.peak_on_site for c in crowds)
        counted = sum(c.on_site + c.left_unanswered for c in crowds)
        people_ok = self._everyone_came(scope) and counted <= keep * peak_people
        if any(i.active for i in scope.individuals()):
            people_ok = False
        heat_ok = all(
            t.heat <= keep * t.peak_heat * (1 + 1e-9) for t in self.w.online.topics.values() if t.started
        )
        return people_ok and heat_ok
