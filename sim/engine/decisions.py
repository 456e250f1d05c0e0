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

from ..spec.plan import LEVELS, Duty
from .heat import Topic
from .individual import ACTIVE, Individual
from .people import Crowd
from .staff import AWAY, BASE, IDLE, PRESENT, TASKED
from .world import World


@dataclass(frozen=True)
class Estimate:
    people: int = 0  # staff it commits
    minutes: float | None = None  # expected time until it takes effect
    note: str = ""


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
            return f"{incident} is not a group visit"
        return f"there is no incident {incident!r}"
    if not target.started:
        return f"group {incident} has not arrived yet"
    if target.is_over():
        return f"group {incident} has already left"
    return target


def _site_incident(world: World, incident: str) -> Crowd | Individual | str:
    target = world.crowds.get(incident) or world.individuals.get(incident)
    if target is None:
        if incident in world.topics:
            return f"{incident} is an online topic, not a place"
        return f"there is no incident {incident!r}"
    if not target.started:
        return f"{incident} has not started yet"
    if isinstance(target, Crowd) and target.is_over():
        return f"group {incident} has already left"
    if isinstance(target, Individual) and target.status != ACTIVE:
        return f"{incident} is already over"
    return target


def _on_duty(world: World, duty: Duty) -> bool:
    return bool(world.members_with(duty))


def _duty_team_name(world: World, duty: Duty) -> str:
    teams = world.team_with(duty)
    return teams[0].id if teams else duty.value


def _take(world: World, duty: Duty, place: str, count: int, task: str) -> list[Any] | str:
    """Take ``count`` idle members with ``duty`` at ``place`` (idle, or serving at a
    desk, who finish first) and give them ``task``."""
    idle = world.members_with(duty, place=place, idle=True)
    if len(idle) < count:
        team = _duty_team_name(world, duty)
        here = len(world.members_with(duty, place=place))
        on_way = sum(len(t.en_route()) for t in world.team_with(duty))
        return (
            f"needs {count} idle {team} member(s) at {place}; {len(idle)} idle, "
            f"{here} present in all, {on_way} on the way"
        )
    taken = idle[:count]
    for member in taken:
        member.status = TASKED
        member.task = task
    return taken


