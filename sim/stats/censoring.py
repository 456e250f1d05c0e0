"""Censoring: how one milestone's replications split by status, and what a
proportion may honestly say about them.

A replication's status (CONTRACTS.md) is one of ``met``, ``missed``,
``undecided`` (it applied, was not met, and its deadline fell after the drill
ended: right-censored), ``not_applicable``, ``beyond`` (a limit beyond the
model, e.g. days) or ``untimed`` (an action the plan names with no time).

The drill *scores* met, missed and undecided: they are the denominator. An
undecided replication is never dropped and never counted as met: P(met) is
shown with it counted as not met (a lower estimate), and the verdict looks at
both ways it could still go (``verdicts``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from .proportions import CONFIDENCE, Proportion, of_counts, wilson


class Status(StrEnum):
    MET = "met"
    MISSED = "missed"
    UNDECIDED = "undecided"
    NOT_APPLICABLE = "not_applicable"
    BEYOND = "beyond"
    UNTIMED = "untimed"


STATUSES = tuple(s.value for s in Status)
SCORED = frozenset({Status.MET, Status.MISSED, Status.UNDECIDED})

# the engine's statuses (sim.engine.milestones) as result statuses; a drill that
# has finished never shows pending/not_yet, but older engines did: pending at the
# end is undecided
_FROM_ENGINE = {
    "met": Status.MET,
    "missed": Status.MISSED,
    "undecided": Status.UNDECIDED,
    "pending": Status.UNDECIDED,
    "not_applicable": Status.NOT_APPLICABLE,
    "not_yet": Status.NOT_APPLICABLE,
    "beyond": Status.BEYOND,
    "beyond_model": Status.BEYOND,
    "untimed": Status.UNTIMED,
}


def status_of(engine_status: str) -> Status:
    """The result status of a finished drill's milestone."""
    try:
        return _FROM_ENGINE[str(engine_status)]
    except KeyError:
        raise ValueError(f"unknown milestone status {engine_status!r}") from None


def outcome(status: str | None, met: bool | None = None) -> bool | None:
    """One replication as an outcome for a proportion: True met; False missed or
    undecided (censored: in the denominator, never met); None not scored. A row
    without a status (older tables) falls back on its met column."""
    if status is None:
        return None if met is None else bool(met)
    s = status_of(status)
    if s is Status.MET:
        return True
    if s in (Status.MISSED, Status.UNDECIDED):
        return False
    return None


@dataclass(frozen=True)
class Counts:
    """One milestone's replications by status."""

    met: int = 0
    missed: int = 0
    undecided: int = 0
    not_applicable: int = 0
    beyond: int = 0
    untimed: int = 0

    @property
    def n(self) -> int:
        """Replications the drill scores (met + missed + undecided)."""
        return self.met + self.missed + self.undecided

    @property
    def decided(self) -> int:
        return self.met + self.missed

    @property
    def total(self) -> int:
        return self.n + self.not_applicable + self.beyond + self.untimed

    def proportion(self, confidence: float = CONFIDENCE) -> Proportion:
        """P(met) with undecided counted as not met (a lower estimate)."""
        return of_counts(self.met, self.n, confidence)

    def if_undecided_met(self, confidence: float = CONFIDENCE) -> tuple[float, float]:
        """The interval were every undecided replication met (the other extreme)."""
        return wilson(self.met + self.undecided, self.n, confidence)

    def __add__(self, other: Counts) -> Counts:
        return Counts(
            self.met + other.met,
            self.missed + other.missed,
            self.undecided + other.undecided,
            self.not_applicable + other.not_applicable,
            self.beyond + other.beyond,
            self.untimed + other.untimed,
        )


def count(statuses: Iterable[str | None]) -> Counts:
    """Counts of statuses (None: did not apply)."""
    tally = dict.fromkeys(Status, 0)
    for s in statuses:
        tally[Status.NOT_APPLICABLE if s is None else status_of(s)] += 1
    return Counts(*(tally[s] for s in Status))


def undecided_note(undecided: int, n: int, lang: str) -> str:
    """The sentence every table uses for censored replications."""
    if not undecided:
        return ""
    if lang == "zh":
        return f"{undecided}/{n} 次推演结束时时限未到（未定，计为未达成）"
    return f"{undecided} of {n} undecided when the drill ended (counted as not met)"
