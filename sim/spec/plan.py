"""The unit's emergency plan (``scenarios/plans/<unit>.yaml``) as typed data.

A plan says who the unit has (teams, officials), where it receives people
(venues, reception channels, outlying sites), how an alert is assessed, and
for each response level IV..I: when it applies, what the plan prescribes, and
which time limits (milestones) it promises.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Literal

from pydantic import Field, field_validator, model_validator

from .common import Cited, Dist, Id, Source, Strict, Text, dist_from_number
from .milestone import (
    LEVELS,
    AlertStepDone,
    BeyondModel,
    Clock,
    CrowdAndHeatDown,
    HeadCountBelow,
    IncidentFlag,
    IncidentKind,
    LevelName,
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

__all__ = [
    "LEVELS",
    "AlertStepDone",
    "BeyondModel",
    "Clock",
    "CrowdAndHeatDown",
    "HeadCountBelow",
    "IncidentFlag",
    "IncidentKind",
    "LevelName",
    "Measure",
    "Milestone",
    "OfficialOnSite",
    "ResponseStarted",
    "SolutionDrafted",
    "StatementPublished",
    "TeamOnSite",
    "TeamsAllOnDuty",
    "VenueOpen",
    "Where",
]


class Duty(StrEnum):
    """What a team can be asked to do; a team may carry several duties."""

    reception = "reception"  # hear claims, register, explain policy
    order = "order"  # site order, cordon, barriers
    public_info = "public_info"  # authoritative public statements
    medical = "medical"
    psychology = "psychology"  # crisis negotiation, counselling
    legal_aid = "legal_aid"
    logistics = "logistics"
    policy = "policy"  # drafts the initial reply and the package solution
    liaison = "liaison"  # calls in the petitioners' employer or family
    security = "security"  # an enterprise's own guards and vehicles


class Team(Cited):
    label: Text
    duties: list[Duty] = Field(min_length=1)
    size_people: int = Field(ge=1, le=5000)
    on_duty_people: int = Field(ge=0, le=5000)
    call_in_min: Dist
    external: bool = False  # called from another agency: dispatched on request only

    _coerce = field_validator("call_in_min", mode="before")(dist_from_number)

    @model_validator(mode="after")
    def _on_duty_within_size(self) -> Team:
        if self.on_duty_people > self.size_people:
            raise ValueError(
                f"on_duty_people ({self.on_duty_people}) exceeds size_people ({self.size_people})"
            )
        return self


class Official(Cited):
    label: Text
    arrival_min: Dist  # minutes from being summoned to being on site
    on_site_at_start: bool = False
    # leads dialogues and counts as "an official present" to a crowd; a duty
    # officer at the command desk does neither
    meets_petitioners: bool = True

    _coerce = field_validator("arrival_min", mode="before")(dist_from_number)


class VenueKind(StrEnum):
    reception_room = "reception_room"
    hall = "hall"
    meeting_room = "meeting_room"
    outdoor = "outdoor"


class Venue(Cited):
    label: Text
    kind: VenueKind
    capacity_people: int = Field(ge=1, le=100000)
    open_at_start: bool = False
    open_min: Dist = Field(default_factory=lambda: {"dist": "fixed", "value": 0}, validate_default=True)

    _coerce = field_validator("open_min", mode="before")(dist_from_number)


class Site(Cited):
    """A place away from the unit's base (a higher office, a transport hub)."""

    label: Text
    travel_min: Dist

    _coerce = field_validator("travel_min", mode="before")(dist_from_number)


class Channel(Cited):
    """A reception channel: one staff member of ``team`` serves one person at a time."""

    label: Text
    team: Id
    service_min: Dist
    share: float = Field(gt=0, le=1)  # fraction of claims that go through this channel

    _coerce = field_validator("service_min", mode="before")(dist_from_number)


class AlertStep(Cited):
    step: Literal["screen", "verify", "decide"]
    label: Text
    by: Id  # an official or a team of the plan
    duration_min: Dist
    limit_min: float = Field(gt=0, le=10080)

    _coerce = field_validator("duration_min", mode="before")(dist_from_number)


