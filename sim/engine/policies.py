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

from ..spec.plan import LEVELS, Duty, VenueKind
from . import decisions as D
from .drill import Drill
from .people import Crowd
from .staff import BASE, OfficialStatus


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

# on-site measures: the duty they need and how many members
_ON_SITE_NEEDS = {
    "set_cordon": (Duty.order, lambda w: w.plan.site_work.cordon_people),
    "medical_standby": (Duty.medical, lambda w: w.plan.site_work.standby_people),
    "legal_aid": (Duty.legal_aid, 1),
}


class PlanPolicy:
    name = "plan"

    def __init__(self) -> None:
        self.done: set[D.Decision] = set()  # decisions are frozen, hence hashable

    def act(self, drill: Drill) -> list[D.Decision]:
        w = drill.state()
        out: list[D.Decision] = []
        if (
            w.levels.recommended
            and w.assessment.decision_ready() is None
            and w.assessment.level_pending is None
        ):
            if w.assessment.level is None or LEVELS.index(w.levels.recommended) > LEVELS.index(
                w.assessment.level
            ):
                out.append(D.DeclareLevel(w.levels.recommended))
        out.extend(self._prepare(drill))
        if w.assessment.level is None:
            return [d for d in out if self._fresh(d)]
        rank = LEVELS.index(w.assessment.level)
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
                out.extend(self._reception_away(drill, crowd))
        return [d for d in out if self._fresh(d)]

    def _prepare(self, drill: Drill) -> list[D.Decision]:
        """Work towards the milestones that already apply: a plan's limit is also
        its instruction (staff in place before a scheduled visit, a room open)."""
        w = drill.state()
        out: list[D.Decision] = []
        for state in drill.tracker.states:
            if state.status != "pending":
                continue
            m = state.spec.measure
            if m.kind == "team_on_site":
                team = w.roster.teams[m.team]
                if team.off_duty():
                    out.append(D.CallIn(m.team))
                place = w.main_place()
                if place != BASE:
                    out.extend(self._send(drill, m.team, m.people or len(team.members), place))
            elif m.kind == "teams_all_on_duty":
                out.extend(D.CallIn(t) for t in m.teams if w.roster.teams[t].off_duty())
            elif (
                m.kind == "official_on_site" and w.roster.officials[m.official].status is OfficialStatus.AWAY
            ):
                out.append(D.Summon(m.official))
            elif m.kind == "venue_open" and not w.reception.venues[m.venue].open:
                out.append(D.OpenVenue(m.venue))
        return out

    def _send(self, drill: Drill, team_id: str, need: int, place: str, to: str | None = None):  # type: ignore[no-untyped-def]
        """Dispatch idle members of a team to ``place`` until ``need`` are there or on their way."""
        w = drill.state()
        team = w.roster.teams[team_id]
        coming = sum(1 for m in team.members if m.status == "en_route" and m.task is None and m.place is None)
        there = len(team.at(place))
        short = need - there - (coming if place == BASE else 0)
        idle = [m for m in team.members if m.status == "idle" and m.place != place]
        if short > 0 and idle:
            return [D.Dispatch(team_id, min(short, len(idle)), to or place)]
        return []

    def _reception_away(self, drill: Drill, crowd: Crowd) -> list[D.Decision]:
        """A group away at a site is received there: send half the idle receptionists."""
        if crowd.place == BASE:
            return []
        w = drill.state()
        out: list[D.Decision] = []
        for team in w.roster.with_duty(Duty.reception):
            if team.at(crowd.place):
                continue
            idle = [m for m in team.members if m.status == "idle" and m.place == BASE]
            if idle:
                out.append(D.Dispatch(team.id, max(1, len(idle) // 2), crowd.id))
        return out

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
            team = w.roster.teams[action.team]
            return [D.CallIn(action.team)] if team.off_duty() else []
        if do == "summon":
            official = w.roster.officials[action.official]
            if official.status is not OfficialStatus.AWAY:
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
                team = w.roster.teams[action.team]
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
            # an on-site measure at an outlying site needs the team sent there first
            need = _ON_SITE_NEEDS.get(do)
            if need is not None and inc.place != BASE:
                duty, count = need
                count = count(w) if callable(count) else count
                for team in w.roster.with_duty(duty)[:1]:
                    if len(team.at(inc.place)) < count:
                        out.extend(self._send(drill, team.id, count, inc.place, inc.id))
            cls = _INCIDENT_DECISIONS[do]
            out.append(cls(incident=inc.id))  # type: ignore[call-arg]
        if do == "initial_reply":
            # the reply also answers a grievance raised online
            out.extend(D.IssueInitialReply(t.id) for t in w.online.topics.values() if t.started)
        return out

    def _indoors(self, drill: Drill, crowd: Crowd) -> D.Decision | None:
        """Bring a group into the largest open room that has space for it."""
        w = drill.state()
        if crowd.place != BASE:
            return None
        current = w.reception.venues.get(crowd.venue or "")
        rooms = [
            v
            for v in w.reception.venues.values()
            if v.open and v.indoor and v.spec.kind != VenueKind.meeting_room
        ]
        if not rooms:
            return None
        best = max(rooms, key=lambda v: (v.spec.capacity_people - w.reception.occupancy(v.id), v.id))
        if current is not None and current.indoor:
            if not crowd.outside_n or best.id == current.id:
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
    on_decision: Callable[[float, D.Decision], None] | None = None,
    retry_min: float = 5.0,
) -> None:
    """Let ``policy`` decide until ``until``.

    The policy is asked as soon as anything worth narrating happened (a
    report, an arrival of staff, a trigger, ...), at the moment it happened,
    and at least every ``retry_min`` minutes to retry what the situation did
    not allow yet. ``on_decision`` hears of every accepted decision (a journal,
    say)."""
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
        drill.advance_to_news(min(end, last + retry_min))


__all__ = ["POLICIES", "PassivePolicy", "PlanPolicy", "Policy", "make", "play"]
