"""Decisions of the command: the level, staff, officials, venues, statements,
support from above, and ending the response."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from ...spec.plan import LEVELS, Duty
from ..reasons import Why, why
from ..staff import BASE, ON_DUTY, OfficialStatus
from ..world import World
from .base import Decision, Estimate, idle_elsewhere, not_on_duty, on_duty


@dataclass(frozen=True)
class DeclareLevel(Decision):
    level: str = "IV"
    kind: ClassVar[str] = "declare_level"

    def validate(self, world: World) -> Why | None:
        a = world.assessment
        if self.level not in LEVELS:
            return why(f"level must be one of {', '.join(LEVELS)}", f"级别须为 {'、'.join(LEVELS)} 之一")
        if self.level not in world.plan.levels:
            return why("the plan has no level {l}", "预案中没有{l}级响应", l=self.level)
        if a.ended_at is not None:
            return why("the response has ended", "应急响应已终止")
        not_ready = a.decision_ready()
        if not_ready:
            return not_ready
        if a.level_pending is not None:
            return why("level {l} is already being decided", "{l}级响应正在决定中", l=a.level_pending[0])
        if a.level == self.level:
            return why("level {l} is already in force", "已在执行{l}级响应", l=self.level)
        return None

    def estimate(self, world: World) -> Estimate:
        dist = world.assessment.decide_step().duration_min
        return Estimate(0, dist.mean(), why("the commander's decision", "总指挥作出决定"))

    def apply(self, world: World) -> float:
        a = world.assessment
        stream = "alert:decide" if "decide" not in a.step_done else "level_change"
        delay = a.decide_step().duration_min.sample(world.streams(stream))
        pending = world.pending.add("declare_level", world.now + delay, level=self.level)
        a.declare(self.level, delay, pending)
        return delay


@dataclass(frozen=True)
class CallIn(Decision):
    team: str = ""
    people: int | None = None  # None: everyone off duty
    kind: ClassVar[str] = "call_in"

    def validate(self, world: World) -> Why | None:
        team = world.roster.teams.get(self.team)
        if team is None:
            return why("the plan has no team {t!r}", "预案中没有工作组“{t}”", t=self.team)
        if self.people is not None and self.people < 1:
            return why("call at least one member", "至少召集一人")
        if not team.off_duty():
            return why(
                "every member of {t} is already on duty or on the way",
                "{t}全员已在岗或在途",
                t=world.name(self.team),
            )
        return None

    def estimate(self, world: World) -> Estimate:
        team = world.roster.teams[self.team]
        n = len(team.off_duty()) if self.people is None else min(self.people, len(team.off_duty()))
        return Estimate(n, team.spec.call_in_min.mean(), why("call-in time, mean", "平均召集用时"))

    def apply(self, world: World) -> float:
        team = world.roster.teams[self.team]
        count = len(team.off_duty()) if self.people is None else self.people
        called = world.roster.call_in(team, count)
        return max((m.eta or world.now) - world.now for m in called)


def _dispatch_place(world: World, to: str) -> str | None:
    inc = world.site_incident(to)
    if inc is not None:
        return inc.place
    if to in world.reception.venues:
        return BASE
    if to in world.plan.sites:
        return to
    return None


@dataclass(frozen=True)
class Dispatch(Decision):
    team: str = ""
    people: int = 1
    to: str = ""  # an incident, a venue or a site
    kind: ClassVar[str] = "dispatch"

    def validate(self, world: World) -> Why | None:
        team = world.roster.teams.get(self.team)
        if team is None:
            return why("the plan has no team {t!r}", "预案中没有工作组“{t}”", t=self.team)
        place = _dispatch_place(world, self.to)
        if place is None:
            return why("{to!r} is not an incident, venue or site", "“{to}”不是事件、场所或地点", to=self.to)
        if self.people < 1:
            return why("send at least one member", "至少派遣一人")
        elsewhere = idle_elsewhere(world, self.team, place)
        if len(elsewhere) < self.people:
            at = len([m for m in team.members if m.place == place and m.status in ON_DUTY])
            return why(
                "{t} has {n} idle member(s) elsewhere to send ({at} already there, {way} on the way, {off} off duty)",
                "{t}可派遣的空闲人员只有{n}人（已在该处{at}人，途中{way}人，未到岗{off}人）",
                t=world.name(self.team),
                n=len(elsewhere),
                at=at,
                way=len(team.en_route()),
                off=len(team.off_duty()),
            ).waiting_for(frozenset({(self.team, None)}))
        return None

    def estimate(self, world: World) -> Estimate:
        place = _dispatch_place(world, self.to) or BASE
        site = world.plan.sites.get(place)
        return Estimate(self.people, site.travel_min.mean() if site else 0.0, why("travel time", "路程用时"))

    def apply(self, world: World) -> float:
        place = _dispatch_place(world, self.to) or BASE
        movers = idle_elsewhere(world, self.team, place)[: self.people]
        return max(world.roster.send(m, place, None) for m in movers)


@dataclass(frozen=True)
class Summon(Decision):
    official: str = ""
    to: str | None = None  # an incident or site; default: where the first incident is
    kind: ClassVar[str] = "summon"

    def validate(self, world: World) -> Why | None:
        official = world.roster.officials.get(self.official)
        if official is None:
            return why("the plan has no official {o!r}", "预案中没有领导“{o}”", o=self.official)
        if official.status is OfficialStatus.PRESENT:
            return why("{o} is already on site", "{o}已在现场", o=world.name(self.official))
        if official.status is not OfficialStatus.AWAY:
            return why(
                "{o} is already on the way (ETA {eta:.0f} min)",
                "{o}已在途中（预计第{eta:.0f}分钟到）",
                o=world.name(self.official),
                eta=official.eta,
            )
        return None

    def estimate(self, world: World) -> Estimate:
        return Estimate(
            0,
            world.roster.officials[self.official].spec.arrival_min.mean(),
            why("arrival time, mean", "平均到场用时"),
        )

    def apply(self, world: World) -> float:
        place = world.main_place()
        if self.to:
            inc = world.site_incident(self.to)
            place = inc.place if inc is not None else (self.to if self.to in world.plan.sites else BASE)
        return world.roster.summon(world.roster.officials[self.official], place)


@dataclass(frozen=True)
class OpenVenue(Decision):
    venue: str = ""
    kind: ClassVar[str] = "open_venue"

    def validate(self, world: World) -> Why | None:
        venue = world.reception.venues.get(self.venue)
        if venue is None:
            return why("the plan has no venue {v!r}", "预案中没有场所“{v}”", v=self.venue)
        if venue.open:
            return why("{v} is already open", "{v}已启用", v=world.name(self.venue))
        if world.emergencies.closed(self.venue):
            return why(
                "{v} was closed by a fire or explosion and stays closed in this drill",
                "{v}因火灾、爆炸已关闭，本次推演中不再启用",
                v=world.name(self.venue),
            )
        if venue.opening_eta is not None:
            return why(
                "{v} is already being opened (ready at {eta:.0f} min)",
                "{v}正在启用（第{eta:.0f}分钟可用）",
                v=world.name(self.venue),
                eta=venue.opening_eta,
            )
        return None

    def estimate(self, world: World) -> Estimate:
        spec = world.reception.venues[self.venue].spec
        return Estimate(0, spec.open_min.mean(), why("time to open", "启用用时"))

    def apply(self, world: World) -> float:
        venue = world.reception.venues[self.venue]
        delay = venue.spec.open_min.sample(world.streams(f"venue:{venue.id}"))
        venue.opening_eta = world.now + delay
        pending = world.pending.add("open_venue", venue.opening_eta, venue=venue.id)

        def opened() -> None:
            pending.done()
            world.reception.open(venue)

        world.kernel.after(delay, opened)
        return delay


@dataclass(frozen=True)
class PublishStatement(Decision):
    kind: ClassVar[str] = "public_statement"

    def validate(self, world: World) -> Why | None:
        if world.online.drafting_eta is not None:
            return why(
                "a statement is being drafted (ready at {eta:.0f} min)",
                "信息正在起草（第{eta:.0f}分钟完成）",
                eta=world.online.drafting_eta,
            )
        if not on_duty(world, Duty.public_info):
            return not_on_duty(world, Duty.public_info)
        return None

    def estimate(self, world: World) -> Estimate:
        return Estimate(
            0,
            world.plan.policy_work.statement_min.mean(),
            why("drafting and clearing, mean", "平均起草审核用时"),
        )

    def apply(self, world: World) -> float:
        online = world.online
        delay = world.plan.policy_work.statement_min.sample(
            world.streams(f"statement:{len(online.statements)}")
        )
        online.drafting_eta = world.now + delay
        pending = world.pending.add("public_statement", world.now + delay)

        def published() -> None:
            pending.done()
            online.drafting_eta = None
            online.publish_statement()

        world.kernel.after(delay, published)
        return delay


@dataclass(frozen=True)
class RequestSupport(Decision):
    kind: ClassVar[str] = "request_support"

    def validate(self, world: World) -> Why | None:
        if world.roster.support_requested_at is not None:
            return why("support has already been requested", "已请求上级支援")
        return None

    def estimate(self, world: World) -> Estimate:
        return Estimate(
            0, world.plan.site_work.support_min.mean(), why("until reinforcements arrive", "增援到达用时")
        )

    def apply(self, world: World) -> float:
        roster = world.roster
        roster.support_requested_at = world.now
        delay = world.plan.site_work.support_min.sample(world.streams("support"))
        pending = world.pending.add("request_support", world.now + delay)

        def arrived() -> None:
            pending.done()
            added = 0
            for team in roster.teams.values():
                if not team.spec.external:
                    continue
                extra = max(1, round(team.spec.size_people * world.plan.site_work.support_fraction))
                roster.reinforce(team, extra)
                added += extra
            world.log.add(world.now, "support_arrived", "", people=added)

        world.kernel.after(delay, arrived)
        return delay


@dataclass(frozen=True)
class EndResponse(Decision):
    kind: ClassVar[str] = "end_response"

    END_BELOW_PEOPLE: ClassVar[int] = 10  # 002 §五(一)4: fewer than 10 on site

    def validate(self, world: World) -> Why | None:
        a = world.assessment
        if a.ended_at is not None:
            return why("the response has already ended", "应急响应已终止")
        if a.level is None:
            return why("no response level is in force", "尚未启动应急响应")
        head = world.head_count()
        if head >= self.END_BELOW_PEOPLE:
            return why(
                "{h} people are still on site (the plan ends below {n})",
                "现场仍有{h}人（预案要求降至{n}人以下方可终止）",
                h=head,
                n=self.END_BELOW_PEOPLE,
            )
        if world.individuals.any_active():
            return why("a person threatening self-harm is still on site", "扬言自伤的人员仍在现场")
        if world.groups.pending_arrivals():
            return why("more people are still on their way", "仍有人员正在赶来")
        return None

    def apply(self, world: World) -> None:
        world.assessment.end()
        return None
