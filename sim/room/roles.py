"""Who sits where and what each seat may do.

Seats are the plan's roles (``roles:`` in the plan file) plus ``facilitator``,
``evaluator`` and ``wall``. A role takes the decisions it owns, and a decision
that names a team or an official only for those it commands. A plan without
roles has one role holding everything (a small unit); ``drill play`` is one
seat holding every role and the facilitator's powers.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum

from ..labels import label
from ..spec.common import Text
from ..spec.plan import OFFICIAL_DECISIONS, ROOM_SEATS, TEAM_DECISIONS, DecisionKind, Plan, Role
from .engine import D, Decision, Name, Why, why

EVERY_ROLE = "all"  # the one role of a plan without roles
FACILITATOR, EVALUATOR, WALL = ROOM_SEATS


class Power(StrEnum):
    decide = "decide"  # take the decisions of the seat's roles
    clock = "clock"  # pause, play, change speed, pause for discussion
    facilitate = "facilitate"  # injects: ad hoc, and the MSEL's play / hold / skip
    note = "note"  # evaluation notes


@dataclass(frozen=True)
class Seat:
    """One place at the table: its name, the roles whose decisions it takes, its powers."""

    name: str
    roles: tuple[str, ...] = ()
    powers: frozenset[Power] = field(default_factory=frozenset)

    def can(self, power: Power) -> bool:
        return power in self.powers


class Roles:
    """The plan's roles and the seats of a room playing it."""

    def __init__(self, plan: Plan) -> None:
        self.plan = plan
        self.roles: dict[str, Role] = dict(plan.roles) or {
            EVERY_ROLE: Role(
                label=Text(zh="全部职责", en="Every role"),
                assumed=True,
                reason="the plan defines no roles: one seat takes every decision",
                decisions=list(DecisionKind),
                teams=list(plan.teams),
                officials=list(plan.officials),
            )
        }

    def seat_names(self) -> list[str]:
        return [*self.roles, FACILITATOR, EVALUATOR, WALL]

    def seat(self, name: str) -> Seat:
        if name in self.roles:
            return Seat(name, (name,), frozenset({Power.decide}))
        if name == FACILITATOR:
            return Seat(name, (), frozenset({Power.clock, Power.facilitate, Power.note}))
        if name == EVALUATOR:
            return Seat(name, (), frozenset({Power.note}))
        if name == WALL:
            return Seat(name, (), frozenset())
        raise KeyError(name)

    def play_seat(self) -> Seat:
        """``drill play``: one keyboard holds every role and runs the clock and the injects."""
        return Seat("play", tuple(self.roles), frozenset(Power))

    def label(self, seat: str, lang: str) -> str:
        role = self.roles.get(seat)
        if role is not None:
            return role.label.get(lang)
        from ..present import ALL_ROLES, SEATS  # the names the report uses too

        known = SEATS.get(seat) or (ALL_ROLES if seat == "play" else None)
        return known.get(lang) if known is not None else seat

    def owners(self, decision: Decision) -> list[str]:
        """The roles that may take ``decision`` (by kind, team and official)."""
        return [rid for rid in self.roles if self._refusal(rid, decision) is None]

    def owner(self, decision: Decision, roles: Iterable[str]) -> str | None:
        """The first of ``roles`` that may take ``decision``."""
        return next((rid for rid in roles if self._refusal(rid, decision) is None), None)

    def refusal(self, seat: Seat, decision: Decision) -> Why | None:
        """Why ``seat`` may not take ``decision`` (None: it may)."""
        if not seat.can(Power.decide) or not seat.roles:
            return why(
                "the {s} seat takes no decisions",
                "{s}席位不作处置决策",
                s=_name(self, seat.name),
            )
        reasons = [self._refusal(rid, decision) for rid in seat.roles]
        if any(r is None for r in reasons):
            return None
        first = next(r for r in reasons if r is not None)
        return first

    def _refusal(self, rid: str, decision: Decision) -> Why | None:
        role = self.roles[rid]
        kind = decision.kind
        me = _name(self, rid)
        if kind not in {k.value for k in role.decisions}:
            others = [o for o in self.roles if kind in {k.value for k in self.roles[o].decisions}]
            return why(
                "\u201c{d}\u201d is {o}'s decision, not {r}'s",
                "“{d}”不是{r}的职责，应由{o}决定",
                d=_kind(decision),
                r=me,
                o=_names(self, others),
            )
        team = getattr(decision, "team", None)
        if kind in TEAM_DECISIONS and team is not None and team not in role.teams:
            others = [o for o in self.roles if team in self.roles[o].teams]
            return why(
                "{r} does not command {t}: {o} does",
                "{r}不指挥{t}，应由{o}调度",
                r=me,
                t=_team(self.plan, team),
                o=_names(self, others),
            )
        official = getattr(decision, "official", None)
        if kind in OFFICIAL_DECISIONS and official is not None and official not in role.officials:
            others = [o for o in self.roles if official in self.roles[o].officials]
            return why(
                "{r} does not call on {t}: {o} does",
                "{r}无权调度{t}，应由{o}通知",
                r=me,
                t=_official(self.plan, official),
                o=_names(self, others),
            )
        return None


def _name(roles: Roles, seat: str) -> Name:
    return Name(roles.label(seat, "zh"), roles.label(seat, "en"))


def _names(roles: Roles, seats: list[str]) -> Name:
    if not seats:
        return Name("无人", "nobody")
    return Name(
        "、".join(roles.label(s, "zh") for s in seats), ", ".join(roles.label(s, "en") for s in seats)
    )


def _kind(decision: Decision) -> Name:
    cls = D.BY_KIND[decision.kind]
    return Name(label(cls.kind, "zh"), label(cls.kind, "en"))


def _team(plan: Plan, team: str) -> Name:
    t = plan.teams.get(team)
    return Name(t.label.zh, t.label.en) if t else Name(team, team)


def _official(plan: Plan, official: str) -> Name:
    o = plan.officials.get(official)
    return Name(o.label.zh, o.label.en) if o else Name(official, official)
