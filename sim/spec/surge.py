"""A petition surge (集中信访) as typed data: many small groups coming to one
reception over a day, as after a natural disaster (seed 001 §信访事件预案 特殊应用
场合2: a disaster can bring many people to raise their problems at once; seed
002 §二.4: flood-season resettlement housing among the city's compound peaks).

Groups arrive as a Poisson process at ``groups_per_hour`` from ``start_min``
for ``window_min`` minutes (at most ``max_groups``); each is a group visit of
its own, drawn like any other (size, arrival spread, behaviour), so the
reception, the replies and the policy task force meet them one by one.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from pydantic import Field, field_validator

from .common import Cited, Dist, Id, Source, Strict, Text, bounded_people, dist_from_number

if TYPE_CHECKING:
    from .scenario import GroupBehaviour


class SurgeRate(Cited):
    """How many groups come, and when (no seed gives it: assumed with a reason)."""

    groups_per_hour: float = Field(gt=0, le=120)
    window_min: float = Field(gt=0, le=1440)
    max_groups: int = Field(ge=1, le=200)


class PetitionSurge(Strict):
    kind: Literal["petition_surge"]
    id: Id
    label: Text  # each group is labelled "<label> <n>"
    location: Id  # a venue or site of the plan where the groups come
    start_min: float = Field(ge=0)
    rate: SurgeRate
    group_size_people: Dist
    arrival_spread_min: float = Field(ge=0, le=240)  # within one group
    grievance: Text
    behaviour: GroupBehaviour
    source: Source

    _coerce = field_validator("group_size_people", mode="before")(dist_from_number)
    _ceiling = field_validator("group_size_people")(bounded_people)
