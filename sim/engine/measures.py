"""What each kind of milestone measure means, dispatched on its type.

A measure either stays done once done (an alert step, an official on site, a
reply issued: judged once, when its condition first holds) or is re-read as
the drill goes (a head count below a number, the crowd and the heat down:
these must hold at or after the clock's start).
"""

from __future__ import annotations

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
    """Whether a measure holds now."""

    def __init__(self, world: World):
        self.w = world

    def holds(self, measure: Measure) -> bool:
        w = self.w
        match measure:
            case AlertStepDone(step=step):
                return step in w.assessment.step_done
            case OfficialOnSite(official=official):
                return w.roster.officials[official].status is OfficialStatus.PRESENT
            case TeamOnSite(team=team_id, people=people):
                team = w.roster.teams[team_id]
                return len(team.at(w.main_place())) >= (people or len(team.members))
            case TeamsAllOnDuty(teams=teams):
                roster = w.roster.teams
                return all(len(roster[t].on_duty()) >= len(roster[t].members) for t in teams)
            case VenueOpen(venue=venue):
                return w.reception.venues[venue].open
            case StatementPublished():
                return bool(w.online.statements)
            case ResponseStarted(level_at_least=least):
                level = w.assessment.level
                return level is not None and LEVELS.index(level) >= LEVELS.index(least)
            case IncidentFlag(kind="safe_resolution"):
                inds = list(w.individuals.all.values())
                return bool(inds) and all(i.status is IndividualStatus.RESOLVED for i in inds)
            case IncidentFlag(kind=kind):
                return self._flag_done(_FLAG[kind], kind == "reply_issued")
            case HeadCountBelow(people=people):
                return self._any_started() and w.groups.pending_arrivals() == 0 and w.head_count() < people
            case CrowdAndHeatDown(fraction=fraction):
                return self._down(1.0 - fraction)
            case BeyondModel():
                return False

    def _flag_done(self, flag: str, online_too: bool) -> bool:
        """Done for at least one incident, and for every incident still active."""
        w = self.w
        started: list[Crowd | Individual | Topic] = [i for i in w.site_incidents() if i.started]
        active: list[Crowd | Individual | Topic] = list(w.active_site_incidents())
        if online_too:
            # an initial reply answers a grievance, on site or online
            topics = [t for t in w.online.topics.values() if t.started]
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
