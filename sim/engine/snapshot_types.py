"""The frozen values a snapshot is made of: what a seat, the wall and the
report see of a drill at one moment (``sim.engine.snapshot`` builds them).
Labels come in both languages so a view can be shown in either."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from .injects import InjectStatus
from .milestones import MilestoneStatus
from .staff import OfficialStatus


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
