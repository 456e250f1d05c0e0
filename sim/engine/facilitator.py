"""The facilitator's actions: an inject of their own (``AdHocInject``: a
message, optionally with a model effect), and playing, holding, releasing or
skipping an inject of the scenario's list (``MselAction``). Their ``to_dict``
is the journal's facilitator record's ``action``.

They are not the team's decisions: ``Drill.facilitate`` logs them as
``facilitator`` entries, they are never counted as decisions, and a
counterfactual replays them in every arm at the same times so the arms are
compared in the same situation.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any, ClassVar, Literal

from pydantic import TypeAdapter, ValidationError

from ..spec.scenario import EFFECT_TARGETS, Effect
from .injects import InjectStatus, ScheduledInject
from .reasons import Why, why
from .world import World

_EFFECT: TypeAdapter[Any] = TypeAdapter(Effect)


@dataclass(frozen=True)
class FacilitatorAction:
    kind: ClassVar[str] = ""

    def validate(self, world: World) -> Why | None:
        return None

    def apply(self, world: World) -> None:
        raise NotImplementedError

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, **{k: v for k, v in asdict(self).items() if v is not None}}


@dataclass(frozen=True)
class AdHocInject(FacilitatorAction):
    """A message from the facilitator during the drill, optionally with a model effect
    (people join, agitation, a heat spike, a livestream): the journal's ``inject``."""

    zh: str = ""
    en: str = ""
    effect: dict[str, Any] | None = None  # a scenario inject's effect, as a mapping
    kind: ClassVar[str] = "inject"

    @classmethod
    def make(cls, zh: str, en: str, effect: dict[str, Any] | None = None) -> AdHocInject:
        return cls(zh, en, dict(effect) if effect else None)

    def validate(self, world: World) -> Why | None:
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
            incident = str(effect.get("incident", ""))
            kind = world.injects.target_kind(incident)
            if kind is None:
                return why("there is no incident {i!r}", "没有事件“{i}”", i=effect.get("incident"))
            if kind not in EFFECT_TARGETS[effect["kind"]]:
                return why(
                    "{k} does not apply to {i}", "“{k}”不适用于{i}", k=effect["kind"], i=world.name(incident)
                )
        return None

    def model_effect(self) -> Effect | None:
        return None if self.effect is None else _EFFECT.validate_python(dict(self.effect))

    def apply(self, world: World) -> None:
        world.injects.ad_hoc(self.zh, self.en, self.model_effect())

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"kind": self.kind, "zh": self.zh, "en": self.en}
        if self.effect is not None:
            out["effect"] = dict(self.effect)
        return out


# the name the facilitator's inject had when it was journaled as a decision
FacilitatorInject = AdHocInject
LEGACY_INJECT_KIND = "facilitator_inject"

MselDo = Literal["play", "hold", "release", "skip"]
# which statuses each operation on a scheduled inject needs
_ALLOWED: dict[str, tuple[InjectStatus, ...]] = {
    "play": (InjectStatus.DUE, InjectStatus.HELD),
    "hold": (InjectStatus.DUE,),
    "release": (InjectStatus.HELD,),
    "skip": (InjectStatus.DUE, InjectStatus.HELD),
}


@dataclass(frozen=True)
class MselAction(FacilitatorAction):
    """An operation on a scheduled inject of the scenario's list: play it now (before
    its time, or a held one), hold it until released, release a held one (played at
    once if its time has passed), or skip it. ``inject`` counts from 1, as the log's
    ``msel:N`` subjects do: the journal's ``msel``."""

    inject: int = 0
    do: MselDo = "play"
    kind: ClassVar[str] = "msel"

    def _item(self, world: World) -> ScheduledInject | Why:
        if self.do not in _ALLOWED:
            return why("unknown operation {d!r}", "未知的操作“{d}”", d=self.do)
        item = world.injects.item(self.inject)
        if item is None:
            return why(
                "the scenario has no inject {n} (it has {k})",
                "情景中没有第{n}条注入（共{k}条）",
                n=self.inject,
                k=len(world.injects.msel),
            )
        if item.status not in _ALLOWED[self.do]:
            return why("inject {n} is {s}", "第{n}条注入当前状态为“{s}”", n=self.inject, s=item.status.value)
        return item

    def validate(self, world: World) -> Why | None:
        found = self._item(world)
        return found if isinstance(found, Why) else None

    def apply(self, world: World) -> None:
        item = self._item(world)
        assert not isinstance(item, Why), item  # validated before
        injects = world.injects
        {"play": injects.play_now, "hold": injects.hold, "release": injects.release, "skip": injects.skip}[
            self.do
        ](item)


ALL: tuple[type[FacilitatorAction], ...] = (AdHocInject, MselAction)
BY_KIND: dict[str, type[FacilitatorAction]] = {cls.kind: cls for cls in ALL}


def from_dict(data: dict[str, Any]) -> FacilitatorAction:
    """Rebuild a facilitator action from ``to_dict()`` output (or an inject journaled
    as a decision, ``facilitator_inject``, before it was an action); raises ValueError."""
    kind = data.get("kind")
    if kind in ("inject", LEGACY_INJECT_KIND):
        effect = data.get("effect")
        if effect is not None and not isinstance(effect, dict):
            raise ValueError("an inject's effect must be a mapping")
        return AdHocInject.make(str(data.get("zh", "")), str(data.get("en", "")), effect)
    if kind == "msel":
        do = data.get("do")
        if do not in _ALLOWED:
            raise ValueError(f"unknown MSEL operation {do!r} (play, hold, release or skip)")
        extra = set(data) - {"kind", "inject", "do"}
        if extra:
            raise ValueError(f"msel: unknown field(s) {', '.join(sorted(extra))}")
        return MselAction(int(data["inject"]), do)
    raise ValueError(f"unknown facilitator action {kind!r}")
