"""Helpers shared by the screens."""

from __future__ import annotations

from typing import Any, TypeVar

from textual.binding import Binding
from textual.dom import DOMNode

from sim.room.clock import TimeSource

from ..i18n import tr

N = TypeVar("N", bound=type[DOMNode])


_LOCALIZED: dict[tuple[type, str], type] = {}


def localized(cls: N, lang: str) -> N:
    """``cls`` with its bindings' descriptions in ``lang``: a subclass whose
    BINDINGS say it (bindings are declared with catalog keys; Textual merges a
    class's BINDINGS when the class is made, so no instance is patched)."""
    bindings: list[Any] = []
    for b in cls.BINDINGS:
        if isinstance(b, Binding) and b.description.startswith("key."):
            b = Binding(
                b.key,
                b.action,
                tr(lang, b.description),
                show=b.show,
                key_display=b.key_display,
                priority=b.priority,
                id=b.id,
            )
        bindings.append(b)
    made = _LOCALIZED.get((cls, lang))
    if made is None:
        made = _LOCALIZED[(cls, lang)] = type(
            cls.__name__, (cls,), {"BINDINGS": bindings, "__module__": cls.__module__}
        )
    return made  # type: ignore[return-value]


class Confirm:
    """A key pressed twice within ``window_s`` seconds of the given time source."""

    def __init__(self, time: TimeSource, window_s: float = 4.0) -> None:
        self.time = time
        self.window_s = window_s
        self._asked: float | None = None

    def second(self) -> bool:
        """True on the confirming press; False (and remember it) on the first."""
        now = self.time()
        if self._asked is not None and now - self._asked <= self.window_s:
            self._asked = None
            return True
        self._asked = now
        return False
