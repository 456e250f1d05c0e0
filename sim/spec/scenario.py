"""What happens in a drill (``scenarios/<id>.yaml``) as typed data.

A scenario is a set of incidents (a group visit, an extreme individual, an
online topic, ...) with the distributions that drive them, and the Master
Scenario Events List: timed injects shown to the trainees, some of which also
change the model ("20 more people join", "a livestream starts").

Behavioural blocks (``behaviour:``) hold the numbers no plan states; each is
marked ``assumed: true`` with its reason so it is clear what to calibrate.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, field_validator, model_validator

from .calibration import CalibrationTarget
from .common import (
    WALL_TIME_PATTERN,
    Cited,
    Dist,
    Id,
    Source,
    Strict,
    Text,
    bounded_people,
    dist_from_number,
)
from .emergency import SiteEmergency
from .limits import MAX_EXPECTED_POSTS, MAX_INCIDENTS, MAX_PEOPLE_PER_INCIDENT
from .plan import LevelName
from .surge import PetitionSurge

Fraction = Annotated[float, Field(ge=0, le=1)]


class GroupBehaviour(Cited):
    """How a crowd's agitation (0 calm .. 1 very agitated) and departures evolve."""

    initial_agitation: Fraction
    waiting_rise_per_hour: float = Field(ge=0, le=10)  # while nobody talks with them
    no_official_rise_per_hour: float = Field(ge=0, le=10)  # extra, while no official on site
    dialogue_calm_per_hour: float = Field(ge=0, le=10)  # while an official holds a dialogue
    reply_drop: Fraction  # immediate fall when the initial reply is issued
    package_drop: Fraction
    family_drop: Fraction  # employer or family liaison arrives
    legal_aid_calm_per_hour: float = Field(ge=0, le=10)
    patience_min: Dist  # an unanswered person leaves after this long on site
    # an answered person (claim registered or a representative, and the group's
    # initial reply issued) leaves after this long: hearing the reply, going home
    answered_leave_min: Dist
    # once representatives are chosen: people one reception member helps to leave an hour
    helped_leave_per_hour: float = Field(ge=0, le=60)
    escalation_agitation: Fraction  # above this the crowd may escalate
    escalation_per_hour: float = Field(ge=0, le=60)  # hazard at agitation 1
    escalation_calm_min: float = Field(gt=0, le=600)  # an escalation lasts this long without order
    injury_chance_no_medical: Fraction  # per escalation
    injury_chance_with_medical: Fraction
    heat_events_per_escalation: float = Field(ge=0, le=10000)
    outside_rise_per_hour: float = Field(ge=0, le=10)  # extra, for the share left outdoors
    cordon_escalation_factor: Fraction  # escalation hazard multiplier once a cordon is set
    escalation_with_order_min: float = Field(gt=0, le=600)  # how long one lasts with a cordon
    representatives_min: Dist  # time for a group to choose its representatives

    _coerce = field_validator("patience_min", "answered_leave_min", "representatives_min", mode="before")(
        dist_from_number
    )


class GroupVisit(Strict):
    kind: Literal["group_visit"]
    id: Id
    label: Text
    location: Id  # a venue or site of the plan where they gather
    start_min: float = Field(ge=0)
    size_people: Dist
    arrival_spread_min: float = Field(ge=0, le=1440)
    grievance: Text
    intent_to_escalate: bool = False
    scheduled: bool = False  # an appointment: the unit knows when they come
    behaviour: GroupBehaviour
    source: Source

    _coerce = field_validator("size_people", mode="before")(dist_from_number)
    _ceiling = field_validator("size_people")(bounded_people)


class IndividualBehaviour(Cited):
    """Distress (0..1) of a person threatening self-harm, and its hazard."""

    distress_rise_per_hour: float = Field(ge=0, le=10)
    negotiation_calm_per_hour: float = Field(ge=0, le=10)  # psychologist with an official
    self_harm_per_hour_at_max: float = Field(ge=0, le=60)  # hazard at distress 1
    negotiation_hazard_factor: Fraction  # hazard multiplier while negotiating
    resolved_below_distress: Fraction  # distress under this ends the incident safely
    injury_chance_no_medical: Fraction  # severe harm if an act happens without standby
    injury_chance_with_medical: Fraction
    bystander_injury_chance_no_cordon: Fraction
    livestream_events_per_hour: float = Field(ge=0, le=100000)


