"""What each kind of milestone measure means, dispatched on its type.

A measure either stays done once done (an alert step, an official on site, a
reply issued: judged once, when its condition first holds) or is re-read as
the drill goes (a head count below a number, the crowd and the heat down:
these must hold at or after the clock's start).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from ..spec.plan import (
    LEVELS,
    AlertStepDone,
    BeyondModel,
    CrowdAndHeatDown,
    HeadCountBelow,
    IncidentFlag,
    Measure,
    Milestone,
    OfficialOnSite,
    ResponseStarted,
    StatementPublished,
    TeamOnSite,
    TeamsAllOnDuty,
    VenueOpen,
)
from .individual import IndividualStatus
from .staff import OfficialStatus

if TYPE_CHECKING:
    from .heat import Topic
    from .individual import Individual
    from .people import Crowd
    from .world import World

# the attribute of an incident that records when each flag was done
_FLAG = {
    "reply_issued": "reply_at",
    "package_signed": "package_at",
    "cordon_set": "cordon_at",
    "medical_standby": "medical_at",
    "legal_aid_started": "legal_at",
}


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
    }
)


def depends_on(measure: Measure) -> frozenset[str] | None:
    """The log kinds that can change whether ``measure`` holds (None: anything can,
    it is judged every time)."""
    match measure:
        case AlertStepDone():
            return frozenset({"alert_step"})
        case OfficialOnSite():
            return frozenset({"official_arrived"})
        case TeamOnSite() | TeamsAllOnDuty():
            return frozenset({"team_arrived", "member_sent", "member_called"})
        case VenueOpen():
            return frozenset({"venue_opened"})
        case StatementPublished():
            return frozenset({"statement_published"})
        case ResponseStarted():
            return frozenset({"level_declared"})
        case IncidentFlag(kind="safe_resolution"):
            return frozenset({"individual_resolved", "self_harm"})
        case IncidentFlag(kind=kind):
            return _STARTS_AND_ENDS | {_FLAG_EVENT[kind]}
    return None


_FLAG_EVENT = {
    "reply_issued": "reply_issued",
    "package_signed": "package_signed",
    "cordon_set": "cordon_set",
    "medical_standby": "medical_standby",
    "legal_aid_started": "legal_aid_started",
}

# what can start a milestone's clock, by clock
CLOCK_DEPENDS: dict[str, frozenset[str]] = {
    "first_report": frozenset({"first_report"}),
    "previous_step": frozenset({"first_report", "alert_step", "level_required"}),
    "level_declared": frozenset({"level_declared", "level_required"}),
}


def applicable(world: World, spec: Milestone) -> bool:
    """Whether the scenario has what the milestone is about."""
    measure = spec.measure
    groups, individuals, topics = world.groups.crowds, world.individuals.all, world.online.topics
    match measure:
        case IncidentFlag(kind="safe_resolution"):
            return bool(individuals)
        case IncidentFlag(kind="reply_issued"):
            return bool(groups) or bool(individuals) or bool(topics)
        case IncidentFlag(kind="package_signed") | HeadCountBelow() | CrowdAndHeatDown():
            return bool(groups) or bool(individuals)
        case TeamOnSite() if spec.clock == "incident_start" and spec.deadline_min < 0:
            return any(c.spec.scheduled for c in groups.values())
    return True


def failed_for_good(world: World, measure: Measure) -> bool:
    if isinstance(measure, IncidentFlag) and measure.kind == "safe_resolution":
        active, resolved = IndividualStatus.ACTIVE, IndividualStatus.RESOLVED
        return any(i.status not in (active, resolved) for i in world.individuals.all.values())
    return False


class Measures:
    """Whether a measure holds now. ``checker`` compiles one measure into a function
    once; the incident lists several measures read are taken once per judgement
    (``begin`` starts one)."""

    def __init__(self, world: World):
        self.w = world
        self._incidents: tuple[list[Crowd | Individual], list[Crowd | Individual]] | None = None

    def begin(self) -> None:
        self._incidents = None

    def holds(self, measure: Measure) -> bool:
        """Whether ``measure`` holds now (a judgement of its own)."""
        self.begin()
        return self.checker(measure)()

    def checker(self, measure: Measure) -> Callable[[], bool]:
        w = self.w
        match measure:
            case AlertStepDone(step=step):
                done = w.assessment.step_done
                return lambda: step in done
            case OfficialOnSite(official=official):
                state = w.roster.officials[official]
                return lambda: state.status is OfficialStatus.PRESENT
            case TeamOnSite(team=team_id, people=people):
                team = w.roster.teams[team_id]
                return lambda: len(team.at(w.main_place())) >= (people or len(team.members))
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
                individuals = w.individuals.all
                resolved = IndividualStatus.RESOLVED
                return lambda: bool(individuals) and all(i.status is resolved for i in individuals.values())
            case IncidentFlag(kind=kind):
                flag, online_too = _FLAG[kind], kind == "reply_issued"
                return lambda: self._flag_done(flag, online_too)
            case HeadCountBelow(people=people):
                groups = w.groups
                return lambda: (
                    self._any_started() and groups.pending_arrivals() == 0 and w.head_count() < people
                )
            case CrowdAndHeatDown(fraction=fraction):
                keep = 1.0 - fraction
                return lambda: self._down(keep)
            case BeyondModel():
                return lambda: False
        raise AssertionError(measure)  # every measure kind is matched above

    def _site(self) -> tuple[list[Crowd | Individual], list[Crowd | Individual]]:
        if self._incidents is None:
            w = self.w
            self._incidents = ([i for i in w.site_incidents() if i.started], w.active_site_incidents())
        return self._incidents

    def _flag_done(self, flag: str, online_too: bool) -> bool:
        """Done for at least one incident, and for every incident still active."""
        started_sites, active_sites = self._site()
        started: list[Crowd | Individual | Topic] = list(started_sites)
        active: list[Crowd | Individual | Topic] = list(active_sites)
        if online_too:
            # an initial reply answers a grievance, on site or online
            topics = [t for t in self.w.online.topics.values() if t.started]
            started += topics
            active += topics
        done = [i for i in started if getattr(i, flag, None) is not None]
        return bool(done) and all(getattr(i, flag, None) is not None for i in active)

    def _any_started(self) -> bool:
        w = self.w
        return any(c.started for c in w.groups.crowds.values()) or any(
            i.started for i in w.individuals.all.values()
        )

    def _down(self, keep: float) -> bool:
        w = self.w
        peak_people = sum(c.peak_on_site for c in w.groups.crowds.values())
        people_ok = w.groups.pending_arrivals() == 0 and w.head_count() <= keep * peak_people
        if w.individuals.any_active():
            people_ok = False
        heat_ok = all(
            t.heat <= keep * t.peak_heat * (1 + 1e-9) for t in w.online.topics.values() if t.started
        )
        return people_ok and heat_ok
