"""The plan-following policy: what a team that does exactly what its plan says
would decide, from what a trainee can see (the drill's ``View``).

It declares the level the triggers call for once the alert chain allows, then
takes every action of that level and the levels below it (a higher level adds
to a lower one), for every incident. It also works towards the milestones that
already apply (a plan's limit is also its instruction) and does the on-site
work every seed plan asks for: bring a group indoors where it can be
received, receive a group away at a site where it is.

It is asked again only when something happens that can change its mind: a
report, a level, an incident starting or ending, a limit that now applies, a
room opening, an official arriving, members of a team it waits for arriving or
being freed (and looking different once the moment is over), or, with a full
room and a larger one open, people arriving and leaving. A decision refused
once is tried again only when what it waits for has happened (the refusal says
which staff, when it is staff). The test of all this: it decides exactly as a
naive policy that looks after every moment and tries everything each time.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

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
from .drill import Outcome
from .log import Entry
from .reasons import EVENT, Waits
from .view import BASE, IncidentFacts, OfficialStatus, TeamFacts, VenueFacts, View

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
_ON_SITE_NEEDS: dict[str, tuple[Duty, Callable[[Plan], int]]] = {
    "set_cordon": (Duty.order, lambda plan: plan.site_work.cordon_people),
    "medical_standby": (Duty.medical, lambda plan: plan.site_work.standby_people),
    "legal_aid": (Duty.legal_aid, lambda plan: 1),
}

Expander = Callable[[View, list[IncidentFacts]], list[D.Decision]]


class PlanPolicy:
    name = "plan"

    def __init__(self) -> None:
        self.done: set[int] = set()  # ids of decisions taken (made once each: see _make)
        self._made: dict[tuple[Any, ...], D.Decision] = {}
        self._teams: dict[str, TeamFacts] = {}  # read once per look
        self._venues: list[VenueFacts] | None = None  # read once per look
        self._compiled: dict[tuple[int, int], list[Expander]] = {}
        self._view: View | None = None
        # the staff it waits for, as (team, place) with place None for anywhere: news of
        # those members arriving or being freed wakes it
        self._wanted: set[tuple[str, str | None]] = set()
        self._crowded = False  # a full room with a larger one open: arrivals and departures matter
        self._places: dict[str, str] = {}  # where each incident is (a registration names its group)
        # refused decisions, each with the staff it waits for (None: the situation changing
        # otherwise); tried again only once that has happened
        self._blocked: dict[int, Waits | None] = {}
        self._fired_at: set[tuple[str, str | None]] = set()  # staff news since the last look
        self._fired_teams: set[str] = set()
        self._moved: set[str] = set()  # teams its own dispatches moved since the last look
        self._sent_away: dict[tuple[str, str], int] = {}  # receptionists sent to a group at a site
        self._sent_decisions: list[D.Decision] = []
        self._changed = True  # news other than staff since the last look
        self._seen: dict[str, TeamFacts] = {}  # the wanted teams as they were at the last look
        self._crowd_news = False

    # --- when to look -------------------------------------------------------------------------

    def news(self, entry: Entry) -> bool:
        kind = entry.kind
        if kind in WAKE:
            self._changed = True
            self._fired_at.add((EVENT, kind))
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

    # --- a look ---------------------------------------------------------------------------------

    def act(self, view: View) -> list[D.Decision]:
        self._teams = {}
        self._venues = None
        self._view = view
        self._wanted = set()
        self._crowded = False
        out = []
        seen: set[int] = set()
        for decision in self._candidates(view):
            key = id(decision)
            if key in seen or key in self.done:  # a decision two levels call for is taken once
                continue
            seen.add(key)
            if self._worth_trying(key):
                out.append(decision)
        self._fired_at, self._fired_teams, self._moved = set(), set(), set()
        self._changed = self._crowd_news = False
        self._seen = {team: self._team(view, team) for team, _place in self._wanted if team != EVENT}
        return out

    def note(self, decision: D.Decision, outcome: Outcome) -> None:
        """Remember accepted decisions so they are not repeated; for a refused one,
        what it waits for (the reason says, when it is staff)."""
        if outcome.accepted:
            if not isinstance(decision, D.DeclareLevel | D.MoveGroup):
                self.done.add(id(decision))
            if isinstance(decision, D.Dispatch):
                key = (decision.team, decision.to)
                self._sent_away[key] = self._sent_away.get(key, 0) + decision.people
                self._moved.add(decision.team)  # its members moved: what waits for them may go now
        else:
            waits = getattr(outcome.reason, "waits", None)
            self._blocked[id(decision)] = waits
            if waits:
                self._wanted |= waits

    def _worth_trying(self, key: int) -> bool:
        """Not refused before, or something it waits for has happened since (when the
        refusal does not say, anything other than staff news)."""
        if key not in self._blocked:
            return True
        waits = self._blocked[key]
        if waits is None:
            return self._changed
        moved, fired_at, fired_teams = self._moved, self._fired_at, self._fired_teams
        for team, place in waits:
            if team in moved or (team, place) in fired_at or (place is None and team in fired_teams):
                return True
        self._wanted |= waits
        return False

    def _make(self, cls: type[D.Decision], *args: Any) -> D.Decision:
        """Each distinct decision is made once, so it is known by its id."""
        key = (cls, *args)
        found = self._made.get(key)
        if found is None:
            found = self._made[key] = cls(*args)
        return found

    def _team(self, view: View, team_id: str) -> TeamFacts:
        facts = self._teams.get(team_id)
        if facts is None:
            facts = self._teams[team_id] = view.team(team_id)
        return facts

    # --- what the plan calls for ------------------------------------------------------------------

    def _candidates(self, view: View) -> list[D.Decision]:
        plan = view.plan
        out: list[D.Decision] = []
        recommended, level = view.recommended, view.level
        if recommended and view.level_pending is None and view.alert_chain_done():
            if level is None or LEVELS.index(recommended) > LEVELS.index(level):
                out.append(self._make(D.DeclareLevel, recommended))
        self._prepare(view, out)
        if level is None:
            return out
        incidents = view.incidents(active_only=True)
        self._places.update((inc.id, inc.place) for inc in incidents)
        for expand in self._compile(plan, LEVELS.index(level)):
            out.extend(expand(view, incidents))
        for inc in incidents:
            if inc.kind == "group_visit":
                self._indoors(view, inc, out)
                self._reception_away(view, inc, out)
        return out

    def _compile(self, plan: Plan, rank: int) -> list[Expander]:
        """The actions of the level of ``rank`` and those below it, in order, each once
        (a higher level repeats what a lower one does), each as a function of the view."""
        key = (id(plan), rank)
        found = self._compiled.get(key)
        if found is None:
            seen: dict[str, Action] = {}
            for name in LEVELS[: rank + 1]:
                spec = plan.levels.get(name)  # type: ignore[call-overload]
                for action in spec.actions if spec is not None else ():
                    seen.setdefault(action.model_dump_json(), action)
            found = self._compiled[key] = [self._expander(plan, a) for a in seen.values()]
        return found

    def _expander(self, plan: Plan, action: Action) -> Expander:
        if isinstance(action, CallInAction):
            return lambda view, incidents: self._call_in(view, action.team)
        if isinstance(action, SummonAction):
            return lambda view, incidents: self._summon(view, action.official, incidents)
        if isinstance(action, OpenVenueAction):
            decision = self._make(D.OpenVenue, action.venue)
            return lambda view, incidents: [decision]
        if isinstance(action, UnitAction):
            unit = self._make(D.PublishStatement if action.do == "public_statement" else D.RequestSupport)
            return lambda view, incidents: [unit]
        if isinstance(action, DispatchAction):
            return lambda view, incidents: self._dispatch(view, action.team, action.people, incidents)
        assert isinstance(action, IncidentAction)
        return self._incident_expander(plan, action.do)

    def _call_in(self, view: View, team: str) -> list[D.Decision]:
        return [self._make(D.CallIn, team)] if self._team(view, team).off_duty else []

    def _summon(self, view: View, official: str, incidents: list[IncidentFacts]) -> list[D.Decision]:
        if view.official(official) is not OfficialStatus.AWAY:
            return []
        return [self._make(D.Summon, official, incidents[0].id if incidents else None)]

    def _dispatch(
        self, view: View, team_id: str, people: int, incidents: list[IncidentFacts]
    ) -> list[D.Decision]:
        team = self._team(view, team_id)
        out: list[D.Decision] = []
        for inc in incidents:
            at = team.present_at.get(inc.place, 0)
            coming = team.en_route if inc.place == BASE else 0
            short = people - at
            if short > 0:
                self._wanted.add((team_id, None))  # until enough are there, each arrival or release counts
            if short > 0 and at + coming < people:
                idle_elsewhere = team.idle - team.idle_at.get(inc.place, 0)
                if idle_elsewhere:
                    out.append(self._make(D.Dispatch, team_id, min(short, idle_elsewhere), inc.id))
        return out

    def _incident_expander(self, plan: Plan, do: str) -> Expander:
        cls = _INCIDENT_DECISIONS[do]
        need = _ON_SITE_NEEDS.get(do)
        count = need[1](plan) if need is not None else 0
        group_only = do in _GROUP_ONLY

        def expand(view: View, incidents: list[IncidentFacts]) -> list[D.Decision]:
            out: list[D.Decision] = []
            for inc in incidents:
                if group_only and inc.kind != "group_visit":
                    continue
                # an on-site measure at an outlying site needs the team sent there first
                if need is not None and inc.place != BASE:
                    for team_id in view.teams_with(need[0])[:1]:
                        if self._team(view, team_id).present_at.get(inc.place, 0) < count:
                            self._send(view, team_id, count, inc.place, out, inc.id)
                out.append(self._make(cls, inc.id))
            if do == "initial_reply":
                # the reply also answers a grievance raised online
                out.extend(self._make(D.IssueInitialReply, t) for t in view.topics_started())
            return out

        return expand

    def _prepare(self, view: View, out: list[D.Decision]) -> None:
        """Work towards the milestones that already apply: a plan's limit is also
        its instruction (staff in place before a scheduled visit, a room open)."""
        for _mid, m in view.milestones_pending():
            if isinstance(m, TeamOnSite):
                team = self._team(view, m.team)
                if team.off_duty:
                    out.append(self._make(D.CallIn, m.team))
                place = view.main_place()
                if place != BASE:
                    self._send(view, m.team, m.people or team.size, place, out)
            elif isinstance(m, TeamsAllOnDuty):
                out.extend(self._make(D.CallIn, t) for t in m.teams if self._team(view, t).off_duty)
            elif isinstance(m, OfficialOnSite) and view.official(m.official) is OfficialStatus.AWAY:
                out.append(self._make(D.Summon, m.official, None))
            elif isinstance(m, VenueOpen):
                if not next(v for v in self._venues_now(view) if v.id == m.venue).open:
                    out.append(self._make(D.OpenVenue, m.venue))

    def _send(
        self, view: View, team_id: str, need: int, place: str, out: list[D.Decision], to: str | None = None
    ) -> None:
        """Dispatch idle members of a team to ``place`` until ``need`` are there or on their way."""
        team = self._team(view, team_id)
        there = team.present_at.get(place, 0)
        coming = team.en_route if place == BASE else 0
        short = need - there - coming
        idle = team.idle - team.idle_at.get(place, 0)
        if short > 0:
            self._wanted.add((team_id, None))  # until enough are there, each arrival or release counts
        if short > 0 and idle:
            out.append(self._make(D.Dispatch, team_id, min(short, idle), to or place))

    def _reception_away(self, view: View, crowd: IncidentFacts, out: list[D.Decision]) -> None:
        """A group away at a site is received there: send half the receptionists."""
        if crowd.place == BASE:
            return
        for team_id in view.teams_with(Duty.reception):
            team = self._team(view, team_id)
            # half the team in all, counting those on their way (not there yet)
            want = max(1, team.size // 2) - self._sent_away.get((team_id, crowd.id), 0)
            if want <= 0:
                continue
            self._wanted.add((team_id, None))  # until enough are sent
            idle = min(want, team.idle_at.get(BASE, 0))
            if idle:  # a fresh decision each time: sending one more later is not a repeat
                fresh = D.Dispatch(team_id, idle, crowd.id)
                self._sent_decisions.append(fresh)  # kept, so its id (how decisions are known) stays its own
                out.append(fresh)

    def _venues_now(self, view: View) -> list[VenueFacts]:
        if self._venues is None:
            self._venues = view.venues()
        return self._venues

    def _indoors(self, view: View, crowd: IncidentFacts, out: list[D.Decision]) -> None:
        """Bring a group into the largest open room that has space for it."""
        if crowd.place != BASE:
            return
        venues = self._venues_now(view)
        current = next((v for v in venues if v.id == crowd.venue), None)
        rooms = [v for v in venues if v.open and v.indoor and v.kind != VenueKind.meeting_room]
        if not rooms:
            return
        best = max(rooms, key=lambda v: (v.capacity - v.occupancy, v.id))
        if current is not None and current.indoor:
            # full, or filled by arrivals before the next look (another group's people may
            # fill it): who arrives then stands outside, and a larger room may take the group
            self._crowded = self._crowded or any(v.capacity > current.capacity for v in rooms)
        if current is not None and current.indoor:
            if not crowd.outside or best.id == current.id:
                return
            if best.capacity <= current.capacity:
                return
        out.append(self._make(D.MoveGroup, crowd.id, best.id))


__all__ = ["STAFF", "WAKE", "PlanPolicy"]
