"""A plan's time limits (milestones): what each measure counts, where, for which
incidents, from when, and how a tie and a limit still open at the end are scored.

The rules every measure follows (docs/milestones.md says the same at length):

- **Place.** "On site" is the incident's own place. At an outlying site (a
  higher office, a transport hub) a member or an official counts once there.
  At the unit's base, where the model has no distance, a member counts only
  while working on that incident (serving its people, or tasked for it: cordon,
  standby, negotiation, legal aid), never for being on duty at a desk.
- **Applicability.** ``applies_to`` names the incident kinds a milestone is
  about and ``where`` the place (the base, an outlying site): a milestone
  applies only once an incident of those kinds has started there, and its clock
  starts no earlier than that incident. Otherwise it is ``not_applicable``.
- **One or many.** A per-incident flag is owed for every incident still active;
  the cordon (core zone) and the medical post are one per place (002 §五(二)).
- **Attrition.** Head counts count the people on site plus those who left
  unanswered: people who give up are not a success.
- **Deadlines.** Done at exactly the deadline is met (the deadline is judged
  after everything else that happens at that minute). ``same_day`` limits end
  at midnight of the calendar day (the scenario's wall clock) on which the
  clock started. A limit still open when the drill ends is ``undecided``
  (censored), never met and never dropped.
- **Untimed.** ``untimed: true``: the plan names the action but no time;
  done/not done is recorded and shown, it is never scored as a limit.
- **Controllability.** ``controllable: false``: the system's step (an automatic
  screening), shown as such and never turned into advice for the team.
"""

from __future__ import annotations

import math
from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import Field, model_validator

from .common import Cited, Id, Strict, Text
from .emergency import EmergencyDone

LEVELS = ("IV", "III", "II", "I")  # lowest to highest
LevelName = Literal["IV", "III", "II", "I"]


class IncidentKind(StrEnum):
    """The scenario's incident kinds a milestone can be about: every ``kind`` a
    scenario's incident may have (``sim.spec.scenario.Incident``)."""

    group_visit = "group_visit"  # a gathering (copycat gatherings and a surge's groups too)
    extreme_individual = "extreme_individual"
    online_topic = "online_topic"
    # a fire or explosion where people are received (001 §突发情况预案二.3)
    site_emergency = "site_emergency"
    # many small groups through a day (001 §信访事件预案 特殊应用场合2): the surge as a
    # whole; each of its groups is also a group_visit
    petition_surge = "petition_surge"


class Where(StrEnum):
    """Where the incidents a milestone is about take place."""

    anywhere = "anywhere"
    base = "base"  # at the unit's own premises (its gate, reception rooms)
    site = "site"  # at an outlying site of the plan (a higher office, a hub)


class _Measure(Strict):
    pass


class AlertStepDone(_Measure):
    """The alert chain's ``step`` finished (logged ``alert_step``). Not tied to a place
    or an incident; done once, stays done."""

    kind: Literal["alert_step"] = Field(description="An alert-chain step done (screen, verify, decide).")
    step: Literal["screen", "verify", "decide"] = Field(description="Which step of the alert chain.")


class OfficialOnSite(_Measure):
    """``official`` present at the place of a started incident the milestone is about
    (at the base when the incident is online only). Stays done once done."""

    kind: Literal["official_on_site"] = Field(
        description="The official present at the incident's own place (base or site), not merely summoned."
    )
    official: Id = Field(description="The plan's official id.")


class TeamOnSite(_Measure):
    """``people`` members of ``team`` at the incident (the whole team if omitted), for
    some started incident the milestone is about. At a site: members there. At the
    base: members working on that incident (serving its people or tasked for it)."""

    kind: Literal["team_on_site"] = Field(
        description=(
            "Members of the team at the incident's own place: at an outlying site, members there; "
            "at the base, members working on that incident (serving its people or tasked for it), "
            "never members merely on duty at the base."
        )
    )
    team: Id = Field(description="The plan's team id.")
    people: int | None = Field(
        default=None,
        ge=1,
        description="How many members (omitted: the whole team; use only where the plan demands it).",
    )


class TeamsAllOnDuty(_Measure):
    """Every member of each team on duty (arrived, at the base or anywhere)."""

    kind: Literal["teams_all_on_duty"] = Field(
        description="Every member of each named team on duty (called in and arrived), wherever they are."
    )
    teams: list[Id] = Field(min_length=1, description="The plan's team ids.")


class VenueOpen(_Measure):
    kind: Literal["venue_open"] = Field(description="The venue opened (logged venue_opened).")
    venue: Id = Field(description="The plan's venue id.")


class IncidentFlag(_Measure):
    """Done for at least one incident and for every one still active (the cordon and
    the medical post: for at least one incident at every place with an active one)."""

    kind: Literal[
        "reply_issued",
        "package_signed",
        "cordon_set",
        "medical_standby",
        "legal_aid_started",
        "safe_resolution",
    ] = Field(
        description=(
            "Done per incident: for at least one and for every incident still active. reply_issued "
            "also answers online topics. cordon_set and medical_standby are one per place "
            "(002 §五(二)): one incident at each place with an active incident suffices. "
            "safe_resolution: every extreme individual resolved safely (fails for good on self-harm)."
        )
    )


