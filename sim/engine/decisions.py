"""Decisions are data: small frozen dataclasses.

Each has ``validate(world)`` returning why it cannot be taken now (or None),
``estimate(world)`` saying what it commits and how long it should take (shown
before a trainee confirms), and ``apply(world)`` which starts it. Where the
real action takes time the effect lands later, after a duration drawn from the
decision's own stream, so the same decisions at the same times on the same
seed always give the same log.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from typing import Any, ClassVar

from pydantic import TypeAdapter, ValidationError

from ..spec.plan import LEVELS, Duty
from ..spec.scenario import EFFECT_TARGETS, Effect
from .heat import Topic
from .individual import ACTIVE, Individual
from .people import Crowd
from .reasons import Name, Why, why
from .staff import AWAY, BASE, IDLE, PRESENT, TASKED
from .world import World


@dataclass(frozen=True)
class Estimate:
    people: int = 0  # staff it commits
    minutes: float | None = None  # expected time until it takes effect
    note: str = ""  # a Why: text(lang) gives it in either language


@dataclass(frozen=True)
class Decision:
    kind: ClassVar[str] = ""
    label_zh: ClassVar[str] = ""
    label_en: ClassVar[str] = ""
    aliases: ClassVar[tuple[str, ...]] = ()

    def validate(self, world: World) -> str | None:
        return None

    def estimate(self, world: World) -> Estimate:
        return Estimate()

    def apply(self, world: World) -> float | None:
        """Start the decision; returns when it takes effect (minutes from now) if it takes time."""
        raise NotImplementedError

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, **{k: v for k, v in asdict(self).items() if v is not None}}

    def label(self, lang: str) -> str:
        return self.label_zh if lang == "zh" else self.label_en


# --- helpers --------------------------------------------------------------------


def _crowd(world: World, incident: str) -> Crowd | str:
    target = world.crowds.get(incident)
    if target is None:
        if incident in world.individuals or incident in world.topics:
            return why("{i} is not a group visit", "{i}不是群体来访", i=world.name(incident))
        return why("there is no incident {i!r}", "没有事件“{i}”", i=incident)
    if not target.started:
        return why("group {i} has not arrived yet", "{i}尚未到达", i=world.name(incident))
    if target.is_over():
        return why("group {i} has already left", "{i}已经离开", i=world.name(incident))
    return target


def _site_incident(world: World, incident: str) -> Crowd | Individual | str:
    target = world.crowds.get(incident) or world.individuals.get(incident)
    if target is None:
        if incident in world.topics:
            return why(
                "{i} is an online topic, not a place", "{i}是网络话题，不是现场事件", i=world.name(incident)
            )
        return why("there is no incident {i!r}", "没有事件“{i}”", i=incident)
    if not target.started:
        return why("{i} has not started yet", "{i}尚未发生", i=world.name(incident))
    if isinstance(target, Crowd) and target.is_over():
        return why("group {i} has already left", "{i}已经离开", i=world.name(incident))
    if isinstance(target, Individual) and target.status != ACTIVE:
        return why("{i} is already over", "{i}已经结束", i=world.name(incident))
    return target


def _on_duty(world: World, duty: Duty) -> bool:
    return bool(world.members_with(duty))


def _shortage(world: World, duty: Duty, place: str, count: int) -> Why:
    teams = world.team_with(duty)
    if not teams:
        return why(f"the plan has no team for {duty.value}", "预案中没有承担此项职责的工作组")
    idle = len(world.members_with(duty, place=place, idle=True))
    present = len(world.members_with(duty, place=place))
    on_way = sum(len(t.en_route()) for t in teams)
    return why(
        "needs {n} idle {team} member(s) where the incident is; {idle} idle ({present} there in all, {way} on the way)",
        "需要{team}{n}人在事发地待命；现有空闲{idle}人（在场共{present}人，途中{way}人）",
        n=count,
        team=world.name(teams[0].id),
        idle=idle,
        present=present,
        way=on_way,
    )


def _take(world: World, duty: Duty, place: str, count: int, task: str) -> list[Any]:
    """Take ``count`` idle members with ``duty`` at ``place`` and give them ``task``
    (validate first: this assumes there are enough)."""
    taken = world.members_with(duty, place=place, idle=True)[:count]
    for member in taken:
        member.status = TASKED
        member.task = task
    return taken


def _check_take(world: World, duty: Duty, place: str, count: int) -> Why | None:
    if len(world.members_with(duty, place=place, idle=True)) >= count:
        return None
    return _shortage(world, duty, place, count)


def _not_on_duty(world: World, duty: Duty) -> Why:
    teams = world.team_with(duty)
    team = world.name(teams[0].id) if teams else duty.value
    return why(
        "no {team} member is on duty to draft it (call them in)",
        "{team}无人在岗，无法起草（请先召集）",
        team=team,
    )


# --- the decisions -----------------------------------------------------------------


@dataclass(frozen=True)
class DeclareLevel(Decision):
    level: str = "IV"
    kind: ClassVar[str] = "declare_level"
    label_zh: ClassVar[str] = "宣布/调整响应级别"
    label_en: ClassVar[str] = "Declare or change the response level"
    aliases: ClassVar[tuple[str, ...]] = ("level", "declare", "xiangying")

    def validate(self, world: World) -> str | None:
        if self.level not in LEVELS:
            return why(f"level must be one of {', '.join(LEVELS)}", f"级别须为 {'、'.join(LEVELS)} 之一")
        if self.level not in world.plan.levels:
            return why("the plan has no level {l}", "预案中没有{l}级响应", l=self.level)
        if world.ended_at is not None:
            return why("the response has ended", "应急响应已终止")
        not_ready = world.decision_ready()
        if not_ready:
            return not_ready
        if world.level_pending is not None:
            return why("level {l} is already being decided", "{l}级响应正在决定中", l=world.level_pending[0])
        if world.level == self.level:
            return why("level {l} is already in force", "已在执行{l}级响应", l=self.level)
        return None

    def _dist(self, world: World):  # type: ignore[no-untyped-def]
        for step in world.plan.alert_chain:
            if step.step == "decide":
                return step.duration_min
        raise LookupError("decide step")

    def estimate(self, world: World) -> Estimate:
        return Estimate(0, self._dist(world).mean(), why("the commander's decision", "总指挥作出决定"))

    def apply(self, world: World) -> float:
        stream = "alert:decide" if "decide" not in world.step_done else "level_change"
        delay = self._dist(world).sample(world.rng(stream))
        world.declare_level(self.level, delay)
        return delay


@dataclass(frozen=True)
class CallIn(Decision):
    team: str = ""
    people: int | None = None  # None: everyone off duty
    kind: ClassVar[str] = "call_in"
    label_zh: ClassVar[str] = "召集备勤人员"
    label_en: ClassVar[str] = "Call in off-duty members"
    aliases: ClassVar[tuple[str, ...]] = ("call", "callin", "zhaoji")

    def validate(self, world: World) -> str | None:
        team = world.teams.get(self.team)
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
        team = world.teams[self.team]
        n = len(team.off_duty()) if self.people is None else min(self.people, len(team.off_duty()))
        return Estimate(n, team.spec.call_in_min.mean(), why("call-in time, mean", "平均召集用时"))

    def apply(self, world: World) -> float:
        team = world.teams[self.team]
        count = len(team.off_duty()) if self.people is None else self.people
        called = world.call_in(team, count)
        return max((m.eta or world.now) - world.now for m in called)


@dataclass(frozen=True)
class Dispatch(Decision):
    team: str = ""
    people: int = 1
    to: str = ""  # an incident, a venue or a site
    kind: ClassVar[str] = "dispatch"
    label_zh: ClassVar[str] = "派遣人员"
    label_en: ClassVar[str] = "Dispatch members"
    aliases: ClassVar[tuple[str, ...]] = ("send", "paiqian")

    def _place(self, world: World) -> str | None:
        inc = world.crowds.get(self.to) or world.individuals.get(self.to)
        if inc is not None:
            return inc.place
        if self.to in world.venues:
            return BASE
        if self.to in world.plan.sites:
            return self.to
        return None

    def validate(self, world: World) -> str | None:
        team = world.teams.get(self.team)
        if team is None:
            return why("the plan has no team {t!r}", "预案中没有工作组“{t}”", t=self.team)
        place = self._place(world)
        if place is None:
            return why("{to!r} is not an incident, venue or site", "“{to}”不是事件、场所或地点", to=self.to)
        if self.people < 1:
            return why("send at least one member", "至少派遣一人")
        elsewhere = [m for m in team.members if m.status == IDLE and m.place != place]
        if len(elsewhere) < self.people:
            at = len([m for m in team.members if m.place == place and m.status in (IDLE, TASKED)])
            return why(
                "{t} has {n} idle member(s) elsewhere to send ({at} already there, {way} on the way, {off} off duty)",
                "{t}可派遣的空闲人员只有{n}人（已在该处{at}人，途中{way}人，未到岗{off}人）",
                t=world.name(self.team),
                n=len(elsewhere),
                at=at,
                way=len(team.en_route()),
                off=len(team.off_duty()),
            )
        return None

    def estimate(self, world: World) -> Estimate:
        place = self._place(world) or BASE
        site = world.plan.sites.get(place)
        return Estimate(self.people, site.travel_min.mean() if site else 0.0, why("travel time", "路程用时"))

    def apply(self, world: World) -> float:
        team = world.teams[self.team]
        place = self._place(world) or BASE
        movers = [m for m in team.members if m.status == IDLE and m.place != place][: self.people]
        return max(world.send(m, place, None) for m in movers)


@dataclass(frozen=True)
class Summon(Decision):
    official: str = ""
    to: str | None = None  # an incident or site; default: where the first incident is
    kind: ClassVar[str] = "summon"
    label_zh: ClassVar[str] = "通知领导到场"
    label_en: ClassVar[str] = "Summon an official"
    aliases: ClassVar[tuple[str, ...]] = ("official", "leader", "tongzhi")

    def validate(self, world: World) -> str | None:
        official = world.officials.get(self.official)
        if official is None:
            return why("the plan has no official {o!r}", "预案中没有领导“{o}”", o=self.official)
        if official.status == PRESENT:
            return why("{o} is already on site", "{o}已在现场", o=world.name(self.official))
        if official.status != AWAY:
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
            world.officials[self.official].spec.arrival_min.mean(),
            why("arrival time, mean", "平均到场用时"),
        )

    def apply(self, world: World) -> float:
        place = world.main_place()
        if self.to:
            inc = world.crowds.get(self.to) or world.individuals.get(self.to)
            place = inc.place if inc is not None else (self.to if self.to in world.plan.sites else BASE)
        return world.summon(world.officials[self.official], place)


@dataclass(frozen=True)
class OpenVenue(Decision):
    venue: str = ""
    kind: ClassVar[str] = "open_venue"
    label_zh: ClassVar[str] = "启用场所"
    label_en: ClassVar[str] = "Open a venue"
    aliases: ClassVar[tuple[str, ...]] = ("open", "venue", "hall", "qiyong")

    def validate(self, world: World) -> str | None:
        venue = world.venues.get(self.venue)
        if venue is None:
            return why("the plan has no venue {v!r}", "预案中没有场所“{v}”", v=self.venue)
        if venue.open:
            return why("{v} is already open", "{v}已启用", v=world.name(self.venue))
        if venue.opening_eta is not None:
            return why(
                "{v} is already being opened (ready at {eta:.0f} min)",
                "{v}正在启用（第{eta:.0f}分钟可用）",
                v=world.name(self.venue),
                eta=venue.opening_eta,
            )
        return None

    def estimate(self, world: World) -> Estimate:
        return Estimate(0, world.venues[self.venue].spec.open_min.mean(), why("time to open", "启用用时"))

    def apply(self, world: World) -> float:
        venue = world.venues[self.venue]
        delay = venue.spec.open_min.sample(world.rng(f"venue:{venue.id}"))
        venue.opening_eta = world.now + delay
        item = world.add_pending("open_venue", venue.opening_eta, venue=venue.id)

        def opened() -> None:
            world.done_pending(item)
            venue.open = True
            venue.opening_eta = None
            world.log.add(world.now, "venue_opened", venue.id)
            for crowd in world.crowds.values():
                if crowd.venue == venue.id:
                    world.fill(crowd)

        world.after(delay, opened)
        return delay


@dataclass(frozen=True)
class MoveGroup(Decision):
    incident: str = ""
    venue: str = ""
    kind: ClassVar[str] = "move_group"
    label_zh: ClassVar[str] = "引导群众进入场所"
    label_en: ClassVar[str] = "Move a group into a venue"
    aliases: ClassVar[tuple[str, ...]] = ("move", "guide", "yindao")

    def validate(self, world: World) -> str | None:
        crowd = _crowd(world, self.incident)
        if isinstance(crowd, str):
            return crowd
        venue = world.venues.get(self.venue)
        if venue is None:
            return why("the plan has no venue {v!r}", "预案中没有场所“{v}”", v=self.venue)
        if crowd.place != BASE:
            return why(
                "group {i} is away at {p}; venues are at the unit",
                "{i}在{p}，不在本单位，无法进入本单位场所",
                i=world.name(self.incident),
                p=world.name(crowd.place),
            )
        if not venue.open:
            return why("{v} is not open yet", "{v}尚未启用", v=world.name(self.venue))
        if not venue.indoor:
            return why(
                "{v} is outdoors: nobody can be received there",
                "{v}是室外，无法在此接待",
                v=world.name(self.venue),
            )
        if venue.spec.kind == "meeting_room":
            return why(
                "{v} is a meeting room: ask the group for representatives instead",
                "{v}是会议室：请改为让群众推选代表",
                v=world.name(self.venue),
            )
        if crowd.venue == self.venue:
            return why(
                "group {i} is already in {v}",
                "{i}已在{v}",
                i=world.name(self.incident),
                v=world.name(self.venue),
            )
        return None

    def estimate(self, world: World) -> Estimate:
        venue = world.venues[self.venue]
        free = venue.spec.capacity_people - world.occupancy(venue.id)
        return Estimate(0, 0.0, why("{n} free places", "尚有{n}个空位", n=free))

    def apply(self, world: World) -> None:
        world.move_group(world.crowds[self.incident], self.venue)
        return None


@dataclass(frozen=True)
class AskRepresentatives(Decision):
    incident: str = ""
    kind: ClassVar[str] = "ask_representatives"
    label_zh: ClassVar[str] = "请群众推选代表（不超过5人）"
    label_en: ClassVar[str] = "Ask the group to choose representatives (at most 5)"
    aliases: ClassVar[tuple[str, ...]] = ("reps", "representatives", "daibiao")

    def _room(self, world: World):  # type: ignore[no-untyped-def]
        for venue in world.venues.values():
            if venue.spec.kind == "meeting_room" and venue.open and venue.reps_of is None:
                return venue
        return None

    def validate(self, world: World) -> str | None:
        crowd = _crowd(world, self.incident)
        if isinstance(crowd, str):
            return crowd
        if crowd.reps_at is not None:
            return why(
                "group {i} has already chosen representatives", "{i}已推选代表", i=world.name(self.incident)
            )
        if crowd.reps_pending:
            return why(
                "group {i} is already choosing representatives",
                "{i}正在推选代表",
                i=world.name(self.incident),
            )
        if crowd.place == BASE and self._room(world) is None:
            return why("no meeting room is open and free", "没有已启用且空闲的会议室")
        if not world.officials_at(crowd.place) and not world.members_with(Duty.reception, crowd.place):
            return why("nobody from the unit is there to ask them", "现场没有本单位人员可以组织推选")
        return None

    def estimate(self, world: World) -> Estimate:
        return Estimate(
            0,
            world.crowds[self.incident].behaviour.representatives_min.mean(),
            why("time to choose", "推选用时"),
        )

    def apply(self, world: World) -> float:
        crowd = world.crowds[self.incident]
        delay = crowd.behaviour.representatives_min.sample(world.rng(f"reps:{crowd.id}"))
        crowd.reps_pending = True
        item = world.add_pending("ask_representatives", world.now + delay, incident=crowd.id)

        def chosen() -> None:
            world.done_pending(item)
            crowd.reps_pending = False
            if crowd.is_over():
                return
            room = self._room(world)
            if room is None and crowd.place == BASE:
                world.log.add(world.now, "representatives_waiting", crowd.id, why="no free meeting room")
                return
            world.choose_representatives(crowd, room)

        world.after(delay, chosen)
        return delay


@dataclass(frozen=True)
class StartDialogue(Decision):
    incident: str = ""
    official: str | None = None
    kind: ClassVar[str] = "start_dialogue"
    label_zh: ClassVar[str] = "开展对话（劝导/谈判）"
    label_en: ClassVar[str] = "Start a dialogue (or negotiation)"
    aliases: ClassVar[tuple[str, ...]] = ("talk", "dialogue", "negotiate", "duihua")

    def _official(self, world: World, place: str):  # type: ignore[no-untyped-def]
        free = [o for o in world.officials_at(place) if o.engaged_with is None]
        if self.official is not None:
            free = [o for o in free if o.id == self.official]
        return free[0] if free else None

    def validate(self, world: World) -> str | None:
        target = _site_incident(world, self.incident)
        if isinstance(target, str):
            return target
        if self.official is not None and self.official not in world.officials:
            return why("the plan has no official {o!r}", "预案中没有领导“{o}”", o=self.official)
        if isinstance(target, Crowd) and target.dialogue_with is not None:
            return why(
                "{o} is already in dialogue with {i}",
                "{o}已在与{i}对话",
                o=world.name(target.dialogue_with),
                i=world.name(self.incident),
            )
        if isinstance(target, Individual) and target.negotiating_since is not None:
            return why(
                "a negotiation with {i} is already under way",
                "与{i}的谈判已在进行",
                i=world.name(self.incident),
            )
        if self._official(world, target.place) is None:
            who = world.name(self.official) if self.official else Name("一位领导", "an official")
            return why("{o} must be on site and free to lead it", "需要{o}在现场且空闲才能主持", o=who)
        if isinstance(target, Individual):
            return _check_take(world, Duty.psychology, target.place, 1)
        return None

    def estimate(self, world: World) -> Estimate:
        target = world.crowds.get(self.incident) or world.individuals.get(self.incident)
        return Estimate(
            1 if isinstance(target, Individual) else 0,
            0.0,
            why("an official's time until it ends", "占用一位领导直至结束"),
        )

    def apply(self, world: World) -> None:
        target = world.crowds.get(self.incident) or world.individuals[self.incident]
        official = self._official(world, target.place)
        official.engaged_with = self.incident
        if isinstance(target, Crowd):
            target.dialogue_with = official.id
        else:
            taken = _take(world, Duty.psychology, target.place, 1, f"negotiate:{target.id}")
            target.negotiating_since = world.now
            target.negotiators = (taken[0].name, official.id)
        world.log.add(world.now, "dialogue_started", self.incident, official=official.id)
        return None


class _Drafted(Decision):
    """Work the policy task force drafts in the back office."""

    work: ClassVar[str] = ""

    def _dist(self, world: World):  # type: ignore[no-untyped-def]
        return getattr(world.plan.policy_work, f"{self.work}_min")


@dataclass(frozen=True)
class IssueInitialReply(_Drafted):
    incident: str = ""
    kind: ClassVar[str] = "initial_reply"
    work: ClassVar[str] = "initial_reply"
    label_zh: ClassVar[str] = "出具初步答复口径"
    label_en: ClassVar[str] = "Issue the initial reply"
    aliases: ClassVar[tuple[str, ...]] = ("reply", "answer", "dafu")

    def _target(self, world: World) -> Crowd | Individual | Topic | str:
        topic = world.topics.get(self.incident)
        if topic is not None:
            return (
                topic
                if topic.started
                else why("{i} has not started yet", "{i}尚未发生", i=world.name(self.incident))
            )
        return _site_incident(world, self.incident)

    def validate(self, world: World) -> str | None:
        target = self._target(world)
        if isinstance(target, str):
            return target
        if target.reply_at is not None:
            return why(
                "the initial reply to {i} has been issued",
                "对{i}的初步答复已出具",
                i=world.name(self.incident),
            )
        if target.reply_pending:
            return why(
                "the initial reply to {i} is being drafted",
                "对{i}的初步答复正在起草",
                i=world.name(self.incident),
            )
        if not _on_duty(world, Duty.policy):
            return _not_on_duty(world, Duty.policy)
        return None

    def estimate(self, world: World) -> Estimate:
        return Estimate(0, self._dist(world).mean(), why("drafting time, mean", "平均起草用时"))

    def apply(self, world: World) -> float:
        target = self._target(world)
        assert not isinstance(target, str)
        delay = self._dist(world).sample(world.rng(f"reply:{self.incident}"))
        target.reply_pending = True
        item = world.add_pending("initial_reply", world.now + delay, incident=self.incident)

        def issued() -> None:
            world.done_pending(item)
            target.reply_at = world.now
            if isinstance(target, Crowd):
                target.drop_agitation(target.behaviour.reply_drop)
            world.log.add(world.now, "reply_issued", self.incident)

        world.after(delay, issued)
        return delay


@dataclass(frozen=True)
class AskPackageSolution(_Drafted):
    incident: str = ""
    kind: ClassVar[str] = "package_solution"
    work: ClassVar[str] = "package_solution"
    label_zh: ClassVar[str] = "要求形成一揽子方案"
    label_en: ClassVar[str] = "Ask for the package solution"
    aliases: ClassVar[tuple[str, ...]] = ("package", "solution", "fangan")

    def validate(self, world: World) -> str | None:
        target = _site_incident(world, self.incident)
        if isinstance(target, str):
            return target
        if target.package_at is not None:
            return why(
                "the package solution for {i} is signed", "{i}的一揽子方案已签发", i=world.name(self.incident)
            )
        if target.package_pending:
            return why(
                "the package solution for {i} is being drafted",
                "{i}的一揽子方案正在起草",
                i=world.name(self.incident),
            )
        if not _on_duty(world, Duty.policy):
            return _not_on_duty(world, Duty.policy)
        return None

    def estimate(self, world: World) -> Estimate:
        return Estimate(
            0,
            self._dist(world).mean(),
            why("drafting time, mean, then signing on site", "平均起草用时，之后现场签发"),
        )

    def apply(self, world: World) -> float:
        target = world.crowds.get(self.incident) or world.individuals[self.incident]
        delay = self._dist(world).sample(world.rng(f"package:{self.incident}"))
        target.package_pending = True
        item = world.add_pending("package_solution", world.now + delay, incident=self.incident)
        signatory = world.plan.policy_work.signatory

        def drafted() -> None:
            world.log.add(world.now, "package_drafted", self.incident)
            wait_for_signature()

        def wait_for_signature() -> None:
            # signed on site: the signatory must have arrived (at any of the response's places)
            if signatory is not None and world.officials[signatory].status != PRESENT:
                world.after(1.0, wait_for_signature)  # signed on site: wait for the signatory
                return
            world.done_pending(item)
            target.package_at = world.now
            if isinstance(target, Crowd):
                target.drop_agitation(target.behaviour.package_drop)
            world.log.add(world.now, "package_signed", self.incident, by=signatory or "")

        world.after(delay, drafted)
        return delay


@dataclass(frozen=True)
class PublishStatement(Decision):
    kind: ClassVar[str] = "public_statement"
    label_zh: ClassVar[str] = "发布权威信息回应关切"
    label_en: ClassVar[str] = "Publish a public statement"
    aliases: ClassVar[tuple[str, ...]] = ("statement", "publish", "fabu")

    def validate(self, world: World) -> str | None:
        if world.statement_drafting_eta is not None:
            return why(
                "a statement is being drafted (ready at {eta:.0f} min)",
                "信息正在起草（第{eta:.0f}分钟完成）",
                eta=world.statement_drafting_eta,
            )
        if not _on_duty(world, Duty.public_info):
            return _not_on_duty(world, Duty.public_info)
        return None

    def estimate(self, world: World) -> Estimate:
        return Estimate(
            0,
            world.plan.policy_work.statement_min.mean(),
            why("drafting and clearing, mean", "平均起草审核用时"),
        )

    def apply(self, world: World) -> float:
        delay = world.plan.policy_work.statement_min.sample(world.rng(f"statement:{len(world.statements)}"))
        world.statement_drafting_eta = world.now + delay
        item = world.add_pending("public_statement", world.now + delay)

        def published() -> None:
            world.done_pending(item)
            world.statement_drafting_eta = None
            world.publish_statement()

        world.after(delay, published)
        return delay


class _OnSiteMeasure(Decision):
    """A measure that ties members with ``duty`` to the incident."""

    duty: ClassVar[Duty]
    flag: ClassVar[str] = ""
    event: ClassVar[str] = ""
    task: ClassVar[str] = ""
    count_from: ClassVar[str | None] = None  # the plan's site_work field giving how many

    def _count(self, world: World) -> int:
        return getattr(world.plan.site_work, self.count_from) if self.count_from else 1

    def validate(self, world: World) -> str | None:
        if not world.team_with(self.duty):
            return _shortage(world, self.duty, BASE, 1)
        target = _site_incident(world, self.incident)  # type: ignore[attr-defined]
        if isinstance(target, str):
            return target
        if getattr(target, self.flag) is not None:
            return why("already done for {i}", "{i}已落实此项", i=world.name(self.incident))  # type: ignore[attr-defined]
        return _check_take(world, self.duty, target.place, self._count(world))

    def estimate(self, world: World) -> Estimate:
        return Estimate(
            self._count(world), 0.0, why("members stay until the incident ends", "人员留守至事件结束")
        )

    def apply(self, world: World) -> None:
        target = world.crowds.get(self.incident) or world.individuals[self.incident]  # type: ignore[attr-defined]
        taken = _take(world, self.duty, target.place, self._count(world), f"{self.task}:{target.id}")
        setattr(target, self.flag, world.now)
        world.log.add(world.now, self.event, target.id, people=len(taken))
        if isinstance(target, Crowd) and target.escalated_until is not None and self.flag == "cordon_at":
            end = world.now + target.behaviour.escalation_with_order_min
            target.escalated_until = min(target.escalated_until, end)
        return None


@dataclass(frozen=True)
class SetCordon(_OnSiteMeasure):
    incident: str = ""
    kind: ClassVar[str] = "set_cordon"
    duty: ClassVar[Duty] = Duty.order
    flag: ClassVar[str] = "cordon_at"
    event: ClassVar[str] = "cordon_set"
    task: ClassVar[str] = "cordon"
    count_from: ClassVar[str | None] = "cordon_people"
    label_zh: ClassVar[str] = "设置警戒（核心区半封闭）"
    label_en: ClassVar[str] = "Set a cordon"
    aliases: ClassVar[tuple[str, ...]] = ("cordon", "order", "jingjie")


@dataclass(frozen=True)
class MedicalStandby(_OnSiteMeasure):
    incident: str = ""
    kind: ClassVar[str] = "medical_standby"
    duty: ClassVar[Duty] = Duty.medical
    flag: ClassVar[str] = "medical_at"
    event: ClassVar[str] = "medical_standby"
    task: ClassVar[str] = "standby"
    count_from: ClassVar[str | None] = "standby_people"
    label_zh: ClassVar[str] = "医疗力量现场待命"
    label_en: ClassVar[str] = "Put medical on standby"
    aliases: ClassVar[tuple[str, ...]] = ("medical", "ambulance", "yiliao")


@dataclass(frozen=True)
class StartLegalAid(_OnSiteMeasure):
    incident: str = ""
    kind: ClassVar[str] = "legal_aid"
    duty: ClassVar[Duty] = Duty.legal_aid
    flag: ClassVar[str] = "legal_at"
    event: ClassVar[str] = "legal_aid_started"
    task: ClassVar[str] = "legal"
    label_zh: ClassVar[str] = "启动法律援助"
    label_en: ClassVar[str] = "Start legal aid"
    aliases: ClassVar[tuple[str, ...]] = ("legal", "lawyer", "falv")


@dataclass(frozen=True)
class ContactFamily(Decision):
    incident: str = ""
    kind: ClassVar[str] = "contact_family"
    label_zh: ClassVar[str] = "联系所在单位或家属劝导"
    label_en: ClassVar[str] = "Contact the employer or family"
    aliases: ClassVar[tuple[str, ...]] = ("family", "employer", "liaison", "lianluo")

    def validate(self, world: World) -> str | None:
        target = _site_incident(world, self.incident)
        if isinstance(target, str):
            return target
        if target.family_at is not None or target.family_pending:
            return why(
                "the family or employer of {i} is already contacted",
                "已联系{i}的单位或家属",
                i=world.name(self.incident),
            )
        if not world.team_with(Duty.liaison):
            return why("the plan has no liaison team", "预案中没有联络工作组")
        if not world.members_with(Duty.liaison, idle=True):
            return why(
                "no idle {t} member is on duty (call them in)",
                "{t}无空闲人员在岗（请先召集）",
                t=world.name(world.team_with(Duty.liaison)[0].id),
            )
        return None

    def estimate(self, world: World) -> Estimate:
        return Estimate(
            1, world.plan.site_work.liaison_min.mean(), why("until they arrive, mean", "平均到场用时")
        )

    def apply(self, world: World) -> float:
        target = world.crowds.get(self.incident) or world.individuals[self.incident]
        member = world.members_with(Duty.liaison, idle=True)[0]
        member.status = TASKED
        member.task = f"liaison:{target.id}"
        delay = world.plan.site_work.liaison_min.sample(world.rng(f"liaison:{target.id}"))
        target.family_pending = True
        item = world.add_pending("contact_family", world.now + delay, incident=target.id)

        def arrived() -> None:
            world.done_pending(item)
            target.family_at = world.now
            world.release(member)
            if isinstance(target, Crowd):
                target.drop_agitation(target.behaviour.family_drop)
            world.log.add(world.now, "family_contacted", target.id)

        world.after(delay, arrived)
        return delay


@dataclass(frozen=True)
class RequestSupport(Decision):
    kind: ClassVar[str] = "request_support"
    label_zh: ClassVar[str] = "请求上级支援"
    label_en: ClassVar[str] = "Request support from the next level up"
    aliases: ClassVar[tuple[str, ...]] = ("support", "escalate", "zhiyuan")

    def validate(self, world: World) -> str | None:
        if world.support_requested_at is not None:
            return why("support has already been requested", "已请求上级支援")
        return None

    def estimate(self, world: World) -> Estimate:
        return Estimate(
            0, world.plan.site_work.support_min.mean(), why("until reinforcements arrive", "增援到达用时")
        )

    def apply(self, world: World) -> float:
        world.support_requested_at = world.now
        delay = world.plan.site_work.support_min.sample(world.rng("support"))
        item = world.add_pending("request_support", world.now + delay)

        def arrived() -> None:
            world.done_pending(item)
            added = 0
            for team in world.teams.values():
                if not team.spec.external:
                    continue
                extra = max(1, round(team.spec.size_people * world.plan.site_work.support_fraction))
                for _ in range(extra):
                    member = type(team.members[0])(team.id, len(team.members), IDLE, BASE)
                    team.members.append(member)
                    world.member_free(member)
                added += extra
            world.log.add(world.now, "support_arrived", "", people=added)

        world.after(delay, arrived)
        return delay


@dataclass(frozen=True)
class EndResponse(Decision):
    kind: ClassVar[str] = "end_response"
    label_zh: ClassVar[str] = "终止应急响应"
    label_en: ClassVar[str] = "End the response"
    aliases: ClassVar[tuple[str, ...]] = ("end", "stop", "zhongzhi")

    END_BELOW_PEOPLE: ClassVar[int] = 10  # 002 §五(一)4: fewer than 10 on site

    def validate(self, world: World) -> str | None:
        if world.ended_at is not None:
            return why("the response has already ended", "应急响应已终止")
        if world.level is None:
            return why("no response level is in force", "尚未启动应急响应")
        head = world.head_count()
        if head >= self.END_BELOW_PEOPLE:
            return why(
                "{h} people are still on site (the plan ends below {n})",
                "现场仍有{h}人（预案要求降至{n}人以下方可终止）",
                h=head,
                n=self.END_BELOW_PEOPLE,
            )
        if any(i.started and i.status == ACTIVE for i in world.individuals.values()):
            return why("a person threatening self-harm is still on site", "扬言自伤的人员仍在现场")
        if world.pending_arrivals():
            return why("more people are still on their way", "仍有人员正在赶来")
        return None

    def apply(self, world: World) -> None:
        world.ended_at = world.now
        world.log.add(world.now, "response_ended", world.level or "")
        return None


@dataclass(frozen=True)
class FacilitatorInject(Decision):
    """An unscheduled inject added by the facilitator during a drill."""

    zh: str = ""
    en: str = ""
    effect: tuple[tuple[str, Any], ...] | None = None  # frozen form of the effect dict
    kind: ClassVar[str] = "facilitator_inject"
    label_zh: ClassVar[str] = "导调员临时注入"
    label_en: ClassVar[str] = "Facilitator inject"
    aliases: ClassVar[tuple[str, ...]] = ("inject", "zhuru")

    @classmethod
    def make(cls, zh: str, en: str, effect: dict[str, Any] | None = None) -> FacilitatorInject:
        return cls(zh, en, tuple(sorted(effect.items())) if effect else None)

    def validate(self, world: World) -> str | None:
        if not (self.zh or self.en):
            return why("an inject needs a text", "注入内容不能为空")
        if self.effect is not None:
            effect = dict(self.effect)
            if effect.get("kind") not in EFFECT_TARGETS:
                return why("unknown effect {k!r}", "未知的注入效果“{k}”", k=effect.get("kind"))
            try:
                _EFFECT.validate_python(effect)  # the scenario file's own rules for the numbers
            except ValidationError as exc:
                err = exc.errors()[0]
                field = ".".join(str(x) for x in err["loc"][1:])
                return why("effect {f}: {m}", "注入效果的“{f}”不合规：{m}", f=field, m=err["msg"])
            target = world.incident(str(effect.get("incident", "")))
            if target is None:
                return why("there is no incident {i!r}", "没有事件“{i}”", i=effect.get("incident"))
            if target.spec.kind not in EFFECT_TARGETS[effect["kind"]]:
                return why(
                    "{k} does not apply to {i}", "“{k}”不适用于{i}", k=effect["kind"], i=world.name(target.id)
                )
        return None

    def apply(self, world: World) -> None:
        n = 1 + sum(
            1 for e in world.log.entries if e.kind == "inject" and e.subject.startswith("facilitator:")
        )
        world.log.add(world.now, "inject", f"facilitator:{n}", zh=self.zh or self.en, en=self.en or self.zh)
        if self.effect is not None:
            world.apply_effect(dict(self.effect), f"facilitator:{n}")
        return None

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"kind": self.kind, "zh": self.zh, "en": self.en}
        if self.effect is not None:
            out["effect"] = dict(self.effect)
        return out


__all__ = [
    "ALL",
    "BY_KIND",
    "AskPackageSolution",
    "AskRepresentatives",
    "CallIn",
    "ContactFamily",
    "Decision",
    "DeclareLevel",
    "Dispatch",
    "EndResponse",
    "Estimate",
    "FacilitatorInject",
    "IssueInitialReply",
    "MedicalStandby",
    "MoveGroup",
    "OpenVenue",
    "PublishStatement",
    "RequestSupport",
    "SetCordon",
    "StartDialogue",
    "StartLegalAid",
    "Summon",
    "from_dict",
]

_EFFECT: TypeAdapter[Any] = TypeAdapter(Effect)

ALL: tuple[type[Decision], ...] = (
    DeclareLevel,
    CallIn,
    Dispatch,
    Summon,
    OpenVenue,
    MoveGroup,
    AskRepresentatives,
    StartDialogue,
    IssueInitialReply,
    AskPackageSolution,
    PublishStatement,
    SetCordon,
    MedicalStandby,
    StartLegalAid,
    ContactFamily,
    RequestSupport,
    EndResponse,
    FacilitatorInject,
)
BY_KIND: dict[str, type[Decision]] = {cls.kind: cls for cls in ALL}


def from_dict(data: dict[str, Any]) -> Decision:
    """Rebuild a decision from ``to_dict()`` output (journals); raises ValueError."""
    kind = data.get("kind")
    cls = BY_KIND.get(str(kind))
    if cls is None:
        raise ValueError(f"unknown decision kind {kind!r}")
    if cls is FacilitatorInject:
        return FacilitatorInject.make(str(data.get("zh", "")), str(data.get("en", "")), data.get("effect"))
    names = {f.name for f in fields(cls)}
    extra = set(data) - names - {"kind"}
    if extra:
        raise ValueError(f"{kind}: unknown field(s) {', '.join(sorted(extra))}")
    return cls(**{k: v for k, v in data.items() if k != "kind"})
