"""The back office's drafted answers to an incident on site: the initial reply
(初步答复口径) and the package solution (一揽子方案), each drafted by the policy
team and, for the package, signed on site by the plan's signatory."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from ...spec.plan import Duty
from ..heat import Topic
from ..individual import Individual
from ..people import Crowd
from ..reasons import Why, why
from ..world import World
from .base import Decision, Estimate, not_on_duty, on_duty, site_incident_of
from .site import _site_target


@dataclass(frozen=True)
class IssueInitialReply(Decision):
    incident: str = ""
    kind: ClassVar[str] = "initial_reply"

    def _target(self, world: World) -> Crowd | Individual | Topic | Why:
        topic = world.online.topics.get(self.incident)
        if topic is not None:
            return (
                topic
                if topic.started
                else why("{i} has not started yet", "{i}尚未发生", i=world.name(self.incident))
            )
        return site_incident_of(world, self.incident)

    def validate(self, world: World) -> Why | None:
        target = self._target(world)
        if isinstance(target, Why):
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
        if not on_duty(world, Duty.policy):
            return not_on_duty(world, Duty.policy)
        return None

    def estimate(self, world: World) -> Estimate:
        return Estimate(
            0, world.plan.policy_work.initial_reply_min.mean(), why("drafting time, mean", "平均起草用时")
        )

    def apply(self, world: World) -> float:
        target = self._target(world)
        assert not isinstance(target, Why)
        delay = world.plan.policy_work.initial_reply_min.sample(world.streams(f"reply:{self.incident}"))
        target.reply_pending = True
        pending = world.pending.add("initial_reply", world.now + delay, incident=self.incident)

        def issued() -> None:
            pending.done()
            if target.reply_at is not None:
                return  # answered meanwhile (a petition surge's shared reply)
            target.reply_at = world.now
            if isinstance(target, Crowd):
                world.groups.drop(target, target.behaviour.reply_drop)
                world.groups.replied(target)
            world.log.add(world.now, "reply_issued", self.incident)

        world.kernel.after(delay, issued)
        return delay


@dataclass(frozen=True)
class AskPackageSolution(Decision):
    incident: str = ""
    kind: ClassVar[str] = "package_solution"

    def validate(self, world: World) -> Why | None:
        target = site_incident_of(world, self.incident)
        if isinstance(target, Why):
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
        if not on_duty(world, Duty.policy):
            return not_on_duty(world, Duty.policy)
        return None

    def estimate(self, world: World) -> Estimate:
        return Estimate(
            0,
            world.plan.policy_work.package_solution_min.mean(),
            why("drafting time, mean, then signing on site", "平均起草用时，之后现场签发"),
        )

    def apply(self, world: World) -> float:
        target = _site_target(world, self.incident)
        delay = world.plan.policy_work.package_solution_min.sample(world.streams(f"package:{self.incident}"))
        target.package_pending = True
        pending = world.pending.add("package_solution", world.now + delay, incident=self.incident)
        signatory = world.plan.policy_work.signatory

        def signed() -> None:
            pending.done()
            if target.package_at is not None:
                return  # covered meanwhile (a petition surge's shared package)
            target.package_at = world.now
            if isinstance(target, Crowd):
                world.groups.drop(target, target.behaviour.package_drop)
            world.log.add(world.now, "package_signed", self.incident, by=signatory or "")

        def drafted() -> None:
            if target.package_at is not None:
                pending.done()
                return  # covered meanwhile (a petition surge's shared package)
            world.log.add(world.now, "package_drafted", self.incident)
            # signed on site: on the signatory's arrival (at any of the response's places)
            if signatory is None:
                signed()
            else:
                world.roster.when_present(signatory, signed)

        world.kernel.after(delay, drafted)
        return delay