class Trigger(Cited):
    """Conditions that all hold; a level applies when any of its triggers holds."""

    head_count_at_least_people: int | None = Field(default=None, ge=1)
    agitation_at_least: float | None = Field(default=None, gt=0, le=1)
    self_harm_signs: bool | None = None
    heat_at_least: float | None = Field(default=None, gt=0)
    intent_to_escalate: bool | None = None  # stated intent to go higher or online
    site_emergency: bool | None = None  # a fire or explosion at the site has been reported

    @model_validator(mode="after")
    def _not_empty(self) -> Trigger:
        fields = (
            self.head_count_at_least_people,
            self.agitation_at_least,
            self.self_harm_signs,
            self.heat_at_least,
            self.intent_to_escalate,
            self.site_emergency,
        )
        if all(f is None for f in fields):
            raise ValueError("a trigger needs at least one condition")
        return self


# --- actions a plan prescribes (templates of engine decisions) -------------------


class _Action(Strict):
    pass


class CallInAction(_Action):
    do: Literal["call_in"]
    team: Id


class SummonAction(_Action):
    do: Literal["summon"]
    official: Id


class OpenVenueAction(_Action):
    do: Literal["open_venue"]
    venue: Id


class DispatchAction(_Action):
    """Send members of a team to every active incident."""

    do: Literal["dispatch"]
    team: Id
    people: int = Field(ge=1, le=500)


class IncidentAction(_Action):
    """An action taken for every active incident it applies to."""

    do: Literal[
        "initial_reply",
        "package_solution",
        "set_cordon",
        "medical_standby",
        "legal_aid",
        "contact_family",
        "ask_representatives",
        "start_dialogue",
    ]


class UnitAction(_Action):
    do: Literal["public_statement", "request_support"]


Action = Annotated[
    CallInAction | SummonAction | OpenVenueAction | DispatchAction | IncidentAction | UnitAction,
    Field(discriminator="do"),
]


# --- roles: who takes which decision in a drill room ------------------------------


class DecisionKind(StrEnum):
    """The decisions the plan leaves to people (the engine's trainee decisions, by kind)."""

    declare_level = "declare_level"
    call_in = "call_in"
    dispatch = "dispatch"
    summon = "summon"
    open_venue = "open_venue"
    move_group = "move_group"
    ask_representatives = "ask_representatives"
    start_dialogue = "start_dialogue"
    initial_reply = "initial_reply"
    package_solution = "package_solution"
    public_statement = "public_statement"
    set_cordon = "set_cordon"
    medical_standby = "medical_standby"
    legal_aid = "legal_aid"
    contact_family = "contact_family"
    request_support = "request_support"
    end_response = "end_response"


# A drill room's other seats; a role may not take one of these names.
ROOM_SEATS = ("facilitator", "evaluator", "wall")
# Decisions that name a team or an official: a role takes them only for those it commands.
TEAM_DECISIONS = frozenset({DecisionKind.call_in, DecisionKind.dispatch})
OFFICIAL_DECISIONS = frozenset({DecisionKind.summon, DecisionKind.start_dialogue})


class Role(Cited):
    """A seat at the table: a group of the plan's organisation, the decisions it
    takes and the teams and officials it commands (one role may hold everything)."""

    label: Text
    decisions: list[DecisionKind] = Field(min_length=1)
    teams: list[Id] = Field(default_factory=list)
    officials: list[Id] = Field(default_factory=list)


class Level(Strict):
    label: Text
    colour: Literal["blue", "yellow", "orange", "red"]
    notify: Text | None = None
    triggers: list[Trigger] = Field(default_factory=list)
    actions: list[Action] = Field(default_factory=list)
    milestones: list[Milestone] = Field(default_factory=list)
    source: Source


