"""Honest statistics for Bernoulli outcomes (a milestone met or not).

Pure standard library, so every layer may use it; scipy is used only in tests
to check these against ``scipy.stats.binomtest``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from statistics import NormalDist


def z_for(confidence: float) -> float:
    return NormalDist().inv_cdf(0.5 + confidence / 2)


def wilson(k: int, n: int, confidence: float = 0.95) -> tuple[float, float]:
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


def proportion(outcomes: list[bool | None], confidence: float = 0.95) -> Proportion:
    """Met / applicable over replications; None (not applicable) is left out."""
    values = [bool(v) for v in outcomes if v is not None]
    k, n = sum(values), len(values)
    low, high = wilson(k, n, confidence)
    return Proportion(k, n, low, high)


def binom_two_sided(k: int, n: int, p: float = 0.5) -> float:
    """Exact two-sided binomial test p-value (sum of outcomes no likelier than k)."""
    if n == 0:
        return 1.0
    pmf = [math.comb(n, i) * p**i * (1 - p) ** (n - i) for i in range(n + 1)]
    observed = pmf[k]
    return min(1.0, sum(q for q in pmf if q <= observed * (1 + 1e-7)))


@dataclass(frozen=True)
class Paired:
    """Paired comparison of two configurations on the same replications."""

    n: int  # pairs where both apply
    a_only: int  # met under A, missed under B
    b_only: int
    p_value: float  # exact McNemar (binomial on the discordant pairs)

    @property
    def difference(self) -> float:
        return (self.a_only - self.b_only) / self.n if self.n else 0.0


def mcnemar(a: list[bool | None], b: list[bool | None]) -> Paired:
    pairs = [(x, y) for x, y in zip(a, b, strict=True) if x is not None and y is not None]
    a_only = sum(1 for x, y in pairs if x and not y)
    b_only = sum(1 for x, y in pairs if y and not x)
    return Paired(len(pairs), a_only, b_only, binom_two_sided(a_only, a_only + b_only))
