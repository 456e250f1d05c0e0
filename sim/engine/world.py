"""The world: the composition root that builds and wires the components of
one drill. It holds no domain logic.

    kernel      the SimPy environment, timers, the after-event queues
    roster      teams and officials, where each is and what each does
    assessment  the alert chain and the level declaration
    levels      triggers -> the level the situation requires
    reception   venues, queues, service
    groups      group visits: arrivals, waiting, behaviour, departures
    individuals the extreme individual: distress, negotiation, outcomes
    online      topics, posts, livestreams, statements, copycats
    injects     the MSEL and the facilitator's injects

The order in which processes are started fixes the order of simultaneous
events: the first report, then the scenario's injects, then each incident in
the scenario's order, then the log's samples.
"""

from __future__ import annotations

from typing import Any

from ..spec.emergency import SiteEmergency
from ..spec.plan import Plan
from ..spec.scenario import ExtremeIndividual, GroupVisit, OnlineTopic, Scenario
from ..spec.surge import PetitionSurge
from .assessment import Assessment
from .group_visit import GroupVisits
from .heat import Topic
from .individual import Individual, Individuals
from .injects import Injects
from .kernel import Kernel
from .levels import Levels
from .log import EventLog
from .online import Online
from .pending import PendingBoard
from .people import Crowd
from .reasons import Name
from .reception import Reception
from .roster import Roster
from .site_emergency import Emergencies
from .site_posts import SitePosts
from .staff import BASE
from .streams import Streams
from .surge import add_surge

SAMPLE_EVERY_MIN = 5.0  # crowd samples in the log (head count, agitation)


class World:
    def __init__(self, plan: Plan, scenario: Scenario, seed: Any):
        self.plan = plan
        self.scenario = scenario
        self.kernel = kernel = Kernel()
        self.streams = streams = Streams(seed)
        self.log = log = EventLog()
        self.pending = PendingBoard()
        self.roster = Roster(plan, kernel, log, streams)
        self.levels = Levels(plan, kernel, log)
        self.assessment = Assessment(plan, scenario.first_report_min, kernel, log, streams)
        self.reception = Reception(plan, kernel, log)
        self.groups = GroupVisits(plan, kernel, log, streams)  # before individuals: re-planned first
        self.individuals = Individuals(kernel, log, streams)
        self.online = Online(scenario, kernel, log, streams)
        self.emergencies = Emergencies(kernel, log, streams)
        self.injects = Injects(scenario, kernel, log)
        self.posts = SitePosts(kernel, log, self.groups)
        self.incident_order: list[str] = []
        self.surge_groups: set[str] = set()  # the group visits a petition surge brought
        self._connect()
        self.assessment.start()
        self.injects.start()
        self._create_incidents()
        kernel.sample_every(SAMPLE_EVERY_MIN, scenario.horizon_min, self._sample)

    def _connect(self) -> None:
        roster, levels, assessment = self.roster, self.levels, self.assessment
        reception, groups, individuals, online, injects = (
            self.reception,
            self.groups,
            self.individuals,
            self.online,
            self.injects,
        )
        roster.on_free = reception.staff_free
        roster.on_arrival = groups.behaviour.touch_place
        levels.assessment, levels.groups, levels.individuals, levels.online = (
            assessment,
            groups,
            individuals,
            online,
        )
        assessment.roster, assessment.levels = roster, levels
        reception.roster, reception.groups = roster, groups
        groups.roster, groups.reception, groups.levels, groups.online = roster, reception, levels, online
        groups.on_new = self.incident_order.append
        individuals.roster, individuals.online, individuals.levels = roster, online, levels
        online.levels, online.groups, online.individuals = levels, groups, individuals
        injects.groups, injects.individuals, injects.online = groups, individuals, online
        em = self.emergencies
        em.roster, em.reception, em.groups, em.levels = roster, reception, groups, levels
        levels.emergencies = em
        self.posts.present, self.posts.lookup = self.active_site_incidents, self.site_incident

    def _create_incidents(self) -> None:
        for incident in self.scenario.incidents:
            self.incident_order.append(incident.id)
            if isinstance(incident, GroupVisit):
                crowd = self.groups.add(incident.id, incident, incident.behaviour, incident.start_min)
                self.groups.start(crowd)
            elif isinstance(incident, ExtremeIndividual):
                place, venue = self.reception.place_of(incident.location)
                self.individuals.add(incident, place, venue)
            elif isinstance(incident, OnlineTopic):
                self.online.add(incident)
            elif isinstance(incident, SiteEmergency):
                self.emergencies.add(incident)
            elif isinstance(incident, PetitionSurge):
                surge = add_surge(incident, self.groups, self.streams)
                self.incident_order.extend(surge)
                self.surge_groups.update(surge)

    def _sample(self) -> None:
        self.groups.sample()
        self.individuals.sample()
        self.online.sample()

    def disturb_all(self) -> None:
        """After a decision: re-plan every crowd and individual (whatever it changed)."""
        self.groups.behaviour.disturb_all()
        self.kernel.disturb_all()

    # --- lookups shared by decisions, milestones and views --------------------------------------

    @property
    def now(self) -> float:
        return self.kernel.now

    def incident(self, incident_id: str) -> Crowd | Individual | Topic | None:
        return (
            self.groups.crowds.get(incident_id)
            or self.individuals.all.get(incident_id)
            or self.online.topics.get(incident_id)
        )

    def site_incident(self, incident_id: str) -> Crowd | Individual | None:
        return self.groups.crowds.get(incident_id) or self.individuals.all.get(incident_id)

    def site_incidents(self) -> list[Crowd | Individual]:
        """Group visits and individuals, in scenario order (copycats last)."""
        out: list[Crowd | Individual] = []
        for iid in self.incident_order:
            inc = self.site_incident(iid)
            if inc is not None:
                out.append(inc)
        return out

    def active_site_incidents(self) -> list[Crowd | Individual]:
        out: list[Crowd | Individual] = []
        for inc in self.site_incidents():
            if isinstance(inc, Crowd):
                if inc.started and not inc.is_over():
                    out.append(inc)
            elif inc.active:
                out.append(inc)
        return out

    def main_place(self) -> str:
        incidents = self.site_incidents()
        return incidents[0].place if incidents else BASE

    def head_count(self) -> int:
        return self.levels.head_count()

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
