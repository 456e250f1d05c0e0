"""What every decision shares: the data class, the estimate shown before it is
confirmed, and the checks several decisions make.

A decision is a small frozen dataclass: its fields are the choices the team
made. ``validate(world)`` says why it cannot be taken now (or None),
``estimate(world)`` what it commits and how long it should take, and
``apply(world)`` starts it through the owning component's API. Where the real
action takes time the effect lands later, after a duration drawn from the
decision's own stream, so the same decisions at the same times on the same
seed always give the same log. Labels for people live in ``sim.labels``.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any, ClassVar

from ...spec.plan import Duty
from ..individual import Individual
from ..people import Crowd
from ..reasons import Why, why
from ..staff import Member, MemberStatus
from ..world import World


@dataclass(frozen=True)
class Estimate:
    people: int = 0  # staff it commits
    minutes: float | None = None  # expected time until it takes effect
    note: str = ""  # a Why: text(lang) gives it in either language


@dataclass(frozen=True)
class Decision:
    kind: ClassVar[str] = ""

    def validate(self, world: World) -> Why | None:
        return None

    def estimate(self, world: World) -> Estimate:
        return Estimate()

    def apply(self, world: World) -> float | None:
        """Start the decision; returns when it takes effect (minutes from now) if it takes time."""
        raise NotImplementedError

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"kind": self.kind}
        for name in _field_names(type(self)):
            value = getattr(self, name)
            if value is not None:
                out[name] = value
        return out


_FIELDS: dict[type, tuple[str, ...]] = {}


def _field_names(cls: type) -> tuple[str, ...]:
    """A decision class's field names, read once (its fields are plain values)."""
    names = _FIELDS.get(cls)
    if names is None:
        names = _FIELDS[cls] = tuple(f.name for f in fields(cls))
    return names


# --- checks several decisions share --------------------------------------------------------


def crowd_of(world: World, incident: str) -> Crowd | Why:
    target = world.groups.crowds.get(incident)
    if target is None:
        if incident in world.individuals.all or incident in world.online.topics:
            return why("{i} is not a group visit", "{i}不是群体来访", i=world.name(incident))
        return why("there is no incident {i!r}", "没有事件“{i}”", i=incident)
    if not target.started:
        return why("group {i} has not arrived yet", "{i}尚未到达", i=world.name(incident))
    if target.is_over():
        return why("group {i} has already left", "{i}已经离开", i=world.name(incident))
    return target


def site_incident_of(world: World, incident: str) -> Crowd | Individual | Why:
    target = world.site_incident(incident)
    if target is None:
        if incident in world.online.topics:
            return why(
                "{i} is an online topic, not a place", "{i}是网络话题，不是现场事件", i=world.name(incident)
            )
        return why("there is no incident {i!r}", "没有事件“{i}”", i=incident)
    if not target.started:
        return why("{i} has not started yet", "{i}尚未发生", i=world.name(incident))
    if isinstance(target, Crowd) and target.is_over():
        return why("group {i} has already left", "{i}已经离开", i=world.name(incident))
    if isinstance(target, Individual) and not target.active:
        return why("{i} is already over", "{i}已经结束", i=world.name(incident))
    return target


def on_duty(world: World, duty: Duty) -> bool:
    return bool(world.roster.members_with(duty))


def shortage(world: World, duty: Duty, place: str, count: int) -> Why:
    roster = world.roster
    teams = roster.with_duty(duty)
    if not teams:
        return why(f"the plan has no team for {duty.value}", "预案中没有承担此项职责的工作组")
    idle = len(roster.members_with(duty, place=place, idle=True))
    present = len(roster.members_with(duty, place=place))
    on_way = sum(len(t.en_route()) for t in teams)
    return why(
        "needs {n} idle {team} member(s) where the incident is; {idle} idle ({present} there in all, {way} on the way)",
        "需要{team}{n}人在事发地待命；现有空闲{idle}人（在场共{present}人，途中{way}人）",
        n=count,
        team=world.name(teams[0].id),
        idle=idle,
        present=present,
        way=on_way,
    ).waiting_for(frozenset((t.id, place) for t in teams))


def take(world: World, duty: Duty, place: str, count: int, task: str) -> list[Member]:
    """Take ``count`` idle members with ``duty`` at ``place`` and give them ``task``
    (validate first: this assumes there are enough)."""
    taken = world.roster.members_with(duty, place=place, idle=True)[:count]
    for member in taken:
        world.roster.task(member, task)
    return taken


def check_take(world: World, duty: Duty, place: str, count: int) -> Why | None:
    if len(world.roster.members_with(duty, place=place, idle=True)) >= count:
        return None
    return shortage(world, duty, place, count)


def not_on_duty(world: World, duty: Duty) -> Why:
    teams = world.roster.with_duty(duty)
    team = world.name(teams[0].id) if teams else duty.value
    return why(
        "no {team} member is on duty to draft it (call them in)",
        "{team}无人在岗，无法起草（请先召集）",
        team=team,
    ).waiting_for(frozenset((t.id, None) for t in teams))


def idle_elsewhere(world: World, team_id: str, place: str) -> list[Member]:
    """A team's idle members who are not at ``place``."""
    idle = MemberStatus.IDLE
    return [m for m in world.roster.teams[team_id].members if m.status is idle and m.place != place]
