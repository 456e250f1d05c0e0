"""Policies: who makes the decisions when no trainee does.

``plan`` does what the plan prescribes at each level as soon as the triggers
say so: it declares the level the triggers call for once the alert chain
allows, then takes every action of that level and the levels below it (a
higher level adds to a lower one), for every incident. It also works towards
the milestones that already apply (a plan's limit is also its instruction) and
does the on-site work every seed plan asks for: bring a group indoors where
it can be received, receive a group away at a site where it is. It is the
baseline that sweeps and counterfactuals use, and it decides from the drill's
``View`` only: what a trainee can see.

The policy is asked again only when something happens that can change its
mind: a report, a level, an incident starting or ending, a limit that now
applies, a room opening, an official arriving, or members of a team it is
waiting for arriving or becoming free, or (with a full room and a larger one
open) people arriving and leaving; never on a timer.

``passive`` declares nothing and does nothing: the floor.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Protocol

from ..spec.plan import (
    LEVELS,
    Action,
    CallInAction,
    DispatchAction,
    Duty,
    IncidentAction,
    OfficialOnSite,
    OpenVenueAction,
    Plan,
    SummonAction,
    TeamOnSite,
    TeamsAllOnDuty,
    UnitAction,
    VenueKind,
    VenueOpen,
)
from . import decisions as D
from .drill import Drill, Outcome
from .log import Entry
from .reasons import Waits
from .view import BASE, IncidentFacts, OfficialStatus, TeamFacts, View


class Policy(Protocol):
    name: str

    def act(self, view: View) -> list[D.Decision]:
        """The decisions to take now."""
        ...

    def note(self, decision: D.Decision, outcome: Outcome) -> None:
        """How one of them went."""
        ...

    def news(self, entry: Entry) -> bool:
        """Whether a new log entry can change the policy's mind (it is asked again then)."""
        ...

    def worth_a_look(self, view: View) -> bool:
        """After such news, once the moment is complete: whether to deliberate now."""
        ...


class PassivePolicy:
    name = "passive"

    def act(self, view: View) -> list[D.Decision]:
        return []

    def note(self, decision: D.Decision, outcome: Outcome) -> None:
        pass

    def news(self, entry: Entry) -> bool:
        return False

    def worth_a_look(self, view: View) -> bool:
        return True


# What the plan may call for anew after: a report, a step, a level, a limit that
# now applies, an incident starting or ending, a room opening or freeing, an
# official arriving or freed from a dialogue, support.
WAKE = frozenset(
    {
        "first_report",
        "alert_step",
        "level_required",
        "level_declared",
        "milestone_applies",
        "group_started",
        "individual_started",
        "topic_started",
        "copycat_gathering",
        "group_dispersed",
        "individual_resolved",
        "self_harm",
        "official_arrived",
        "support_arrived",
        "venue_opened",
        "group_moved",
        "representatives_chosen",
        "response_ended",
    }
)
# what frees or brings a team's members (idle, or on duty): asked again only when
# the policy is waiting for that team
STAFF = frozenset({"team_arrived", "member_released", "registered"})
MAX_LOOKS = 8  # looks at one moment: its own decisions settle long before


