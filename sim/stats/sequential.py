"""A sequential decision with a guaranteed error rate: does P(met) reach a target?

``drill staff`` looks at a candidate staffing after every ``step`` replications,
up to ``max_reps``. Looking up to ten times at a 95 % interval with no correction
passes a candidate whose true P(met) is exactly the target far more often than
one look would (5.9 % against 2 %, issue 11). Here the looks share one error
budget:

- ``alpha`` (one-sided; 0.025, the lower tail of a 95 % interval) is spent over
  the planned looks with an O'Brien–Fleming-type spending function (Lan and
  DeMets 1983): by information fraction t = n / max_reps,
  alpha(t) = 2 - 2 Phi(z_{1 - alpha/2} / sqrt(t)). Early looks get almost none
  of it (they decide only overwhelming cases), the last look nearly all.
- At look j the candidate passes a milestone when the exact (Clopper–Pearson)
  lower bound at level alpha(t_j) - alpha(t_{j-1}) reaches the target, and
  fails it when the exact upper bound at that level is below. By the union
  bound over looks, P(ever a false pass) <= sum of the increments = alpha, for
  any true P(met) <= target (the test computes the exact rate as well).
- A candidate passes when every target milestone passes (an intersection-union
  test: no correction needed for many milestones), fails when one fails, and is
  *undecided* when the last look decides neither.

Censored replications (undecided within the drill) count as not met for a pass
and as met for a fail: they can never make a pass easier.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import StrEnum
from statistics import NormalDist

from .censoring import Counts
from .proportions import exact_lower, exact_upper

ALPHA = 0.025


class Decision(StrEnum):
    PASS = "pass"
    FAIL = "fail"
    CONTINUE = "continue"
    UNDECIDED = "undecided"


def obf_spent(t: float, alpha: float = ALPHA) -> float:
    """O'Brien–Fleming-type cumulative alpha spent by information fraction t."""
    if t <= 0:
        return 0.0
    t = min(1.0, t)
    z = NormalDist().inv_cdf(1 - alpha / 2)
    return 2.0 - 2.0 * NormalDist().cdf(z / math.sqrt(t))


@dataclass(frozen=True)
class SequentialRule:
    target: float
    looks: tuple[int, ...]  # planned replication counts, increasing; the last is the maximum
    alpha: float = ALPHA

    @classmethod
    def planned(cls, target: float, step: int, max_reps: int, alpha: float = ALPHA) -> SequentialRule:
        if step < 1 or max_reps < 1:
            raise ValueError("step and max_reps must be at least 1")
        looks = (*range(step, max_reps, step), max_reps)
        return cls(target, looks, alpha)

    def level_at(self, n: int) -> float:
        """The one-sided level spent at the look after ``n`` replications."""
        if n not in self.looks:
            raise ValueError(f"{n} replications is not a planned look ({self.looks})")
        j = self.looks.index(n)
        last = self.looks[-1]
        before = obf_spent(self.looks[j - 1] / last, self.alpha) if j else 0.0
        return obf_spent(n / last, self.alpha) - before

    def judge(self, counts: Counts, reps: int) -> Decision:
        """One milestone at the planned look after ``reps`` replications (it may
        have applied in fewer of them: ``counts.n``)."""
        level = self.level_at(reps)
        n = counts.n
        if n and level > 0 and exact_lower(counts.met, n, level) >= self.target:
            return Decision.PASS
        if n and level > 0 and exact_upper(counts.met + counts.undecided, n, level) < self.target:
            return Decision.FAIL
        return Decision.UNDECIDED if reps >= self.looks[-1] else Decision.CONTINUE

    def combine(self, decisions: list[Decision], final: bool) -> Decision:
        """A candidate: every milestone passes, or one fails; else go on (or undecided)."""
        if decisions and all(d is Decision.PASS for d in decisions):
            return Decision.PASS
        if any(d is Decision.FAIL for d in decisions):
            return Decision.FAIL
        return Decision.UNDECIDED if final else Decision.CONTINUE