class SolutionDrafted(_Measure):
    """The policy task force's solution drafted (logged ``package_drafted``) for at least
    one incident and for every incident still active; signing is not required."""

    kind: Literal["solution_drafted"] = Field(
        description=(
            "The back office's workable solution drafted (package_drafted) for every active "
            "incident the milestone is about; no signature needed."
        )
    )


class StatementPublished(_Measure):
    kind: Literal["statement_published"] = Field(
        description="At least one authoritative public statement published (anywhere in the response)."
    )


class ResponseStarted(_Measure):
    kind: Literal["response_started"] = Field(description="A level at least level_at_least declared.")
    level_at_least: LevelName = "IV"


class HeadCountBelow(_Measure):
    """Fewer than ``people`` on site, everyone expected having arrived; the count is the
    people on site plus those who left unanswered (giving up is no success). Re-read
    as the drill goes: it must hold at or after the clock's start."""

    kind: Literal["head_count_below"] = Field(
        description=(
            "People on site plus people who left unanswered, over the incidents the milestone is "
            "about, below the number (after everyone expected has arrived)."
        )
    )
    people: int = Field(ge=1, description="The head count to get below.")


class CrowdAndHeatDown(_Measure):
    """On-site people (plus those who left unanswered) at most ``1 - fraction`` of the
    peak on site, and every started topic's heat at most ``1 - fraction`` of its peak."""

    kind: Literal["crowd_and_heat_down"] = Field(
        description=(
            "People on site plus those who left unanswered down by the fraction from the peak on site, "
            "and every started online topic's heat down by the fraction from its peak."
        )
    )
    fraction: float = Field(gt=0, lt=1)


class BeyondModel(_Measure):
    """A limit measured in days, after the drill's horizon: listed, not simulated."""

    kind: Literal["beyond_model"] = Field(
        description="A limit in days, beyond the drill: listed, not simulated."
    )
    what: Text


Measure = Annotated[
    AlertStepDone
    | OfficialOnSite
    | TeamOnSite
    | TeamsAllOnDuty
    | VenueOpen
    | IncidentFlag
    | SolutionDrafted
    | StatementPublished
    | ResponseStarted
    | HeadCountBelow
    | CrowdAndHeatDown
    | BeyondModel
    | EmergencyDone,
    Field(discriminator="kind"),
]

# previous_step: the end of the preceding alert-chain step (per-step limits, 002 §四.4)
Clock = Literal["first_report", "previous_step", "level_declared", "incident_start"]


DEADLINE_RANGE_MIN = (-1440, 60 * 24 * 60)


def _deadline_schema(schema: dict[str, Any]) -> None:
    # an untimed milestone has no deadline: infinity inside, never in a file (nor in JSON)
    schema.pop("default", None)
    schema["minimum"], schema["maximum"] = DEADLINE_RANGE_MIN


class Milestone(Cited):
    id: Id
    label: Text
    measure: Measure
    clock: Clock = Field(
        description=(
            "When the clock starts: the first report, the end of the previous alert step, the level "
            "being declared (or by when it should have been), or the first incident's start. With "
            "applies_to/where, never before the first such incident started."
        )
    )
    deadline_min: float = Field(
        default=math.inf,
        allow_inf_nan=True,  # the untimed default survives a dump and reload (range checked below)
        description=(
            "Minutes from the clock's start; done at exactly this minute is met. Omitted only for "
            "untimed milestones. With same_day, the most the calendar day can give."
        ),
        json_schema_extra=_deadline_schema,
    )
    applies_to: list[IncidentKind] | None = Field(
        default=None,
        min_length=1,
        description=(
            "The incident kinds the milestone is about (omitted: any). It applies only once such an "
            "incident has started; never applying, it is not_applicable."
        ),
    )
    where: Where = Field(
        default=Where.anywhere,
        description="Where those incidents must be: anywhere, at the unit's base, or at an outlying site.",
    )
    controllable: bool = Field(
        default=True,
        description=(
            "False for the system's own step (e.g. an automatic screening): shown and scored as the "
            "system's, never as the team's nor turned into advice."
        ),
    )
    untimed: bool = Field(
        default=False,
        description="The plan names the action but no time: done/not done recorded, never scored as a limit.",
    )
    same_day: bool = Field(
        default=False,
        description=(
            "'The same day': the deadline is midnight of the calendar day (the scenario's wall clock) "
            "on which the clock started, at most deadline_min."
        ),
    )

    @model_validator(mode="after")
    def _deadline_after_its_clock(self) -> Milestone:
        if self.untimed:
            if math.isfinite(self.deadline_min):
                raise ValueError("an untimed milestone has no deadline_min (the plan gives no time)")
            if self.same_day:
                raise ValueError("an untimed milestone cannot also be same_day")
            return self
        if not math.isfinite(self.deadline_min):
            raise ValueError("deadline_min is required (or untimed: true where the plan gives no time)")
        low, high = DEADLINE_RANGE_MIN
        if not low <= self.deadline_min <= high:
            raise ValueError(f"deadline_min {self.deadline_min:g} is outside {low:g}..{high:g} minutes")
        # "staff in place 30 min before a booked visit" (000 §三(一)2) is the one
        # limit that falls before its clock starts: only an incident's start,
        # known in advance, can be counted back from
        if self.deadline_min < 0 and self.clock != "incident_start":
            raise ValueError(
                f"deadline_min {self.deadline_min:g} is before its clock starts; a negative deadline "
                "is only meaningful with clock: incident_start (e.g. in place 30 min before a booked visit)"
            )
        return self
