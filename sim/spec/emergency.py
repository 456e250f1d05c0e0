"""A safety emergency at the reception site (信访场所发生火灾、爆炸等安全事故,
seed 001 §突发情况预案二.3) as typed data: the scenario's incident and the
plan's measures of the response to it.

The incident breaks out in one venue of the plan while people are inside.
Everyone inside gets out through the venue's exits, as fast as the exits let
them and the staff guiding them can move them; the fire brigade, called with
the report, gets the rest out. The longer someone is inside, the likelier an
injury. The petition response under way there stops: the venue closes and the
groups in it wait at an assembly point (an open-air venue of the plan).

Egress figures belong to the venue; until the plan schema carries them they
are given here, for the venue the incident breaks out in, each marked as an
assumption with its reason.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from pydantic import Field, field_validator

from .common import Cited, Dist, Id, Source, Strict, Text, bounded_people, dist_from_number

if TYPE_CHECKING:
    from .plan import Plan
    from .yamlfile import PathKey


class Egress(Cited):
    """How fast people can leave the venue (people per minute)."""

    exits: int = Field(ge=1, le=50)
    flow_per_exit_per_min: float = Field(gt=0, le=200)  # what one exit passes at most
    unguided_per_min: float = Field(ge=0, le=200)  # with no staff guiding (smoke, panic)
    guided_per_guide_per_min: float = Field(gt=0, le=200)  # each staff member guiding adds this
    rescue_per_min: float = Field(gt=0, le=200)  # the fire brigade, once there


class EmergencyBehaviour(Cited):
    """Injuries and the responders' times (no seed gives any of them)."""

    report_min: Dist  # from the outbreak until the duty room has the report (alarm, phone)
    fire_brigade_min: Dist  # from the report (119 called with it) until the brigade is there
    initial_injury_chance: float = Field(ge=0, le=1)  # per person inside at the outbreak (a blast)
    injury_growth_per_min2: float = Field(ge=0, le=1)  # cumulative hazard k*t^2/2 after t minutes inside
    staff_inside_people: int = Field(ge=0, le=200)  # staff in the room besides the petitioners
    others_inside_people: Dist  # other visitors in the room
    load_min: Dist  # one ambulance crew member takes one casualty this long to load and leave

    _coerce = field_validator(
        "report_min", "fire_brigade_min", "others_inside_people", "load_min", mode="before"
    )(dist_from_number)
    _ceiling = field_validator("others_inside_people")(bounded_people)


class SiteEmergency(Strict):
    kind: Literal["site_emergency"]
    id: Id
    label: Text
    hazard: Literal["fire", "explosion"]
    venue: Id  # an indoor venue of the plan, where it breaks out
    assembly_point: Id  # an open-air venue of the plan, where the evacuated wait
    start_min: float = Field(ge=0)
    egress: Egress
    behaviour: EmergencyBehaviour
    source: Source


# --- the plan's measures of the response ------------------------------------------------


class EmergencyDone(Strict):
    """Milestone measures about a site emergency (applicable only where one happens):
    reported (the duty room has the report and has called the fire brigade),
    evacuation_complete (nobody left inside), casualties_to_hospital (every person
    injured so far handed to an ambulance crew, once the evacuation is complete)."""

    kind: Literal["emergency_reported", "evacuation_complete", "casualties_to_hospital"]


def emergency_pairing_problems(plan: Plan, n: int, incident: SiteEmergency) -> list[tuple[PathKey, str]]:
    """The venue it breaks out in must be an indoor venue of the plan, the assembly
    point an open-air one."""
    out: list[tuple[PathKey, str]] = []
    venues = plan.venues
    for key, want_outdoor in (("venue", False), ("assembly_point", True)):
        where = getattr(incident, key)
        venue = venues.get(where)
        if venue is None:
            out.append(
                (
                    ("incidents", n, key),
                    f"{key} {where!r} is not a venue of plan {plan.id} (has: {', '.join(sorted(venues))})",
                )
            )
        elif (venue.kind.value == "outdoor") != want_outdoor:
            what = "an open-air venue" if want_outdoor else "an indoor venue"
            out.append((("incidents", n, key), f"{key} {where!r} must be {what} (it is {venue.kind.value})"))
    return out
