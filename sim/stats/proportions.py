"""Proportions of replications (a milestone met or not) with their intervals.

Pure standard library, so every layer may use it (the report and the board
too); scipy checks these in the tests.

- ``wilson``: the Wilson score interval, the one every table shows;
- ``exact_bounds``: Clopper–Pearson (exact) one-sided bounds at any level, used
  where an error rate must be guaranteed (the staffing search's looks).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from statistics import NormalDist

CONFIDENCE = 0.95  # the two-sided level of every interval shown


def z_for(confidence: float) -> float:
    return NormalDist().inv_cdf(0.5 + confidence / 2)


def wilson(k: int, n: int, confidence: float = CONFIDENCE) -> tuple[float, float]:
    """Wilson score interval for k successes in n trials ((0, 1) when n is 0)."""
    if n <= 0:
        return 0.0, 1.0
    if not 0 <= k <= n:
        raise ValueError(f"k must be within 0..n, got k={k}, n={n}")
    z = z_for(confidence)
    p = k / n
    denom = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
    # at k = 0 or k = n the bound is exactly 0 or 1; say so rather than 2e-19
    low = 0.0 if k == 0 else max(0.0, centre - half)
    high = 1.0 if k == n else min(1.0, centre + half)
    return low, high


def _binom_sf(k: int, n: int, p: float) -> float:
    """P(X >= k) for X ~ Binomial(n, p), summed in log space."""
    if k <= 0:
        return 1.0
    if k > n:
        return 0.0
    if p <= 0.0:
        return 0.0
    if p >= 1.0:
        return 1.0
    lp, lq = math.log(p), math.log1p(-p)
    logs = [
        math.lgamma(n + 1) - math.lgamma(i + 1) - math.lgamma(n - i + 1) + i * lp + (n - i) * lq
        for i in range(k, n + 1)
    ]
    top = max(logs)
    return min(1.0, math.exp(top) * math.fsum(math.exp(v - top) for v in logs))


def _solve(f: Callable[[float], float], target: float) -> float:
    """The p in [0, 1] with f(p) == target, f increasing in p (bisection to 1e-18)."""
    lo, hi = 0.0, 1.0
    for _ in range(60):
        mid = (lo + hi) / 2
        if f(mid) < target:
            lo = mid
        else:
            hi = mid
    return (lo + hi) / 2


def exact_lower(k: int, n: int, alpha: float) -> float:
    """One-sided Clopper–Pearson lower bound at level ``alpha``: the smallest p
    with P(X >= k | p) >= alpha (0 when k is 0)."""
    if k <= 0 or n <= 0:
        return 0.0
    return _solve(lambda p: _binom_sf(k, n, p), alpha)


def exact_upper(k: int, n: int, alpha: float) -> float:
    """One-sided Clopper–Pearson upper bound at level ``alpha`` (1 when k is n)."""
    if n <= 0 or k >= n:
        return 1.0
    return 1.0 - exact_lower(n - k, n, alpha)


def exact_bounds(k: int, n: int, confidence: float = CONFIDENCE) -> tuple[float, float]:
    """The two-sided Clopper–Pearson interval (each tail (1 - confidence) / 2)."""
    alpha = (1 - confidence) / 2
    return exact_lower(k, n, alpha), exact_upper(k, n, alpha)


@dataclass(frozen=True)
class Proportion:
    k: int
    n: int
    low: float
    high: float

    @property
    def p(self) -> float:
        return self.k / self.n if self.n else float("nan")

    def text(self) -> str:
        if not self.n:
            return "–"
        return f"{100 * self.p:.0f} % ({100 * self.low:.0f}–{100 * self.high:.0f} %)"


def of_counts(k: int, n: int, confidence: float = CONFIDENCE) -> Proportion:
    low, high = wilson(k, n, confidence)
    return Proportion(k, n, low, high)


def proportion(outcomes: list[bool | None], confidence: float = CONFIDENCE) -> Proportion:
    """Met / scored over replications; None (not applicable) is left out. An
    undecided replication must come in as False (``censoring.outcome``), never None."""
    values = [bool(v) for v in outcomes if v is not None]
    return of_counts(sum(values), len(values), confidence)