_INCIDENT_DECISIONS: dict[str, Callable[[str], D.Decision]] = {
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
_ON_SITE_NEEDS: dict[str, tuple[Duty, Callable[[Plan], int]]] = {
    "set_cordon": (Duty.order, lambda plan: plan.site_work.cordon_people),
    "medical_standby": (Duty.medical, lambda plan: plan.site_work.standby_people),
    "legal_aid": (Duty.legal_aid, lambda plan: 1),
}


class PlanPolicy:
    name = "plan"

    def __init__(self) -> None:
        self.plan: Plan | None = None
        self.done: set[D.Decision] = set()  # decisions are frozen, hence hashable
        self._teams: dict[str, TeamFacts] = {}  # read once per look
        self._by_rank: dict[tuple[int, int], list[Action]] = {}
        self._view: View | None = None
        # the staff it waits for, as (team, place) with place None for anywhere: news of
        # those members arriving or being freed wakes it
        self._wanted: set[tuple[str, str | None]] = set()
        self._crowded = False  # a full room with a larger one open: arrivals and departures matter
        self._places: dict[str, str] = {}  # where each incident is (a registration names its group)
        # refused decisions, each with the staff it waits for (None: the situation changing
        # otherwise); tried again only once that has happened
        self._blocked: dict[D.Decision, Waits | None] = {}
        self._fired_at: set[tuple[str, str | None]] = set()  # staff news since the last look
        self._fired_teams: set[str] = set()
        self._moved: set[str] = set()  # teams its own dispatches moved since the last look
        self._changed = True  # news other than staff since the last look
        self._seen: dict[str, TeamFacts] = {}  # the wanted teams as they were at the last look
        self._crowd_news = False

    def news(self, entry: Entry) -> bool:
        kind = entry.kind
        if kind in WAKE:
            self._changed = True
            return True
        if kind in STAFF:
            if kind == "registered":
                team, place = entry.data["by"], self._places.get(entry.subject)
            else:
                team, place = entry.subject, entry.data.get("place")
            if (team, place) in self._wanted or (team, None) in self._wanted:
                self._fired_at.add((team, place))
                self._fired_teams.add(team)
                return True
            return False
        if kind == "arrive" or kind == "left":
            self._crowd_news = self._crowd_news or self._crowded
            return self._crowded
        return False

    def worth_a_look(self, view: View) -> bool:
        """Staff news counts only if a team it waits for looks different now that the
        moment is over (a clerk freed by one registration who takes the next person in
        the queue leaves the team as it was)."""
        if self._changed or self._moved or self._crowd_news:
            return True
        if any(view.team(team) != self._seen.get(team) for team in self._fired_teams):
            return True
        self._fired_at, self._fired_teams = set(), set()
        return False

    def act(self, view: View) -> list[D.Decision]:
        self._teams = {}
        self._view = view
        self._wanted = set()
        self._crowded = False
        out = [d for d in self._candidates(view) if d not in self.done and self._worth_trying(d)]
        self._fired_at, self._fired_teams, self._moved = set(), set(), set()
        self._changed = self._crowd_news = False
        self._seen = {team: self._team(view, team) for team, _place in self._wanted}
        return out

    def _worth_trying(self, decision: D.Decision) -> bool:
        """Not refused before, or something it waits for has happened since."""
        if decision not in self._blocked or self._changed:
            return True
        waits = self._blocked[decision]
        if waits is None:
            return False
        for team, place in waits:
            if (
                team in self._moved
                or (team, place) in self._fired_at
                or (place is None and team in self._fired_teams)
            ):
                return True
        self._wanted |= waits
        return False

    def _candidates(self, view: View) -> list[D.Decision]:
        self.plan = plan = view.plan
        out: list[D.Decision] = []
        recommended, level = view.recommended, view.level
        if recommended and view.level_pending is None and view.alert_chain_done():
            if level is None or LEVELS.index(recommended) > LEVELS.index(level):
                out.append(D.DeclareLevel(recommended))
        out.extend(self._prepare(view))
        if level is None:
            return list(dict.fromkeys(out))
        incidents = view.incidents(active_only=True)
        self._places.update((inc.id, inc.place) for inc in incidents)
        for action in self._actions(plan, LEVELS.index(level)):
            out.extend(self._expand(view, action, incidents))
        for inc in incidents:
            if inc.kind == "group_visit":
                move = self._indoors(view, inc)
                if move is not None:
                    out.append(move)
                out.extend(self._reception_away(view, inc))
        return list(dict.fromkeys(out))  # a decision two levels call for is taken once

    def _actions(self, plan: Plan, rank: int) -> list[Action]:
        """The actions of the level of ``rank`` and those below it, in order, each once
        (a higher level repeats what a lower one does)."""
        key = (id(plan), rank)
        found = self._by_rank.get(key)
        if found is None:
            seen: dict[str, Action] = {}
            for name in LEVELS[: rank + 1]:
                spec = plan.levels.get(name)  # type: ignore[call-overload]
                for action in spec.actions if spec is not None else ():
                    seen.setdefault(action.model_dump_json(), action)
            found = self._by_rank[key] = list(seen.values())
        return found

    def note(self, decision: D.Decision, outcome: Outcome) -> None:
        """Remember accepted decisions so they are not repeated; for a refused one,
        what it waits for (the reason says, when it is staff)."""
        if outcome.accepted:
            if not isinstance(decision, D.DeclareLevel | D.MoveGroup):
                self.done.add(decision)
            if isinstance(decision, D.Dispatch):
                self._moved.add(decision.team)  # its members moved: what waits for them may go now
        else:
            waits = getattr(outcome.reason, "waits", None)
            self._blocked[decision] = waits
            if waits:
                self._wanted |= waits

    def _team(self, view: View, team_id: str) -> TeamFacts:
        facts = self._teams.get(team_id)
        if facts is None:
            facts = self._teams[team_id] = view.team(team_id)
        return facts

    def _prepare(self, view: View) -> list[D.Decision]:
        """Work towards the milestones that already apply: a plan's limit is also
        its instruction (staff in place before a scheduled visit, a room open)."""
        out: list[D.Decision] = []
        venues = None
        for _mid, m in view.milestones_pending():
            if isinstance(m, TeamOnSite):
                team = self._team(view, m.team)
                if team.off_duty:
                    out.append(D.CallIn(m.team))
                place = view.main_place()
                if place != BASE:
                    out.extend(self._send(view, m.team, m.people or team.size, place))
            elif isinstance(m, TeamsAllOnDuty):
                out.extend(D.CallIn(t) for t in m.teams if self._team(view, t).off_duty)
            elif isinstance(m, OfficialOnSite) and view.official(m.official) is OfficialStatus.AWAY:
                out.append(D.Summon(m.official))
            elif isinstance(m, VenueOpen):
                venues = venues or {v.id: v for v in view.venues()}
                if not venues[m.venue].open:
                    out.append(D.OpenVenue(m.venue))
        return out

    def _send(
        self, view: View, team_id: str, need: int, place: str, to: str | None = None
    ) -> list[D.Decision]:
        """Dispatch idle members of a team to ``place`` until ``need`` are there or on their way."""
        team = self._team(view, team_id)
        there = team.present_at.get(place, 0)
        coming = team.en_route if place == BASE else 0
        short = need - there - coming
        idle = team.idle - team.idle_at.get(place, 0)
        if short > 0:
            self._wanted.add((team_id, None))  # until enough are there, each arrival or release counts
        if short > 0 and idle:
            return [D.Dispatch(team_id, min(short, idle), to or place)]
        return []

    def _reception_away(self, view: View, crowd: IncidentFacts) -> list[D.Decision]:
        """A group away at a site is received there: send half the idle receptionists."""
        if crowd.place == BASE:
            return []
        out: list[D.Decision] = []
        for team_id in view.teams_with(Duty.reception):
            team = self._team(view, team_id)
            if team.present_at.get(crowd.place, 0):
                continue
            self._wanted.add((team_id, None))  # until some are there
            idle = team.idle_at.get(BASE, 0)
            if idle:
                out.append(D.Dispatch(team_id, max(1, idle // 2), crowd.id))
        return out

    def _expand(self, view: View, action: Action, incidents: list[IncidentFacts]) -> list[D.Decision]:
        plan = view.plan
        if isinstance(action, CallInAction):
            return [D.CallIn(action.team)] if self._team(view, action.team).off_duty else []
        if isinstance(action, SummonAction):
            if view.official(action.official) is not OfficialStatus.AWAY:
                return []
            return [D.Summon(action.official, incidents[0].id if incidents else None)]
        if isinstance(action, OpenVenueAction):
            return [D.OpenVenue(action.venue)]
        if isinstance(action, UnitAction):
            return [D.PublishStatement() if action.do == "public_statement" else D.RequestSupport()]
        out: list[D.Decision] = []
        if isinstance(action, DispatchAction):
            team = self._team(view, action.team)
            for inc in incidents:
                at = team.present_at.get(inc.place, 0)
                coming = team.en_route if inc.place == BASE else 0
                short = action.people - at
                if short > 0:
                    self._wanted.add(
                        (action.team, None)
                    )  # until enough are there, each arrival or release counts
                if short > 0 and at + coming < action.people:
                    idle_elsewhere = team.idle - team.idle_at.get(inc.place, 0)
                    if idle_elsewhere:
                        out.append(D.Dispatch(action.team, min(short, idle_elsewhere), inc.id))
            return out
        assert isinstance(action, IncidentAction)
        do = action.do
        for inc in incidents:
            if do in _GROUP_ONLY and inc.kind != "group_visit":
                continue
            # an on-site measure at an outlying site needs the team sent there first
            need = _ON_SITE_NEEDS.get(do)
            if need is not None and inc.place != BASE:
                duty, count_of = need
                count = count_of(plan)
                for team_id in view.teams_with(duty)[:1]:
                    if self._team(view, team_id).present_at.get(inc.place, 0) < count:
                        out.extend(self._send(view, team_id, count, inc.place, inc.id))
            out.append(_INCIDENT_DECISIONS[do](inc.id))
        if do == "initial_reply":
            # the reply also answers a grievance raised online
            out.extend(D.IssueInitialReply(t) for t in view.topics_started())
        return out

    def _indoors(self, view: View, crowd: IncidentFacts) -> D.Decision | None:
        """Bring a group into the largest open room that has space for it."""
        if crowd.place != BASE:
            return None
        venues = view.venues()
        current = next((v for v in venues if v.id == crowd.venue), None)
        rooms = [v for v in venues if v.open and v.indoor and v.kind != VenueKind.meeting_room]
        if not rooms:
            return None
        best = max(rooms, key=lambda v: (v.capacity - v.occupancy, v.id))
        if current is not None and current.indoor and current.occupancy >= current.capacity:
            # full: who arrives now stands outside, and a larger room may take the group
            self._crowded = self._crowded or any(v.capacity > current.capacity for v in rooms)
        if current is not None and current.indoor:
            if not crowd.outside or best.id == current.id:
                return None
            if best.capacity <= current.capacity:
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
) -> None:
    """Let ``policy`` decide until ``until``.

    The policy is asked at once, then each time the log records something that can
    change its mind (``policy.news``), once that moment's events are complete; in
    between the drill runs on by itself. After taking decisions it looks again at
    once (its own decisions change the situation too), until it has nothing more
    to do at that moment. ``on_decision`` hears of every accepted decision (a
    journal, say)."""
    end = drill.horizon if until is None else min(until, drill.horizon)
    view = drill.view()
    entries = drill.log.entries
    while drill.now < end:
        if not policy.worth_a_look(view):
            drill.advance_to_news(end, news=policy.news)
            continue
        for _ in range(MAX_LOOKS):
            read = len(entries)
            if not _apply(drill, policy, policy.act(view), on_decision):
                break
            for entry in entries[read:]:  # what its own decisions did, read like any news
                policy.news(entry)
        drill.advance_to_news(end, news=policy.news)


def _apply(
    drill: Drill,
    policy: Policy,
    decisions: Iterable[D.Decision],
    on_decision: Callable[[float, D.Decision], None] | None,
) -> bool:
    """Take ``decisions`` in turn; whether any was accepted."""
    accepted = False
    for decision in decisions:
        outcome = drill.decide(decision)
        policy.note(decision, outcome)
        if outcome.accepted:
            accepted = True
            if on_decision is not None:
                on_decision(drill.now, decision)
    return accepted


__all__ = ["POLICIES", "PassivePolicy", "PlanPolicy", "Policy", "make", "play"]