class Plan(Strict):
    id: Id
    unit: Text
    source: Source
    summary: Text
    teams: dict[Id, Team] = Field(min_length=1)
    officials: dict[Id, Official] = Field(min_length=1)
    venues: dict[Id, Venue] = Field(min_length=1)
    sites: dict[Id, Site] = Field(default_factory=dict)
    channels: dict[Id, Channel] = Field(min_length=1)
    alert_chain: list[AlertStep] = Field(min_length=1)
    policy_work: PolicyWork
    site_work: SiteWork
    milestones: list[Milestone] = Field(default_factory=list)  # apply at every level
    levels: dict[LevelName, Level] = Field(min_length=1)
    # seats of a drill room; none: one role holds every decision
    roles: dict[Id, Role] = Field(default_factory=dict)

    def team_with(self, duty: Duty) -> str | None:
        """The first team carrying ``duty`` (file order), or None."""
        for team_id, team in self.teams.items():
            if duty in team.duties:
                return team_id
        return None

    def all_milestones(self) -> list[tuple[str | None, Milestone]]:
        """(level or None for always, milestone) in file order."""
        out: list[tuple[str | None, Milestone]] = [(None, m) for m in self.milestones]
        for name in LEVELS:
            level = self.levels.get(name)  # type: ignore[call-overload]
            if level is not None:
                out.extend((name, m) for m in level.milestones)
        return out


class SiteWork(Cited):
    """How many people the on-site measures take (the plans name them, not their size)."""

    cordon_people: int = Field(ge=1, le=200)
    standby_people: int = Field(ge=1, le=50)
    liaison_min: Dist  # from a liaison officer reaching the employer or family to their arrival
    support_min: Dist  # from a request to the next level up until reinforcements arrive
    support_fraction: float = Field(gt=0, le=2)  # reinforcement, as a share of each external team
    cordon_setup_min: Dist | None = Field(
        default=None,
        description="Minutes from ordering a cordon to its standing; its members are tied from the order. "
        "Left out, a cordon stands the moment it is ordered.",
    )

    _coerce = field_validator("liaison_min", "support_min", "cordon_setup_min", mode="before")(
        dist_from_number
    )


class PolicyWork(Cited):
    """How long the back office takes to draft what the front line hands over."""

    initial_reply_min: Dist
    package_solution_min: Dist
    statement_min: Dist  # drafting and clearing one public statement
    signatory: Id | None = None  # official who must sign the package on site

    _coerce = field_validator("initial_reply_min", "package_solution_min", "statement_min", mode="before")(
        dist_from_number
    )


SiteWork.model_rebuild()
Plan.model_rebuild()


def role_problems(plan: Plan) -> list[tuple[tuple[str | int, ...], str]]:
    """Cross-references of the ``roles:`` section, as (field path, message): each
    team and official a role names exists, no role takes a room seat's name, and
    every decision, team and official is some role's (else nobody could take it)."""
    out: list[tuple[tuple[str | int, ...], str]] = []
    if not plan.roles:
        return out
    for rid, role in plan.roles.items():
        if rid in ROOM_SEATS:
            out.append((("roles", rid), f"{rid!r} is a drill-room seat, not a role; choose another id"))
        elif rid in plan.teams or rid in plan.officials:
            out.append(
                (
                    ("roles", rid),
                    f"{rid!r} is also a team's or an official's id; a role needs an id of its own",
                )
            )
        for i, team in enumerate(role.teams):
            if team not in plan.teams:
                known = ", ".join(sorted(plan.teams))
                out.append(
                    (
                        ("roles", rid, "teams", i),
                        f"names team {team!r}, which the plan does not have (has: {known})",
                    )
                )
        for i, official in enumerate(role.officials):
            if official not in plan.officials:
                known = ", ".join(sorted(plan.officials))
                out.append(
                    (
                        ("roles", rid, "officials", i),
                        f"names official {official!r}, which the plan does not have (has: {known})",
                    )
                )
        if TEAM_DECISIONS & set(role.decisions) and not role.teams:
            out.append((("roles", rid, "teams"), "takes call_in or dispatch but commands no team"))
    owned = {kind for role in plan.roles.values() for kind in role.decisions}
    for kind in DecisionKind:
        if kind not in owned:
            out.append((("roles",), f"no role takes the decision {kind.value}"))
    commanded = {
        t for role in plan.roles.values() if TEAM_DECISIONS & set(role.decisions) for t in role.teams
    }
    for team in plan.teams:
        if team not in commanded:
            out.append((("roles",), f"no role commands team {team!r} (calls it in or dispatches it)"))
    summoned = {
        o for role in plan.roles.values() if OFFICIAL_DECISIONS & set(role.decisions) for o in role.officials
    }
    for official in plan.officials:
        if official not in summoned:
            out.append((("roles",), f"no role commands official {official!r} (summons them)"))
    return out