class ExtremeIndividual(Strict):
    kind: Literal["extreme_individual"]
    id: Id
    label: Text
    location: Id
    start_min: float = Field(ge=0)
    means: Literal["flammable_liquid", "knife", "height", "other"]
    livestream: bool = False
    initial_distress: Fraction
    grievance: Text
    behaviour: IndividualBehaviour
    source: Source


class CopycatRule(Cited):
    """Heat above ``heat_threshold`` brings new groups to the site, one at a time.

    A copycat group behaves like ``behaviour`` or, when that is omitted, like
    the scenario's first group visit."""

    heat_threshold: float = Field(gt=0)
    location: Id
    size_people: Dist
    arrival_spread_min: float = Field(ge=0, le=1440)
    min_gap_min: float = Field(gt=0, le=1440)
    max_gatherings: int = Field(ge=0, le=50)
    grievance: Text
    behaviour: GroupBehaviour | None = None

    _coerce = field_validator("size_people", mode="before")(dist_from_number)
    _ceiling = field_validator("size_people")(bounded_people)


class TopicBehaviour(Cited):
    """A Hawkes process of posts and shares with an exponential kernel.

    Intensity = base + excitation * kernel_decay * sum(exp(-kernel_decay*(t - t_i))),
    so each event begets ``excitation`` more on average (subcritical below 1).
    Heat is the exponentially decayed sum of events times ``heat_per_event``
    (the current value a platform shows); reach is the plain sum of events times
    ``reach_per_event`` (views or reads so far: it never decays).
    """

    base_events_per_hour: float = Field(ge=0, le=100000)
    excitation: float = Field(ge=0, lt=1)
    kernel_decay_per_hour: float = Field(gt=0, le=100)
    heat_per_event: float = Field(gt=0)
    reach_per_event: float = Field(ge=0)  # views or reads each post or share brings
    heat_decay_per_hour: float = Field(gt=0, le=100)
    statement_excitation_factor: Fraction  # excitation multiplier after a timely statement
    statement_base_factor: Fraction  # base-rate multiplier after a timely statement
    statement_timely_min: float = Field(gt=0, le=10080)  # later statements work half as well


class OnlineTopic(Strict):
    kind: Literal["online_topic"]
    id: Id
    label: Text
    start_min: float = Field(ge=0)
    initial_heat: float = Field(ge=0)
    initial_reach: float = Field(default=0, ge=0)  # views or reads before the drill starts
    behaviour: TopicBehaviour
    copycat: CopycatRule | None = None
    source: Source


PetitionSurge.model_rebuild(_types_namespace={"GroupBehaviour": GroupBehaviour})
Incident = Annotated[
    GroupVisit | ExtremeIndividual | OnlineTopic | SiteEmergency | PetitionSurge, Field(discriminator="kind")
]


# --- injects (the Master Scenario Events List) ------------------------------------


class JoinEffect(Strict):
    kind: Literal["join"]
    incident: Id
    people: int = Field(ge=1, le=MAX_PEOPLE_PER_INCIDENT)


class LivestreamEffect(Strict):
    kind: Literal["livestream_start"]
    incident: Id


class HeatSpikeEffect(Strict):
    kind: Literal["heat_spike"]
    incident: Id  # an online topic
    events: int = Field(ge=1, le=100000)


class AgitationEffect(Strict):
    kind: Literal["agitation"]
    incident: Id
    change: float = Field(ge=-1, le=1)


Effect = Annotated[
    JoinEffect | LivestreamEffect | HeatSpikeEffect | AgitationEffect, Field(discriminator="kind")
]