def _check_take(world: World, duty: Duty, place: str, count: int) -> str | None:
    idle = world.members_with(duty, place=place, idle=True)
    if len(idle) >= count:
        return None
    team = _duty_team_name(world, duty)
    if not world.team_with(duty):
        return f"the plan has no team for {duty.value}"
    on_way = sum(len(t.en_route()) for t in world.team_with(duty))
    present = len(world.members_with(duty, place=place))
    return (
        f"needs {count} idle {team} member(s) where the incident is; {len(idle)} idle "
        f"({present} there in all, {on_way} on the way)"
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
            return f"level must be one of {', '.join(LEVELS)}"
        if self.level not in world.plan.levels:
            return f"the plan has no level {self.level}"
        if world.ended_at is not None:
            return "the response has ended"
        why = world.decision_ready()
        if why:
            return why
        if world.level_pending is not None:
            return f"level {world.level_pending[0]} is already being decided"
        if world.level == self.level:
            return f"level {self.level} is already in force"
        return None

    def _dist(self, world: World):  # type: ignore[no-untyped-def]
        for step in world.plan.alert_chain:
            if step.step == "decide":
                return step.duration_min
        raise LookupError("decide step")

    def estimate(self, world: World) -> Estimate:
        return Estimate(0, self._dist(world).mean(), "the commander's decision")

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
            return f"the plan has no team {self.team!r}"
        if self.people is not None and self.people < 1:
            return "call at least one member"
        if not team.off_duty():
            return f"every member of {self.team} is already on duty or on the way"
        return None

    def estimate(self, world: World) -> Estimate:
        team = world.teams[self.team]
        n = len(team.off_duty()) if self.people is None else min(self.people, len(team.off_duty()))
        return Estimate(n, team.spec.call_in_min.mean(), "call-in time, mean")

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
            return f"the plan has no team {self.team!r}"
        place = self._place(world)
        if place is None:
            return f"{self.to!r} is not an incident, venue or site"
        if self.people < 1:
            return "send at least one member"
        elsewhere = [m for m in team.members if m.status == IDLE and m.place != place]
        if len(elsewhere) < self.people:
            at = len([m for m in team.members if m.place == place and m.status in (IDLE, TASKED)])
            return (
                f"{self.team} has {len(elsewhere)} idle member(s) elsewhere to send "
                f"({at} already there, {len(team.en_route())} on the way, {len(team.off_duty())} off duty)"
            )
        return None

    def estimate(self, world: World) -> Estimate:
        place = self._place(world) or BASE
        site = world.plan.sites.get(place)
        return Estimate(self.people, site.travel_min.mean() if site else 0.0, "travel time")

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
            return f"the plan has no official {self.official!r}"
        if official.status == PRESENT:
            return f"{self.official} is already on site"
        if official.status != AWAY:
            return f"{self.official} is already on the way (ETA {official.eta:.0f} min)"
        return None

    def estimate(self, world: World) -> Estimate:
        return Estimate(0, world.officials[self.official].spec.arrival_min.mean(), "arrival time, mean")

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
            return f"the plan has no venue {self.venue!r}"
        if venue.open:
            return f"{self.venue} is already open"
        if venue.opening_eta is not None:
            return f"{self.venue} is already being opened (ready at {venue.opening_eta:.0f} min)"
        return None

    def estimate(self, world: World) -> Estimate:
        return Estimate(0, world.venues[self.venue].spec.open_min.mean(), "time to open")

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
            return f"the plan has no venue {self.venue!r}"
        if crowd.place != BASE:
            return f"group {self.incident} is away at {crowd.place}; venues are at the unit"
        if not venue.open:
            return f"{self.venue} is not open yet"
        if not venue.indoor:
            return f"{self.venue} is outdoors: nobody can be received there"
        if venue.spec.kind == "meeting_room":
            return f"{self.venue} is a meeting room: ask the group for representatives instead"
        if crowd.venue == self.venue:
            return f"group {self.incident} is already in {self.venue}"
        return None

    def estimate(self, world: World) -> Estimate:
        venue = world.venues[self.venue]
        free = venue.spec.capacity_people - world.occupancy(venue.id)
        return Estimate(0, 0.0, f"{free} free places")

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
            return f"group {self.incident} has already chosen representatives"
        if crowd.reps_pending:
            return f"group {self.incident} is already choosing representatives"
        if crowd.place == BASE and self._room(world) is None:
            return "no meeting room is open and free"
        if not world.officials_at(crowd.place) and not world.members_with(Duty.reception, crowd.place):
            return "nobody from the unit is there to ask them"
        return None

    def estimate(self, world: World) -> Estimate:
        return Estimate(0, world.crowds[self.incident].behaviour.representatives_min.mean(), "time to choose")

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
            world.choose_representatives(crowd, room or _Nowhere())

        world.after(delay, chosen)
        return delay


class _Nowhere:
    """A meeting place at an outlying site (no capacity bookkeeping there)."""

    id = "on_site"
    reps_of: str | None = None


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
            return f"the plan has no official {self.official!r}"
        if isinstance(target, Crowd) and target.dialogue_with is not None:
            return f"{target.dialogue_with} is already in dialogue with {self.incident}"
        if isinstance(target, Individual) and target.negotiating_since is not None:
            return f"a negotiation with {self.incident} is already under way"
        if self._official(world, target.place) is None:
            who = self.official or "an official"
            return f"{who} must be on site and free to lead it"
        if isinstance(target, Individual):
            return _check_take(world, Duty.psychology, target.place, 1)
        return None

    def estimate(self, world: World) -> Estimate:
        target = world.crowds.get(self.incident) or world.individuals.get(self.incident)
        return Estimate(1 if isinstance(target, Individual) else 0, 0.0, "an official's time until it ends")

    def apply(self, world: World) -> None:
        target = world.crowds.get(self.incident) or world.individuals[self.incident]
        official = self._official(world, target.place)
        official.engaged_with = self.incident
        if isinstance(target, Crowd):
            target.dialogue_with = official.id
        else:
            taken = _take(world, Duty.psychology, target.place, 1, f"negotiate:{target.id}")
            assert not isinstance(taken, str)
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
            return topic if topic.started else f"{self.incident} has not started yet"
        return _site_incident(world, self.incident)

    def validate(self, world: World) -> str | None:
        target = self._target(world)
        if isinstance(target, str):
            return target
        if target.reply_at is not None:
            return f"the initial reply to {self.incident} has been issued"
        if target.reply_pending:
            return f"the initial reply to {self.incident} is being drafted"
        if not _on_duty(world, Duty.policy):
            return f"no {_duty_team_name(world, Duty.policy)} member is on duty to draft it (call them in)"
        return None

    def estimate(self, world: World) -> Estimate:
        return Estimate(0, self._dist(world).mean(), "drafting time, mean")

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
            return f"the package solution for {self.incident} is signed"
        if target.package_pending:
            return f"the package solution for {self.incident} is being drafted"
        if not _on_duty(world, Duty.policy):
            return f"no {_duty_team_name(world, Duty.policy)} member is on duty to draft it (call them in)"
        return None

    def estimate(self, world: World) -> Estimate:
        return Estimate(0, self._dist(world).mean(), "drafting time, mean, then signing on site")

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
            return f"a statement is being drafted (ready at {world.statement_drafting_eta:.0f} min)"
        if not _on_duty(world, Duty.public_info):
            return f"no {_duty_team_name(world, Duty.public_info)} member is on duty to draft it (call them in)"
        return None

    def estimate(self, world: World) -> Estimate:
        return Estimate(0, world.plan.policy_work.statement_min.mean(), "drafting and clearing, mean")

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
            return f"the plan has no team for {self.duty.value}"
        target = _site_incident(world, self.incident)  # type: ignore[attr-defined]
        if isinstance(target, str):
            return target
        if getattr(target, self.flag) is not None:
            return f"already done for {self.incident}"  # type: ignore[attr-defined]
        return _check_take(world, self.duty, target.place, self._count(world))

    def estimate(self, world: World) -> Estimate:
        return Estimate(self._count(world), 0.0, "members stay until the incident ends")

    def apply(self, world: World) -> None:
        target = world.crowds.get(self.incident) or world.individuals[self.incident]  # type: ignore[attr-defined]
        taken = _take(world, self.duty, target.place, self._count(world), f"{self.task}:{target.id}")
        assert not isinstance(taken, str)
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
            return f"the family or employer of {self.incident} is already contacted"
        if not world.team_with(Duty.liaison):
            return "the plan has no liaison team"
        if not world.members_with(Duty.liaison, idle=True):
            return f"no idle {_duty_team_name(world, Duty.liaison)} member is on duty (call them in)"
        return None

    def estimate(self, world: World) -> Estimate:
        return Estimate(1, world.plan.site_work.liaison_min.mean(), "until they arrive, mean")

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
            return "support has already been requested"
        return None

    def estimate(self, world: World) -> Estimate:
        return Estimate(0, world.plan.site_work.support_min.mean(), "until reinforcements arrive")

    def apply(self, world: World) -> float:
        world.support_requested_at = world.now
        delay = world.plan.site_work.support_min.sample(world.rng("support"))
        item = world.add_pending("request_support", world.now + delay)

        def arrived() -> None:
            world.done_pending(item)
            world.support_arrived_at = world.now
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
            return "the response has already ended"
        if world.level is None:
            return "no response level is in force"
        head = world.head_count()
        if head >= self.END_BELOW_PEOPLE:
            return f"{head} people are still on site (the plan ends below {self.END_BELOW_PEOPLE})"
        if any(i.started and i.status == ACTIVE for i in world.individuals.values()):
            return "a person threatening self-harm is still on site"
        if world.pending_arrivals():
            return "more people are still on their way"
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
            return "an inject needs a text"
        if self.effect is not None:
            effect = dict(self.effect)
            if effect.get("kind") not in ("join", "livestream_start", "heat_spike", "agitation"):
                return f"unknown effect {effect.get('kind')!r}"
            if world.incident(str(effect.get("incident", ""))) is None:
                return f"there is no incident {effect.get('incident')!r}"
        return None

    def apply(self, world: World) -> None:
        n = sum(1 for e in world.log.entries if e.kind == "inject" and e.subject.startswith("facilitator:"))
        world.log.add(world.now, "inject", f"facilitator:{n + 1}", zh=self.zh or self.en, en=self.en or self.zh)
        if self.effect is not None:
            why = world.apply_effect(dict(self.effect), f"facilitator:{n}")
            if why:
                world.log.add(world.now, "inject_effect_ignored", f"facilitator:{n + 1}", why=why)
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

