"""Paired comparison of two configurations on the same replications (exact McNemar)."""

from __future__ import annotations

import math
from dataclasses import dataclass


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
