"""Policies: who makes the decisions when no trainee does.

``plan`` does what the plan prescribes at each level as soon as the triggers
say so: it declares the level the triggers call for once the alert chain
allows, then takes every action of that level and the levels below it (a
higher level adds to a lower one), for every incident, retrying each minute
an action the situation does not allow yet. It also does the on-site work
every seed plan asks for: bring a group indoors where it can be received.
It is the baseline that sweeps and counterfactuals use.

``passive`` declares nothing and does nothing: the floor.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Protocol

from ..spec.plan import LEVELS, VenueKind
from . import decisions as D
from .drill import Drill
from .people import Crowd
from .staff import BASE


class Policy(Protocol):
    name: str

    def act(self, drill: Drill) -> list[D.Decision]: ...


class PassivePolicy:
    name = "passive"

    def act(self, drill: Drill) -> list[D.Decision]:
        return []


_INCIDENT_DECISIONS: dict[str, type[D.Decision]] = {
    "initial_reply": D.IssueInitialReply,
    "package_solution": D.AskPackageSolution,
    "set_cordon": D.SetCordon,
    "medical_standby": D.MedicalStandby,
    "legal_aid": D.StartLegalAid,
    "contact_family": D.ContactFamily,
    "ask_representatives": D.AskRepresentatives,
    "start_dialogue": D.StartDialogue,
}

_GROUP_ONLY = {"ask_representatives"}


class PlanPolicy:
    name = "plan"

    def __init__(self) -> None:
        self.done: set[D.Decision] = set()  # decisions are frozen, hence hashable

    def act(self, drill: Drill) -> list[D.Decision]:
        w = drill.state()
        out: list[D.Decision] = []
        if w.recommended and w.decision_ready() is None and w.level_pending is None:
            if w.level is None or LEVELS.index(w.recommended) > LEVELS.index(w.level):
                out.append(D.DeclareLevel(w.recommended))
        if w.level is None:
            return out
        rank = LEVELS.index(w.level)
        incidents = w.active_site_incidents()
        for name in LEVELS[: rank + 1]:
            level = w.plan.levels.get(name)  # type: ignore[call-overload]
            if level is None:
                continue
            for action in level.actions:
                out.extend(self._expand(drill, action, incidents))
        for crowd in incidents:
            if isinstance(crowd, Crowd):
                move = self._indoors(drill, crowd)
                if move is not None:
                    out.append(move)
        return [d for d in out if self._fresh(d)]

    def _fresh(self, decision: D.Decision) -> bool:
        return decision not in self.done

    def note(self, decision: D.Decision, accepted: bool) -> None:
        """Remember accepted decisions so they are not repeated."""
        if accepted and not isinstance(decision, (D.DeclareLevel, D.MoveGroup)):
            self.done.add(decision)

    def _expand(self, drill: Drill, action, incidents) -> list[D.Decision]:  # type: ignore[no-untyped-def]
        w = drill.state()
        do = action.do
        if do == "call_in":
            team = w.teams[action.team]
            return [D.CallIn(action.team)] if team.off_duty() else []
        if do == "summon":
            official = w.officials[action.official]
            if official.status != "away":
                return []
            first = incidents[0].id if incidents else None
            return [D.Summon(action.official, first)]
        if do == "open_venue":
            return [D.OpenVenue(action.venue)]
        if do == "public_statement":
            return [D.PublishStatement()]
        if do == "request_support":
            return [D.RequestSupport()]
        out: list[D.Decision] = []
        for inc in incidents:
            if do == "dispatch":
                team = w.teams[action.team]
                there = len(team.at(inc.place)) + sum(
                    1 for m in team.en_route() if m.task is None and inc.place == BASE
                )
                short = action.people - len(team.at(inc.place))
                if short > 0 and there < action.people:
                    idle_elsewhere = [m for m in team.members if m.status == "idle" and m.place != inc.place]
                    if idle_elsewhere:
                        out.append(D.Dispatch(action.team, min(short, len(idle_elsewhere)), inc.id))
                continue
            if do in _GROUP_ONLY and not isinstance(inc, Crowd):
                continue
            cls = _INCIDENT_DECISIONS[do]
            out.append(cls(incident=inc.id))  # type: ignore[call-arg]
        return out

    def _indoors(self, drill: Drill, crowd: Crowd) -> D.Decision | None:
        """Bring a group into the largest open room that has space for it."""
        w = drill.state()
        if crowd.place != BASE:
            return None
        current = w.venues.get(crowd.venue or "")
        rooms = [
            v
            for v in w.venues.values()
            if v.open and v.indoor and v.spec.kind != VenueKind.meeting_room
        ]
        if not rooms:
            return None
        best = max(rooms, key=lambda v: (v.spec.capacity_people - w.occupancy(v.id), v.id))
        if current is not None and current.indoor:
            if not crowd.outside or best.id == current.id:
                return None
            if best.spec.capacity_people <= current.spec.capacity_people:
                return None
        return D.MoveGroup(crowd.id, best.id)


def make(name: str) -> Policy:
    if name == "plan":
        return PlanPolicy()
    if name == "passive":
        return PassivePolicy()
    raise ValueError(f"unknown policy {name!r} (plan or passive)")


POLICIES = ("plan", "passive")


def play(
    drill: Drill,
    policy: Policy,
    until: float | None = None,
    step_min: float = 1.0,
    on_decision: Callable[[float, D.Decision], None] | None = None,
    retry_min: float = 5.0,
) -> None:
    """Let ``policy`` decide until ``until``, looking every ``step_min`` minutes.

    The policy is asked again as soon as anything worth narrating happened (a
    report, an arrival of staff, a trigger, ...) and at least every
    ``retry_min`` minutes to retry what the situation did not allow yet.
    ``on_decision`` hears of every accepted decision (a journal, say)."""
    end = drill.horizon if until is None else min(until, drill.horizon)
    note = getattr(policy, "note", None)
    seen = -1
    last = -math.inf
    while drill.now < end:
        if drill.log.narrated != seen or drill.now - last >= retry_min - 1e-9:
            for decision in policy.act(drill):
                outcome = drill.decide(decision)
                if note is not None:
                    note(decision, outcome.accepted)
                if outcome.accepted and on_decision is not None:
                    on_decision(drill.now, decision)
            seen = drill.log.narrated
            last = drill.now
        drill.advance(min(end, math.floor(drill.now / step_min + 1e-9) * step_min + step_min))


__all__ = ["POLICIES", "PassivePolicy", "PlanPolicy", "Policy", "make", "play"]
