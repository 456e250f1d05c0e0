"""The facilitator's actions: an inject of their own (a message, optionally
with a model effect), and playing, holding, releasing or skipping an inject of
the scenario's list (MSEL).

They are not the team's decisions: ``Drill.facilitate`` logs them as
``facilitator`` entries, they are never counted as decisions, and a
counterfactual replays them in every arm at the same times so the arms are
compared in the same situation.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from typing import Any, ClassVar

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
class FacilitatorInject(FacilitatorAction):
    """An unscheduled inject added by the facilitator during a drill."""

    zh: str = ""
    en: str = ""
    effect: tuple[tuple[str, Any], ...] | None = None  # frozen form of the effect dict
    kind: ClassVar[str] = "facilitator_inject"

    @classmethod
    def make(cls, zh: str, en: str, effect: dict[str, Any] | None = None) -> FacilitatorInject:
        return cls(zh, en, tuple(sorted(effect.items())) if effect else None)

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


def _scheduled(world: World, n: int, allowed: tuple[InjectStatus, ...]) -> ScheduledInject | Why:
    item = world.injects.item(n)
    if item is None:
        return why(
            "the scenario has no inject {n} (it has {k})",
            "情景中没有第{n}条注入（共{k}条）",
            n=n,
            k=len(world.injects.msel),
        )
    if item.status not in allowed:
        return why("inject {n} is {s}", "第{n}条注入当前状态为“{s}”", n=n, s=item.status.value)
    return item


@dataclass(frozen=True)
class _MselAction(FacilitatorAction):
    n: int = 0  # the inject's number in the scenario's list, from 1
    allowed: ClassVar[tuple[InjectStatus, ...]] = ()

    def validate(self, world: World) -> Why | None:
        found = _scheduled(world, self.n, self.allowed)
        return found if isinstance(found, Why) else None

    def _item(self, world: World) -> ScheduledInject:
        found = _scheduled(world, self.n, self.allowed)
        assert not isinstance(found, Why), found  # validated before
        return found


@dataclass(frozen=True)
class PlayInject(_MselAction):
    """Play a scheduled inject now (before its time, or a held one)."""

    kind: ClassVar[str] = "play_inject"
    allowed: ClassVar[tuple[InjectStatus, ...]] = (InjectStatus.DUE, InjectStatus.HELD)

    def apply(self, world: World) -> None:
        world.injects.play_now(self._item(world))


@dataclass(frozen=True)
class HoldInject(_MselAction):
    """Keep a scheduled inject back until it is released."""

    kind: ClassVar[str] = "hold_inject"
    allowed: ClassVar[tuple[InjectStatus, ...]] = (InjectStatus.DUE,)

    def apply(self, world: World) -> None:
        world.injects.hold(self._item(world))


@dataclass(frozen=True)
class ReleaseInject(_MselAction):
    """A held inject goes back on the list (played at once if its time has passed)."""

    kind: ClassVar[str] = "release_inject"
    allowed: ClassVar[tuple[InjectStatus, ...]] = (InjectStatus.HELD,)

    def apply(self, world: World) -> None:
        world.injects.release(self._item(world))


@dataclass(frozen=True)
class SkipInject(_MselAction):
    """Drop a scheduled inject from this drill."""

    kind: ClassVar[str] = "skip_inject"
    allowed: ClassVar[tuple[InjectStatus, ...]] = (InjectStatus.DUE, InjectStatus.HELD)

    def apply(self, world: World) -> None:
        world.injects.skip(self._item(world))


ALL: tuple[type[FacilitatorAction], ...] = (
    FacilitatorInject,
    PlayInject,
    HoldInject,
    ReleaseInject,
    SkipInject,
)
BY_KIND: dict[str, type[FacilitatorAction]] = {cls.kind: cls for cls in ALL}


def from_dict(data: dict[str, Any]) -> FacilitatorAction:
    """Rebuild a facilitator action from ``to_dict()`` output; raises ValueError."""
    kind = data.get("kind")
    cls = BY_KIND.get(str(kind))
    if cls is None:
        raise ValueError(f"unknown facilitator action {kind!r}")
    if cls is FacilitatorInject:
        return FacilitatorInject.make(str(data.get("zh", "")), str(data.get("en", "")), data.get("effect"))
    names = {f.name for f in fields(cls)}
    extra = set(data) - names - {"kind"}
    if extra:
        raise ValueError(f"{kind}: unknown field(s) {', '.join(sorted(extra))}")
    return cls(**{k: v for k, v in data.items() if k != "kind"})
