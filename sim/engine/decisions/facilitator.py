"""The facilitator's inject: a message to the trainees, optionally with a model
effect on an incident (people join, agitation, a heat spike, a livestream)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from pydantic import TypeAdapter, ValidationError

from ...spec.scenario import EFFECT_TARGETS, Effect
from ..reasons import Why, why
from ..world import World
from .base import Decision

_EFFECT: TypeAdapter[Any] = TypeAdapter(Effect)


@dataclass(frozen=True)
class FacilitatorInject(Decision):
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
        return None

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"kind": self.kind, "zh": self.zh, "en": self.en}
        if self.effect is not None:
            out["effect"] = dict(self.effect)
        return out
