"""Time to a milestone, honest about censoring: the Kaplan–Meier estimate.

A replication in which the milestone was done (met, or missed but done late)
is an observed time from its clock's start; one in which it was never done by
the drill's end (undecided, or missed and never done) is right-censored at the
minutes from its clock's start to the drill's end (``censor_<id>_min``).
Quantiles of the decided replications alone would be biased low (the slow runs
are the censored ones); Kaplan–Meier (``scipy.stats.ecdf`` on
``scipy.stats.CensoredData``) uses each censored run for as long as it was
watched. A quantile the estimate never reaches (too many runs still not done
when they were last seen) is reported as *not reached* (``None``), never as a
number.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

NOT_REACHED = None


@dataclass(frozen=True)
class TimeToMilestone:
    """Kaplan–Meier quantiles (minutes from the clock's start; None: not reached)."""

    done: int  # observed times
    censored: int  # never done while watched
    median: float | None
    p90: float | None
    max_cdf: float  # the estimate's highest P(done by t)

    def quantile_text(self, value: float | None, lang: str) -> str:
        if not self.done and not self.censored:
            return "–"
        if value is None:
            return "未达到" if lang == "zh" else "not reached"
        return f"{math.ceil(value - 1e-9):.0f}"


def km_quantiles(
    times: Sequence[float], censored_at: Sequence[float], qs: Sequence[float] = (0.5, 0.9)
) -> tuple[list[float | None], float]:
    """Kaplan–Meier quantiles of the time to done; ``times`` observed, ``censored_at``
    right-censored. Returns the quantiles (None where never reached) and the
    highest CDF value the estimate reaches."""
    if not times:
        return [None for _ in qs], 0.0
    from scipy import stats  # type: ignore[import-untyped, unused-ignore]

    data = stats.CensoredData(uncensored=list(times), right=list(censored_at))
    cdf = stats.ecdf(data).cdf
    xs = list(cdf.quantiles)
    ps = list(cdf.probabilities)
    top = ps[-1] if ps else 0.0
    out: list[float | None] = []
    for q in qs:
        hit = next((x for x, p in zip(xs, ps, strict=True) if p >= q - 1e-12), None)
        out.append(None if hit is None else float(hit))
    return out, float(top)


def km_curve(times: Sequence[float], censored_at: Sequence[float]) -> tuple[list[float], list[float]] | None:
    """The Kaplan–Meier P(done by t) as step points (times, probabilities); None
    without any replication."""
    if not times and not censored_at:
        return None
    if not times:
        return [], []
    from scipy import stats  # type: ignore[import-untyped, unused-ignore]

    cdf = stats.ecdf(stats.CensoredData(uncensored=list(times), right=list(censored_at))).cdf
    return [float(x) for x in cdf.quantiles], [float(p) for p in cdf.probabilities]


def time_to_milestone(times: Sequence[float], censored_at: Sequence[float]) -> TimeToMilestone:
    (median, p90), top = km_quantiles(times, censored_at)
    return TimeToMilestone(len(times), len(censored_at), median, p90, top)


def decided_quantile(values: Sequence[float], q: float) -> float | None:
    """Nearest-rank quantile of the decided replications alone (what tables showed
    before Kaplan–Meier; kept for the tests that show the difference)."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q * len(ordered)) - 1)]
