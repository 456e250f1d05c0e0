"""The roster (工作组 / 领导): the unit's teams and officials, where each is
and what each is doing.

The roster owns every member's and official's movements and logs them:
``member_called`` (called in, with the ETA), ``member_sent`` (on the way to a
place), ``team_arrived`` (a member arrives at a place), ``member_tasked`` and
``member_released`` (a task other than serving at a reception channel, whose
end the ``registered`` entry records), ``official_arrived``; so who was where,
doing what, can be read from the log alone. Travel and call-in times come
from each team's and official's own stream. A member who becomes idle at a
place is offered to whoever waits for staff there (reception's queues).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

import simpy

from ..spec.plan import Duty, Plan
from .kernel import Kernel
from .log import EventLog
from .staff import BASE, ON_DUTY, Member, MemberStatus, OfficialState, OfficialStatus, TeamState
from .streams import Streams

IDLE, TASKED, EN_ROUTE = MemberStatus.IDLE, MemberStatus.TASKED, MemberStatus.EN_ROUTE
SERVE = "serve"  # serving one person at a reception channel (logged as ``registered``)


class Roster:
    def __init__(self, plan: Plan, kernel: Kernel, log: EventLog, streams: Streams):
        self.plan = plan
        self.kernel = kernel
        self.env = kernel.env
        self.log = log
        self.streams = streams
        self.teams = {tid: TeamState.from_spec(tid, t) for tid, t in plan.teams.items()}
        self.officials = {oid: OfficialState.from_spec(oid, o) for oid, o in plan.officials.items()}
        self._officials = list(self.officials.values())
        # a team's duties never change during a drill: index them once
        self._by_duty: dict[Duty, list[TeamState]] = {}
        for team in self.teams.values():
            for duty in team.spec.duties:
                self._by_duty.setdefault(duty, []).append(team)
        self.on_free: Callable[[Member], None] = lambda _m: None  # wired: reception takes idle staff
        self.on_arrival: Callable[[str], None] = lambda _p: None  # wired: crowds at the place see it
        self.support_requested_at: float | None = None
        self._on_arrival: dict[str, list[Callable[[], None]]] = {}  # official id -> waiting
        self._waiting: dict[
            str, list[tuple[simpy.Event, str]]
        ] = {}  # team -> (event, task) waiting for a member

    # --- what others read -------------------------------------------------------------------

    def with_duty(self, duty: Duty) -> list[TeamState]:
        return self._by_duty.get(duty, [])

    def members_with(self, duty: Duty, place: str | None = None, idle: bool = False) -> list[Member]:
        out = []
        for team in self.with_duty(duty):
            for m in team.members:
                if m.status not in ON_DUTY:
                    continue
                if place is not None and m.place != place:
                    continue
                if idle and m.status is not IDLE:
                    continue
                out.append(m)
        return out

    def officials_at(self, place: str) -> list[OfficialState]:
        """Officials on site at ``place`` who meet petitioners (not the duty desk)."""
        return [
            o
            for o in self._officials
            if o.status is OfficialStatus.PRESENT and o.place == place and o.spec.meets_petitioners
        ]

    def official_present(self, place: str) -> bool:
        for o in self._officials:
            if o.status is OfficialStatus.PRESENT and o.place == place and o.spec.meets_petitioners:
                return True
        return False

    def first_idle(self, team: TeamState) -> Member | None:
        for m in team.members:
            if m.status is IDLE:
                return m
        return None

    # --- movements --------------------------------------------------------------------------

    def call_in(self, team: TeamState, count: int) -> list[Member]:
        rng = self.streams(f"team:{team.id}")
        now = self.env.now
        called = team.off_duty()[:count]
        for member in called:
            delay = team.spec.call_in_min.sample(rng)
            member.status = EN_ROUTE
            member.eta = now + delay
            member.place = None
            self.log.add(now, "member_called", team.id, member=member.index + 1, eta=member.eta)
            self.kernel.after(delay, partial(self._arrives, member, BASE))
        return called

    def _arrives(self, member: Member, place: str) -> None:
        member.status = IDLE
        member.place = place
        member.eta = None
        member.task = None
        self.log.add(self.env.now, "team_arrived", member.team, member=member.index + 1, place=place)
        self.on_arrival(place)
        self._free(member)

    def send(self, member: Member, place: str, task: str | None) -> float:
        """Move an on-duty member to ``place`` for ``task``; returns the travel time."""
        travel = 0.0
        if member.place != place:
            site = self.plan.sites.get(place) or self.plan.sites.get(member.place or "")
            if site is not None:
                travel = site.travel_min.sample(self.streams(f"travel:{member.team}"))
        now = self.env.now
        self.log.add(now, "member_sent", member.team, member=member.index + 1, to=place, eta=now + travel)
        if travel <= 0:
            member.place = place
            member.status = TASKED if task else IDLE
            member.task = task
            self.log.add(now, "team_arrived", member.team, member=member.index + 1, place=place)
            self.on_arrival(place)
            if task is None:
                self._free(member)
            return 0.0
        member.status = EN_ROUTE
        member.place = None
        member.eta = now + travel
        member.task = task

        def arrive() -> None:
            member.place = place
            member.eta = None
            member.status = TASKED if member.task else IDLE
            self.log.add(self.env.now, "team_arrived", member.team, member=member.index + 1, place=place)
            self.on_arrival(place)
            if member.status is IDLE:
                self._free(member)

        self.kernel.after(travel, arrive)
        return travel

    def task(self, member: Member, task: str) -> None:
        member.status = TASKED
        member.task = task
        if task != SERVE:
            self.log.add(
                self.env.now,
                "member_tasked",
                member.team,
                member=member.index + 1,
                task=task,
                place=member.place,
            )

    def release(self, member: Member) -> None:
        if member.status is TASKED:
            task = member.task
            member.status = IDLE
            member.task = None
            if task != SERVE:
                self.log.add(
                    self.env.now,
                    "member_released",
                    member.team,
                    member=member.index + 1,
                    place=member.place,
                )
            self._free(member)

    def release_all(self, suffix: str) -> None:
        """Release every member whose task ends with ``suffix`` (an incident is over)."""
        for team in self.teams.values():
            for member in team.members:
                if member.task and member.task.endswith(suffix):
                    self.release(member)

    def reinforce(self, team: TeamState, count: int) -> None:
        """``count`` members join ``team`` at the base, idle (support from above)."""
        for _ in range(count):
            member = Member(team.id, len(team.members), IDLE, BASE)
            team.members.append(member)
            self.log.add(self.env.now, "team_arrived", team.id, member=member.index + 1, place=BASE)
            self.on_arrival(BASE)
            self._free(member)

    def _free(self, member: Member) -> None:
        """An idle member at a place takes up waiting work there: the reception
        queue first, then a task waiting for a member of the team."""
        if member.status is IDLE and member.place is not None:
            self.on_free(member)
            waiting = self._waiting.get(member.team)
            if waiting and member.status is IDLE:
                event, task = waiting.pop(0)
                self.task(member, task)
                event.succeed(member)

    def take_idle(self, team: TeamState, task: str) -> Member | None:
        """An idle member of ``team`` given ``task`` now, if there is one."""
        member = self.first_idle(team)
        if member is not None:
            self.task(member, task)
        return member

    def wait_idle(self, team: TeamState, task: str) -> simpy.Event:
        """An event that succeeds with a member of ``team`` (given ``task``) as soon as one
        is free and the reception queue does not take them."""
        event = self.kernel.event()
        self._waiting.setdefault(team.id, []).append((event, task))
        return event

    def summon(self, official: OfficialState, place: str) -> float:
        delay = official.spec.arrival_min.sample(self.streams(f"official:{official.id}"))
        official.status = OfficialStatus.SUMMONED
        official.eta = self.env.now + delay

        def arrive() -> None:
            official.status = OfficialStatus.PRESENT
            official.place = place
            official.eta = None
            self.log.add(self.env.now, "official_arrived", official.id, place=place)
            self.on_arrival(place)
            for callback in self._on_arrival.pop(official.id, ()):
                callback()

        self.kernel.after(delay, arrive)
        return delay

    def when_present(self, official_id: str, callback: Callable[[], None]) -> None:
        """Call ``callback`` once the official is on site: now if they are, else on arrival."""
        if self.officials[official_id].status is OfficialStatus.PRESENT:
            callback()
        else:
            self._on_arrival.setdefault(official_id, []).append(callback)
