"""Teams, their members, and officials.

A member is in one place at a time: off duty, en route (with an ETA), idle on
site, or given a task (serving at a reception channel, holding a cordon, on
medical standby, negotiating, ...). Called-in members arrive after a call-in
time drawn from their team's own stream, member by member, so that changing
one team's size leaves every other draw in the drill unchanged.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from ..spec.plan import Official, Team

BASE = "base"  # the unit's own premises: every venue is there


class MemberStatus(StrEnum):
    OFF_DUTY = "off_duty"
    EN_ROUTE = "en_route"
    IDLE = "idle"
    TASKED = "tasked"


ON_DUTY = frozenset({MemberStatus.IDLE, MemberStatus.TASKED})


@dataclass(slots=True, eq=False)
class Member:
    team: str
    index: int
    status: MemberStatus = MemberStatus.OFF_DUTY
    place: str | None = None
    eta: float | None = None
    task: str | None = None  # e.g. "serve", "cordon:buyers", "standby:buyers"

    @property
    def name(self) -> str:
        return f"{self.team}#{self.index + 1}"


@dataclass(eq=False)
class TeamState:
    id: str
    spec: Team
    members: list[Member] = field(default_factory=list)

    @classmethod
    def from_spec(cls, team_id: str, spec: Team) -> TeamState:
        members = [Member(team_id, i) for i in range(spec.size_people)]
        for member in members[: spec.on_duty_people]:
            member.status = MemberStatus.IDLE
            member.place = BASE
        return cls(team_id, spec, members)

    def at(self, place: str) -> list[Member]:
        """Members present at ``place``, idle or tasked."""
        return [m for m in self.members if m.place == place and m.status in ON_DUTY]

    def on_duty(self) -> list[Member]:
        return [m for m in self.members if m.status in ON_DUTY]

    def off_duty(self) -> list[Member]:
        return [m for m in self.members if m.status is MemberStatus.OFF_DUTY]

    def en_route(self) -> list[Member]:
        return [m for m in self.members if m.status is MemberStatus.EN_ROUTE]


class OfficialStatus(StrEnum):
    AWAY = "away"
    SUMMONED = "summoned"  # on the way, with an ETA
    PRESENT = "on_site"


@dataclass(eq=False)
class OfficialState:
    id: str
    spec: Official
    status: OfficialStatus = OfficialStatus.AWAY
    place: str | None = None
    eta: float | None = None
    engaged_with: str | None = None  # the incident this official is talking with

    @classmethod
    def from_spec(cls, official_id: str, spec: Official) -> OfficialState:
        state = cls(official_id, spec)
        if spec.on_site_at_start:
            state.status = OfficialStatus.PRESENT
            state.place = BASE
        return state