# Which kinds of incident each effect can act on: the loader checks scenario
# files with it, the engine checks a facilitator's injects with it.
EFFECT_TARGETS: dict[str, tuple[str, ...]] = {
    "join": ("group_visit",),
    "agitation": ("group_visit",),
    "heat_spike": ("online_topic",),
    "livestream_start": ("group_visit", "extreme_individual"),
}


class Inject(Strict):
    at_min: float = Field(ge=0)
    text: Text
    effect: Effect | None = None
    source: Source | None = None


class Scenario(Strict):
    id: Id
    title: Text
    source: Source
    default_plan: Id
    compatible_plans: list[Id] = Field(default_factory=list)
    wall_start: str
    horizon_min: float = Field(gt=0, le=60 * 24 * 14)
    first_report_min: float = Field(ge=0)
    expected_level: LevelName
    briefing: Text
    purpose: Text | None = None  # what the scenario is for: what a unit rehearses with it
    incidents: list[Incident] = Field(min_length=1, max_length=MAX_INCIDENTS)
    injects: list[Inject] = Field(default_factory=list)
    # figures the seeds state about behaviour, with what the model measures (sim.calibration)
    calibration: list[CalibrationTarget] = Field(default_factory=list, max_length=32)

    @field_validator("wall_start")
    @classmethod
    def _wall_time(cls, value: str) -> str:
        if not WALL_TIME_PATTERN.match(value):
            raise ValueError(f"must look like 2026-03-02T08:30, got {value!r}")
        return value

    @model_validator(mode="after")
    def _consistent(self) -> Scenario:
        ids = [i.id for i in self.incidents]
        dupes = sorted({i for i in ids if ids.count(i) > 1})
        if dupes:
            raise ValueError(f"incident ids repeat: {', '.join(dupes)}")
        if self.first_report_min >= self.horizon_min:
            raise ValueError("first_report_min must fall before horizon_min")
        for incident in self.incidents:
            self._posts_within_ceiling(incident)
        self._targets_name_incidents()
        has_group = any(isinstance(i, GroupVisit) for i in self.incidents)
        for incident in self.incidents:
            if isinstance(incident, OnlineTopic) and incident.copycat is not None:
                if incident.copycat.behaviour is None and not has_group:
                    raise ValueError(
                        f"{incident.id}: copycat needs a behaviour block when the scenario has no group visit"
                    )
        return self

    def _targets_name_incidents(self) -> None:
        kinds = {i.id: i.kind for i in self.incidents}
        seen: set[str] = set()
        for target in self.calibration:
            if target.id in seen:
                raise ValueError(f"calibration ids repeat: {target.id}")
            seen.add(target.id)
            named = getattr(target, "incident", None) or getattr(target, "topic", None)
            want = "online_topic" if hasattr(target, "topic") else "group_visit"
            if named is not None and kinds.get(named) != want:
                raise ValueError(f"calibration {target.id}: {named!r} is not a {want} of this scenario")

    def _posts_within_ceiling(
        self, incident: GroupVisit | ExtremeIndividual | OnlineTopic | SiteEmergency | PetitionSurge
    ) -> None:
        """Each post is an event of the model: refuse a topic (or a livestream)
        expected to produce more than MAX_EXPECTED_POSTS within the drill."""
        hours = max(0.0, self.horizon_min - incident.start_min) / 60
        if isinstance(incident, OnlineTopic):
            b = incident.behaviour
            expected = b.base_events_per_hour * hours / (1 - b.excitation)
            what = "base_events_per_hour / (1 - excitation) × the drill's hours"
        elif isinstance(incident, ExtremeIndividual) and incident.livestream:
            expected = incident.behaviour.livestream_events_per_hour * hours
            what = "livestream_events_per_hour × the drill's hours"
        else:
            return
        if expected > MAX_EXPECTED_POSTS:
            raise ValueError(
                f"{incident.id}: about {expected:,.0f} posts expected within the drill ({what}); "
                f"the most is {MAX_EXPECTED_POSTS:,} (the ceiling in sim/spec/limits.py)"
            )

    def plans(self) -> list[str]:
        """Plans this scenario may be played against, the default first."""
        return [self.default_plan] + [p for p in self.compatible_plans if p != self.default_plan]
