"""Verdicts: what a table may say about one limit over many replications.

Every summary (``drill evaluate``, sweep summaries, ``drill staff``, ``drill
compare``, the report) takes its verdict from ``verdict`` below, so one limit
never reads differently in two places. The interval is the 95 % Wilson
interval of P(met) (``proportions.wilson``); ``target`` is the probability a
unit asks of a limit (e.g. 0.9).

- ``kept``: the interval's lower bound is at or above the target;
- ``not_kept``: its upper bound is below the target (0 of 200, 0–2 %, is not kept);
- ``at_risk``: the interval straddles the target (more replications may decide it);
- ``infeasible``: the static check shows not even the fastest values the plan's
  distributions allow can meet it;
- ``undecided``: undecided within the drill — replications whose deadline fell
  after the drill ended (censored) could still turn the verdict either way:
  counted as missed it is one verdict, counted as met another. The table says
  how many there were;
- ``beyond`` / ``untimed``: not a limit the drill scores (a limit in days, an
  action the plan names with no time);
- ``system``: the step is the system's, not the team's (``controllable: false``
  in the plan): shown with its figure, never scored against the team and never
  turned into advice;
- ``not_applicable``: it applied in no replication.
"""

from __future__ import annotations

from enum import StrEnum

from .censoring import Counts
from .proportions import CONFIDENCE, wilson


class Verdict(StrEnum):
    KEPT = "kept"
    NOT_KEPT = "not_kept"
    AT_RISK = "at_risk"
    INFEASIBLE = "infeasible"
    UNDECIDED = "undecided"
    BEYOND = "beyond"
    UNTIMED = "untimed"
    SYSTEM = "system"
    NOT_APPLICABLE = "not_applicable"


TEXT: dict[Verdict, tuple[str, str]] = {
    Verdict.KEPT: ("可达成", "kept"),
    Verdict.NOT_KEPT: ("达不到", "not kept"),
    Verdict.AT_RISK: ("有风险", "at risk"),
    Verdict.INFEASIBLE: ("不可行", "infeasible"),
    Verdict.UNDECIDED: ("推演内未定", "undecided within the drill"),
    Verdict.BEYOND: ("超出推演", "beyond the drill"),
    Verdict.UNTIMED: ("无时限", "untimed"),
    Verdict.SYSTEM: ("系统环节", "the system's"),
    Verdict.NOT_APPLICABLE: ("不适用", "n/a"),
}

# colours (rich / matplotlib names) used by every table and figure
STYLE: dict[Verdict, str] = {
    Verdict.KEPT: "green",
    Verdict.NOT_KEPT: "red",
    Verdict.AT_RISK: "yellow",
    Verdict.INFEASIBLE: "red",
    Verdict.UNDECIDED: "magenta",
    Verdict.BEYOND: "dim",
    Verdict.UNTIMED: "dim",
    Verdict.SYSTEM: "blue",
    Verdict.NOT_APPLICABLE: "dim",
}

# the verdicts that say something about the team's own work (advice may follow)
TEAM_SCORED = frozenset({Verdict.KEPT, Verdict.NOT_KEPT, Verdict.AT_RISK, Verdict.INFEASIBLE})


def text(v: Verdict, lang: str) -> str:
    return TEXT[v][0 if lang == "zh" else 1]


def interval_verdict(k: int, n: int, target: float, confidence: float = CONFIDENCE) -> Verdict:
    """kept / not kept / at risk from k met of n (no censoring)."""
    if n <= 0:
        return Verdict.NOT_APPLICABLE
    low, high = wilson(k, n, confidence)
    if low >= target:
        return Verdict.KEPT
    if high < target:
        return Verdict.NOT_KEPT
    return Verdict.AT_RISK


def statistical(counts: Counts, target: float, confidence: float = CONFIDENCE) -> Verdict:
    """The verdict of the figures alone, honest about censoring: the undecided
    replications counted as missed and as met must agree, or it is undecided."""
    if counts.n == 0:
        return Verdict.NOT_APPLICABLE
    low_side = interval_verdict(counts.met, counts.n, target, confidence)
    if not counts.undecided:
        return low_side
    high_side = interval_verdict(counts.met + counts.undecided, counts.n, target, confidence)
    return low_side if low_side == high_side else Verdict.UNDECIDED


def verdict(
    counts: Counts,
    target: float,
    *,
    infeasible: bool = False,
    controllable: bool = True,
    confidence: float = CONFIDENCE,
) -> Verdict:
    """The one verdict rule (see the module's docstring for each verdict)."""
    if counts.n == 0:
        if counts.untimed and not counts.beyond:
            return Verdict.UNTIMED
        if counts.beyond:
            return Verdict.BEYOND
        return Verdict.NOT_APPLICABLE
    if not controllable:
        return Verdict.SYSTEM
    if infeasible:
        return Verdict.INFEASIBLE
    return statistical(counts, target, confidence)
