"""Calibration targets (``calibration:`` in a scenario file) as typed data.

Each entry is one figure a seed plan states about behaviour (a group visit
lasts 2-4 h, 73 people per group, 50 or more at once, 10 million views in
2 h, ...), what the model measures to compare with it, under which policy, and the tolerance
with its justification. ``sim.calibration`` computes the model's figure over
many seeds; the tests assert each shipped scenario reproduces its figures.

The source (seed file and section) is always required: a target is a fact.
The tolerance, which no seed states, is marked ``assumed: true`` with a
reason, and explained in ``why_tolerance``. Units are in the key names.
"""

from __future__ import annotations

import re
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import Field, field_validator, model_validator

from .common import Cited, Id, Source, Text

Share = Annotated[float, Field(ge=0, le=1)]
CLOCK = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")


class CalibrationPolicy(StrEnum):
    plan = "plan"  # the plan-following response (what the seed describes for a handled incident)
    passive = "passive"  # nobody responds (what the seed warns of for an unanswered one)


class _Target(Cited):
    id: Id
    figure: Text  # what the seed says, in our own words
    measures: Text  # what the model counts to compare with it
    why_tolerance: Text  # why the band is as wide as it is
    policy: CalibrationPolicy = CalibrationPolicy.plan
    source: Source  # required here: a target is a fact from a seed


class GroupDurationTarget(_Target):
    """First arrival to last person gone, per group visit (not copycats): the
    median must lie within [low_h, high_h] and at least ``at_least_share`` of
    the groups must."""

    measure: Literal["group_duration"]
    incident: Id | None = None  # one group visit, or every one named in the scenario
    low_h: float = Field(ge=0, le=336)
    high_h: float = Field(gt=0, le=336)
    at_least_share: Share

    @model_validator(mode="after")
    def _ordered(self) -> GroupDurationTarget:
        if self.high_h <= self.low_h:
            raise ValueError("high_h must exceed low_h")
        return self


class ArrivalWindowTarget(_Target):
    """Each group visit named in the scenario starts (its first person arrives)
    on a workday between ``from_clock`` and ``to_clock``, wall-clock time."""

    measure: Literal["arrival_window"]
    from_clock: str
    to_clock: str
    workdays_only: bool = True

    @field_validator("from_clock", "to_clock")
    @classmethod
    def _clock(cls, value: str) -> str:
        if not CLOCK.match(value):
            raise ValueError(f"must look like 08:30, got {value!r}")
        return value


class GroupSizeTarget(_Target):
    """People who came with a group over the drill (its first wave and those
    who joined later), averaged over runs: within ``tolerance_people`` of
    ``value_people``."""

    measure: Literal["group_size"]
    incident: Id | None = None
    value_people: float = Field(gt=0)
    tolerance_people: float = Field(gt=0)


class HeadCountTarget(_Target):
    """The most people of a group visit on site at once between ``from_min`` and
    ``to_min`` (minutes from the drill's start; the whole drill by default): at
    least ``at_least_people`` and, when given, at most ``at_most_people``, for at
    least ``at_least_share`` of the groups over all runs; the mean of that peak
    must lie within the same bounds. A seed's "50 people or more" is a lower
    bound (no ``at_most_people``); a warning colour's "3-5 people" is a range.

    On site at once, not who came over the drill: a plan's scope ("a group
    visit of 50 or more") and its level triggers read the crowd in front of the
    staff, and people who have been answered and gone are no longer in it."""

    measure: Literal["head_count"]
    incident: Id | None = None  # one group visit, or every one named in the scenario
    from_min: float = Field(default=0.0, ge=0)
    to_min: float | None = Field(default=None, gt=0)  # None: to the drill's end
    at_least_people: int = Field(ge=1, le=100_000)
    at_most_people: int | None = Field(default=None, ge=1, le=100_000)
    at_least_share: Share

    @model_validator(mode="after")
    def _ordered(self) -> HeadCountTarget:
        if self.to_min is not None and self.to_min <= self.from_min:
            raise ValueError("to_min must exceed from_min")
        if self.at_most_people is not None and self.at_most_people < self.at_least_people:
            raise ValueError("at_most_people must be at least at_least_people")
        return self

    def holds(self, people: int) -> bool:
        high = self.at_most_people
        return people >= self.at_least_people and (high is None or people <= high)


class ReachTarget(_Target):
    """A topic's cumulative reach (views or reads, never decaying) at
    ``at_min`` after the drill starts: its median within ``tolerance_fraction``
    of the value, relative."""

    measure: Literal["reach"]
    topic: Id
    at_min: float = Field(gt=0)
    value_views: float | None = Field(default=None, gt=0)
    value_reads: float | None = Field(default=None, gt=0)
    tolerance_fraction: float = Field(gt=0, lt=1)

    @model_validator(mode="after")
    def _one_value(self) -> ReachTarget:
        if (self.value_views is None) == (self.value_reads is None):
            raise ValueError("give exactly one of value_views and value_reads")
        return self

    @property
    def value(self) -> float:
        return self.value_views if self.value_views is not None else float(self.value_reads or 0.0)


class HeatPassesTarget(_Target):
    """A topic's current heat (the decaying value a platform shows) passes
    ``value_heat`` within ``within_min`` (or the drill, if shorter) in at least
    ``at_least_share`` of runs."""

    measure: Literal["heat_passes"]
    topic: Id
    within_min: float = Field(gt=0)
    value_heat: float = Field(gt=0)
    at_least_share: Share


class ReceptionBindingTarget(_Target):
    """Reception capacity is the binding constraint: with the reception team
    ``factor`` times as large (size and on duty), on the same seeds, the people
    still waiting on site or gone unanswered at ``at_min`` fall by at least
    ``at_least_reduction`` (relative), and at the plan's own strength at least
    ``at_least_unanswered_people`` people leave unanswered on average."""

    measure: Literal["reception_binding"]
    team: Id
    at_min: float = Field(gt=0)
    factor: float = Field(gt=1, le=10)
    at_least_reduction: Share
    at_least_unanswered_people: float = Field(ge=0)


CalibrationTarget = Annotated[
    GroupDurationTarget
    | ArrivalWindowTarget
    | GroupSizeTarget
    | HeadCountTarget
    | ReachTarget
    | HeatPassesTarget
    | ReceptionBindingTarget,
    Field(discriminator="measure"),
]
