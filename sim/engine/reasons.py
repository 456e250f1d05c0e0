"""Why a decision cannot be taken, said in both languages.

A ``Why`` is a ``str`` (the English text, so code and tests can compare it as
before) that also carries the Chinese; ``text(lang)`` picks one, and, when the
refusal is for want of staff, which teams' members (``waits``). Names of
teams, officials, venues and incidents are given as ``Name`` objects and come
out as the plan's and scenario's own labels in each language.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Name:
    zh: str
    en: str

    def __str__(self) -> str:
        return self.en


# What a refused decision waits for: (team, place) pairs for staff (place None for
# anywhere), or (EVENT, kind) for a kind of event. Shown to nobody; a policy reads
# it to know when to try again.
Waits = frozenset[tuple[str, str | None]]
EVENT = "@event"


def on_events(*kinds: str) -> Waits:
    """Waits for any of these kinds of event (an official arriving, a room opening)."""
    return frozenset((EVENT, kind) for kind in kinds)


class Why(str):
    zh: str
    waits: Waits | None = None  # the staff it waits for (None: the situation to change otherwise)

    def __new__(cls, en: str, zh: str) -> Why:
        self = super().__new__(cls, en)
        self.zh = zh
        return self

    def text(self, lang: str) -> str:
        return self.zh if lang == "zh" else str(self)

    def waiting_for(self, waits: Waits) -> Why:
        """This refusal is lifted only by these staff arriving or being freed, or these
        kinds of event."""
        self.waits = waits
        return self


def _pick(value: Any, lang: str) -> Any:
    if isinstance(value, Name):
        return value.zh if lang == "zh" else value.en
    if isinstance(value, Why):
        return value.text(lang)
    return value


def why(en: str, zh: str, **names: Any) -> Why:
    return Why(
        en.format(**{k: _pick(v, "en") for k, v in names.items()}),
        zh.format(**{k: _pick(v, "zh") for k, v in names.items()}),
    )
