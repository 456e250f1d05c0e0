"""A decision's parameters and their possible values, from the snapshot and
the seat's role; which decisions a seat can take now, and why not.

Headless: the UI adds the display text; the host computes each seat's
availability with the same code.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

from ..spec.plan import LEVELS, Plan
from .engine import D, Decision, DrillPort, Snapshot, Why
from .roles import Roles, Seat

# One key per decision a trainee can take; the order is the decision panel's.
DECISION_KEYS: dict[str, str] = {
    "declare_level": "l",
    "call_in": "c",
    "dispatch": "s",
    "summon": "o",
    "open_venue": "v",
    "move_group": "m",
    "ask_representatives": "r",
    "start_dialogue": "t",
    "initial_reply": "a",
    "package_solution": "p",
    "public_statement": "b",
    "set_cordon": "k",
    "medical_standby": "h",
    "legal_aid": "g",
    "contact_family": "f",
    "request_support": "u",
    "end_response": "x",
}
TRAINEE_DECISIONS: tuple[type[Decision], ...] = tuple(cls for cls in D.ALL if cls.kind in DECISION_KEYS)


@dataclass(frozen=True)
class Choice:
    """One parameter of a decision: its values (ids), or a number."""

    name: str
    values: tuple[str, ...] = ()
    optional: bool = False
    number: bool = False
    default: str | None = None  # a number field's starting text


def active_incidents(snap: Snapshot) -> list[Any]:
    return [i for i in snap.incidents if i.started and not i.over]


def choices(cls: type[Decision], plan: Plan, snap: Snapshot, roles: Roles, seat: Seat) -> list[Choice]:
    """The parameters of ``cls`` with the values ``seat`` may choose now."""
    role_specs = [roles.roles[r] for r in seat.roles if r in roles.roles]
    my_teams = {t for r in role_specs for t in r.teams}
    my_officials = {o for r in role_specs for o in r.officials}
    incidents = active_incidents(snap) or [i for i in snap.incidents if not i.over] or list(snap.incidents)
    out: list[Choice] = []
    for f in dataclasses.fields(cls):
        name = f.name
        optional = f.default is None
        if name == "level":
            out.append(Choice(name, tuple(lv for lv in LEVELS if lv in plan.levels)))
        elif name == "team":
            out.append(Choice(name, tuple(t.id for t in snap.teams if t.id in my_teams)))
        elif name == "people":
            out.append(Choice(name, (), optional=optional, number=True, default=None if optional else "1"))
        elif name == "official":
            out.append(Choice(name, tuple(o.id for o in snap.officials if o.id in my_officials), optional))
        elif name == "venue":
            out.append(Choice(name, tuple(v.id for v in snap.venues)))
        elif name == "incident":
            out.append(Choice(name, tuple(i.id for i in incidents)))
        elif name == "to":
            values = [i.id for i in incidents]
            if cls is D.Dispatch:
                values += [v.id for v in snap.venues if v.kind != "outdoor"]
            values += list(plan.sites)
            out.append(Choice(name, tuple(values), optional))
    return out


def build(cls: type[Decision], values: dict[str, Any]) -> Decision:
    return cls(**{k: v for k, v in values.items() if v is not None})


def first_valid(
    cls: type[Decision], port: DrillPort, snap: Snapshot, roles: Roles, seat: Seat
) -> tuple[Decision | None, Why | str | None]:
    """Some parameter choice the engine accepts now (and the seat may take), or
    None with the reason the most obvious choice is refused."""
    specs = choices(cls, port.plan, snap, roles, seat)
    combos: list[dict[str, Any]] = [{}]
    for s in specs:
        if s.number:
            vals: list[Any] = [None] if s.optional else [1]
        else:
            vals = ([None] if s.optional else []) + list(s.values)
        if not vals:
            return None, _nothing_to_choose(s.name)
        combos = [{**c, s.name: v} for c in combos for v in vals][:400]
    first_reason: Why | str | None = None
    for values in combos:
        try:
            decision = build(cls, values)
        except TypeError:
            continue
        reason = roles.refusal(seat, decision) or port.check(decision)
        if reason is None:
            return decision, None
        if first_reason is None:
            first_reason = reason
    return None, first_reason


def _nothing_to_choose(field: str) -> Why:
    from .engine import why

    what = {
        "team": ("no team this seat commands", "本席位没有可调度的工作组"),
        "official": ("no official this seat may call on", "本席位没有可通知的领导"),
        "incident": ("no incident is under way", "当前没有进行中的事件"),
        "venue": ("the plan has no venue", "预案中没有场所"),
        "level": ("the plan has no response level", "预案中没有响应级别"),
    }.get(field, (f"nothing to choose for {field}", f"“{field}”无可选项"))
    return why(what[0], what[1])


def availability(
    port: DrillPort, snap: Snapshot, roles: Roles, seat: Seat
) -> tuple[dict[str, Decision], dict[str, Why | str]]:
    """For each decision the seat owns: a valid choice now, or why there is none."""
    ok: dict[str, Decision] = {}
    not_now: dict[str, Why | str] = {}
    for cls in TRAINEE_DECISIONS:
        if not any(cls.kind in {k.value for k in roles.roles[r].decisions} for r in seat.roles):
            continue
        decision, reason = first_valid(cls, port, snap, roles, seat)
        if decision is not None:
            ok[cls.kind] = decision
        else:
            not_now[cls.kind] = reason or "?"
    return ok, not_now


def choices_for_picture(cls: type[Decision], plan: Plan, snap: Snapshot, seat: Seat) -> list[Choice]:
    """``choices`` for a seat that has only its picture (no drill)."""
    return choices(cls, plan, snap, Roles(plan), seat)
