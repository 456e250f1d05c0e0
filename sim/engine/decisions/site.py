"""Decisions about an incident on site: bringing a group indoors,
representatives, dialogue and negotiation, order, medical standby, legal aid,
the family or employer (the back office's drafted answers: ``drafts``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from ...spec.common import Dist
from ...spec.plan import Duty, VenueKind
from ..individual import Individual
from ..people import Crowd
from ..reasons import Name, Why, on_events, why
from ..staff import BASE, OfficialState
from ..world import World
from .base import (
    Decision,
    Estimate,
    check_take,
    crowd_of,
    shortage,
    site_incident_of,
    take,
)


def _site_target(world: World, incident: str) -> Crowd | Individual:
    target = world.site_incident(incident)
    assert target is not None, incident  # validated before
    return target


@dataclass(frozen=True)
class MoveGroup(Decision):
    incident: str = ""
    venue: str = ""
    kind: ClassVar[str] = "move_group"

    def validate(self, world: World) -> Why | None:
        crowd = crowd_of(world, self.incident)
        if isinstance(crowd, Why):
            return crowd
        venue = world.reception.venues.get(self.venue)
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
        if venue.spec.kind == VenueKind.meeting_room:
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
        venue = world.reception.venues[self.venue]
        free = venue.spec.capacity_people - world.reception.occupancy(venue.id)
        return Estimate(0, 0.0, why("{n} free places", "尚有{n}个空位", n=free))

    def apply(self, world: World) -> None:
        world.groups.move(world.groups.crowds[self.incident], self.venue)
        return None


@dataclass(frozen=True)
class AskRepresentatives(Decision):
    incident: str = ""
    kind: ClassVar[str] = "ask_representatives"

    def validate(self, world: World) -> Why | None:
        crowd = crowd_of(world, self.incident)
        if isinstance(crowd, Why):
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
        if crowd.place == BASE and world.reception.free_meeting_room() is None:
            return why("no meeting room is open and free", "没有已启用且空闲的会议室").waiting_for(
                on_events("venue_opened", "group_dispersed")
            )
        if not world.roster.officials_at(crowd.place) and not world.roster.members_with(
            Duty.reception, crowd.place
        ):
            # a receptionist or an official arriving there
            there = frozenset((t.id, crowd.place) for t in world.roster.with_duty(Duty.reception))
            nobody = why("nobody from the unit is there to ask them", "现场没有本单位人员可以组织推选")
            return nobody.waiting_for(there | on_events("official_arrived"))
        return None

    def estimate(self, world: World) -> Estimate:
        return Estimate(
            0,
            world.groups.crowds[self.incident].behaviour.representatives_min.mean(),
            why("time to choose", "推选用时"),
        )

    def apply(self, world: World) -> float:
        crowd = world.groups.crowds[self.incident]
        delay = crowd.behaviour.representatives_min.sample(world.streams(f"reps:{crowd.id}"))
        crowd.reps_pending = True
        pending = world.pending.add("ask_representatives", world.now + delay, incident=crowd.id)

        def chosen() -> None:
            pending.done()
            world.groups.representatives_chosen(crowd)

        world.kernel.after(delay, chosen)
        return delay


@dataclass(frozen=True)
class StartDialogue(Decision):
    incident: str = ""
    official: str | None = None
    kind: ClassVar[str] = "start_dialogue"

    def _official(self, world: World, place: str) -> OfficialState | None:
        free = [o for o in world.roster.officials_at(place) if o.engaged_with is None]
        if self.official is not None:
            free = [o for o in free if o.id == self.official]
        return free[0] if free else None

    def validate(self, world: World) -> Why | None:
        target = site_incident_of(world, self.incident)
        if isinstance(target, Why):
            return target
        if self.official is not None and self.official not in world.roster.officials:
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
            # an official arrives, or one is freed when a group or an individual's incident ends
            freed = on_events("official_arrived", "group_dispersed", "individual_resolved", "self_harm")
            return why(
                "{o} must be on site and free to lead it", "需要{o}在现场且空闲才能主持", o=who
            ).waiting_for(freed)
        if isinstance(target, Individual):
            return check_take(world, Duty.psychology, target.place, 1)
        return None

    def estimate(self, world: World) -> Estimate:
        target = world.site_incident(self.incident)
        return Estimate(
            1 if isinstance(target, Individual) else 0,
            0.0,
            why("an official's time until it ends", "占用一位领导直至结束"),
        )

    def apply(self, world: World) -> None:
        target = _site_target(world, self.incident)
        official = self._official(world, target.place)
        assert official is not None  # validated before
        official.engaged_with = self.incident
        if isinstance(target, Crowd):
            world.groups.dialogue(target, official.id)
        else:
            taken = take(world, Duty.psychology, target.place, 1, f"negotiate:{target.id}")
            world.individuals.negotiate(target, official.id, taken[0].name)
        world.log.add(world.now, "dialogue_started", self.incident, official=official.id)
        return None


class _OnSiteMeasure(Decision):
    """A measure that ties members with ``duty`` to the incident until it ends."""

    incident: str
    duty: ClassVar[Duty]
    flag: ClassVar[str] = ""
    event: ClassVar[str] = ""
    task: ClassVar[str] = ""
    count_from: ClassVar[str | None] = None  # the plan's site_work field giving how many
    setup_from: ClassVar[str | None] = None  # the plan's site_work field giving how long it takes
    per_place: ClassVar[bool] = False  # one for the whole place (set up for one, it covers all there)

    def _count(self, world: World) -> int:
        return int(getattr(world.plan.site_work, self.count_from)) if self.count_from else 1

    def validate(self, world: World) -> Why | None:
        if not world.roster.with_duty(self.duty):
            return shortage(world, self.duty, BASE, 1)
        target = site_incident_of(world, self.incident)
        if isinstance(target, Why):
            return target
        if getattr(target, self.flag) is not None:
            return why("already done for {i}", "{i}已落实此项", i=world.name(self.incident))
        for p in world.pending.items:
            if p.what != self.kind:
                continue
            other = world.site_incident(str(p.data.get("incident")))
            if other is target or (self.per_place and other is not None and other.place == target.place):
                # one cordon, one medical post per place (002 §五(二))
                return why("already under way for {i}", "{i}的此项正在落实", i=world.name(other.id))
        return check_take(world, self.duty, target.place, self._count(world))

    def _setup(self, world: World) -> Dist | None:
        return getattr(world.plan.site_work, self.setup_from) if self.setup_from else None

    def estimate(self, world: World) -> Estimate:
        setup = self._setup(world)
        if setup is not None:
            return Estimate(self._count(world), setup.mean(), why("to set up, mean", "平均布设用时"))
        return Estimate(
            self._count(world), 0.0, why("members stay until the incident ends", "人员留守至事件结束")
        )

    def apply(self, world: World) -> float | None:
        target = _site_target(world, self.incident)
        taken = take(world, self.duty, target.place, self._count(world), f"{self.task}:{target.id}")
        setup = self._setup(world)
        if setup is None:
            self._done(world, target, len(taken))
            return None
        # the members are tied from now; the measure holds once it is set up
        delay = setup.sample(world.streams(f"{self.kind}:{target.id}"))
        pending = world.pending.add(self.kind, world.now + delay, incident=target.id)

        def ready() -> None:
            pending.done()
            self._done(world, target, len(taken))

        world.kernel.after(delay, ready)
        return delay

    def _done(self, world: World, target: Crowd | Individual, people: int) -> None:
        if self.per_place:  # the cordon and the medical post (site_posts.py)
            world.posts.stand(self.flag, target, people)
            return
        setattr(target, self.flag, world.now)
        world.log.add(world.now, self.event, target.id, people=people)


@dataclass(frozen=True)
class SetCordon(_OnSiteMeasure):
    incident: str = ""
    kind: ClassVar[str] = "set_cordon"
    duty: ClassVar[Duty] = Duty.order
    flag: ClassVar[str] = "cordon_at"
    event: ClassVar[str] = "cordon_set"
    task: ClassVar[str] = "cordon"
    count_from: ClassVar[str | None] = "cordon_people"
    setup_from: ClassVar[str | None] = "cordon_setup_min"
    per_place: ClassVar[bool] = True


@dataclass(frozen=True)
class MedicalStandby(_OnSiteMeasure):
    incident: str = ""
    kind: ClassVar[str] = "medical_standby"
    duty: ClassVar[Duty] = Duty.medical
    flag: ClassVar[str] = "medical_at"
    event: ClassVar[str] = "medical_standby"
    task: ClassVar[str] = "standby"
    count_from: ClassVar[str | None] = "standby_people"
    per_place: ClassVar[bool] = True


@dataclass(frozen=True)
class StartLegalAid(_OnSiteMeasure):
    incident: str = ""
    kind: ClassVar[str] = "legal_aid"
    duty: ClassVar[Duty] = Duty.legal_aid
    flag: ClassVar[str] = "legal_at"
    event: ClassVar[str] = "legal_aid_started"
    task: ClassVar[str] = "legal"


@dataclass(frozen=True)
class ContactFamily(Decision):
    incident: str = ""
    kind: ClassVar[str] = "contact_family"

    def validate(self, world: World) -> Why | None:
        target = site_incident_of(world, self.incident)
        if isinstance(target, Why):
            return target
        if target.family_at is not None or target.family_pending:
            return why(
                "the family or employer of {i} is already contacted",
                "已联系{i}的单位或家属",
                i=world.name(self.incident),
            )
        teams = world.roster.with_duty(Duty.liaison)
        if not teams:
            return why("the plan has no liaison team", "预案中没有联络工作组")
        if not world.roster.members_with(Duty.liaison, idle=True):
            return why(
                "no idle {t} member is on duty (call them in)",
                "{t}无空闲人员在岗（请先召集）",
                t=world.name(teams[0].id),
            ).waiting_for(frozenset((t.id, None) for t in teams))
        return None

    def estimate(self, world: World) -> Estimate:
        return Estimate(
            1, world.plan.site_work.liaison_min.mean(), why("until they arrive, mean", "平均到场用时")
        )

    def apply(self, world: World) -> float:
        target = _site_target(world, self.incident)
        member = world.roster.members_with(Duty.liaison, idle=True)[0]
        world.roster.task(member, f"liaison:{target.id}")
        delay = world.plan.site_work.liaison_min.sample(world.streams(f"liaison:{target.id}"))
        target.family_pending = True
        pending = world.pending.add("contact_family", world.now + delay, incident=target.id)

        def arrived() -> None:
            pending.done()
            target.family_at = world.now
            world.roster.release(member)
            if isinstance(target, Crowd):
                world.groups.drop(target, target.behaviour.family_drop)
            world.log.add(world.now, "family_contacted", target.id)

        world.kernel.after(delay, arrived)
        return delay
