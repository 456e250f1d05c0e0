"""Why a decision cannot be taken, said in both languages.

A ``Why`` is a ``str`` (the English text, so code and tests can compare it as
before) that also carries the Chinese; ``text(lang)`` picks one. Names of
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


class Why(str):
    zh: str

    def __new__(cls, en: str, zh: str) -> Why:
        self = super().__new__(cls, en)
        self.zh = zh
        return self

    def text(self, lang: str) -> str:
        return self.zh if lang == "zh" else str(self)


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
