"""Each calibration target's model figure, with a 95 % interval over many seeds.

    rows = calibrate(plan, scenario, reps=200)

One ``Row`` per statistic: a group-duration target gives the median duration
and the share of groups within the seed's range, a head-count target the
share of groups whose peak on site reaches the seed's number and the mean
peak, a reception target the relative reduction and the people gone
unanswered. Each row carries the band
the statistic must lie in (``band``), the interval (``low``..``high``) and a
standard error (``se``) that the tests widen the band with.

Intervals: a median by the order statistics that bracket it (distribution
free); a mean by the normal approximation; a share by Wilson's score; a
paired relative reduction by a bootstrap over seeds (fixed generator, so the
output is reproducible).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from statistics import NormalDist

import numpy as np

from ..engine import params as P
from ..spec.calibration import (
    ArrivalWindowTarget,
    CalibrationTarget,
    GroupDurationTarget,
    GroupSizeTarget,
    HeadCountTarget,
    HeatPassesTarget,
    ReachTarget,
    ReceptionBindingTarget,
)
from ..spec.plan import Plan
from ..spec.scenario import Scenario
from .runs import RunFigures, first_arrivals, named_groups, peak_on_site, play_to, wall_clock

Z95 = NormalDist().inv_cdf(0.975)


@dataclass(frozen=True)
class Row:
    target: CalibrationTarget
    # median_h, share, mean_people, mean_peak_people, median_reach, reduction, mean_unanswered_people
    statistic: str
    model: float
    low: float
    high: float
    se: float
    band: tuple[float, float]  # where the statistic must lie
    n: int  # runs (or groups, for per-group statistics)

    @property
    def within(self) -> bool:
        return self.band[0] <= self.model <= self.band[1]


def wilson(k: int, n: int) -> tuple[float, float]:
    if n <= 0:
        return 0.0, 1.0
    z, p = Z95, k / n
    denom = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
    return (0.0 if k == 0 else max(0.0, centre - half)), (1.0 if k == n else min(1.0, centre + half))


def median_row(
    target: CalibrationTarget, statistic: str, values: list[float], band: tuple[float, float]
) -> Row:
    """Median with the order statistics j < k bracketing it at 95 % (binomial
    normal approximation); its standard error read from that interval's width."""
    xs = sorted(values)
    n = len(xs)
    med = float(np.median(xs)) if n else math.nan
    half = Z95 * math.sqrt(n) / 2
    j = max(0, math.floor(n / 2 - half))
    k = min(n - 1, math.ceil(n / 2 + half))
    low, high = (xs[j], xs[k]) if n else (math.nan, math.nan)
    finite = math.isfinite(low) and math.isfinite(high)
    se = (high - low) / (2 * Z95) if finite else math.inf
    return Row(target, statistic, med, low, high, se, band, n)


def mean_row(
    target: CalibrationTarget, statistic: str, values: list[float], band: tuple[float, float]
) -> Row:
    n = len(values)
    mean = float(np.mean(values)) if n else math.nan
    se = float(np.std(values, ddof=1)) / math.sqrt(n) if n > 1 else math.inf
    return Row(target, statistic, mean, mean - Z95 * se, mean + Z95 * se, se, band, n)


def share_row(target: CalibrationTarget, outcomes: list[bool], band: tuple[float, float]) -> Row:
    n, k = len(outcomes), sum(outcomes)
    p = k / n if n else math.nan
    low, high = wilson(k, n)
    # the standard error at the band's edge nearest the estimate (never 0 at p = 0 or 1)
    edge = min(max(p, band[0]), band[1]) if n else 0.5
    edge = min(max(edge, 1.0 / max(n, 1)), 1 - 1.0 / max(n, 1))
    se = math.sqrt(edge * (1 - edge) / n) if n else math.inf
    return Row(target, "share", p, low, high, se, band, n)


def reduction_row(target: ReceptionBindingTarget, base: list[int], more: list[int]) -> Row:
    """1 - mean(more) / mean(base) over paired seeds, bootstrap interval."""
    a, b = np.asarray(base, float), np.asarray(more, float)
    n = len(a)
    point = 1 - b.mean() / a.mean() if a.mean() > 0 else 0.0
    rng = np.random.default_rng(0)
    idx = rng.integers(0, n, size=(2000, n))
    means_a, means_b = a[idx].mean(axis=1), b[idx].mean(axis=1)
    boot = 1 - np.divide(means_b, means_a, out=np.ones_like(means_b), where=means_a > 0)
    low, high = (float(x) for x in np.quantile(boot, [0.025, 0.975]))
    return Row(
        target,
        "reduction",
        float(point),
        low,
        high,
        float(boot.std(ddof=1)),
        (target.at_least_reduction, 1.0),
        n,
    )


# --- one target ------------------------------------------------------------------------------


Runner = Callable[[Plan, Scenario, str, float], list[RunFigures]]


def _runner(seeds: Iterable[int]) -> Runner:
    cache: dict[tuple[int, int, str, float], list[RunFigures]] = {}
    seeds = list(seeds)

    def runs(plan: Plan, scenario: Scenario, policy: str, until: float) -> list[RunFigures]:
        key = (id(plan), id(scenario), policy, min(until, scenario.horizon_min))
        if key not in cache:
            cache[key] = [play_to(plan, scenario, s, policy, until) for s in seeds]
        return cache[key]

    return runs


def _groups(target: GroupDurationTarget | GroupSizeTarget | HeadCountTarget, scenario: Scenario) -> list[str]:
    return [target.incident] if target.incident else named_groups(scenario)


def rows_for(
    target: CalibrationTarget, plan: Plan, scenario: Scenario, runs: Runner, seeds: list[int]
) -> list[Row]:
    policy = target.policy.value
    horizon = scenario.horizon_min
    if isinstance(target, GroupDurationTarget):
        names = _groups(target, scenario)
        hours = [
            r.durations_h[g]
            for r in runs(plan, scenario, policy, horizon)
            for g in names
            if g in r.durations_h
        ]
        lo, hi = target.low_h, target.high_h
        return [
            median_row(target, "median_h", hours, (lo, hi)),
            share_row(target, [lo <= h <= hi for h in hours], (target.at_least_share, 1.0)),
        ]
    if isinstance(target, GroupSizeTarget):
        names = _groups(target, scenario)
        sizes = [
            float(r.people[g]) for r in runs(plan, scenario, policy, horizon) for g in names if g in r.people
        ]
        v, tol = target.value_people, target.tolerance_people
        return [mean_row(target, "mean_people", sizes, (v - tol, v + tol))]
    if isinstance(target, HeadCountTarget):
        names = _groups(target, scenario)
        to_min = horizon if target.to_min is None else min(target.to_min, horizon)
        peaks = [
            peak_on_site(r.on_site.get(g, []), target.from_min, to_min)
            for r in runs(plan, scenario, policy, horizon)
            for g in names
        ]
        high = math.inf if target.at_most_people is None else float(target.at_most_people)
        return [
            share_row(target, [target.holds(n) for n in peaks], (target.at_least_share, 1.0)),
            mean_row(target, "mean_peak_people", [float(n) for n in peaks], (target.at_least_people, high)),
        ]
    if isinstance(target, ArrivalWindowTarget):
        inside = []
        for seed in seeds:
            for start in first_arrivals(plan, scenario, seed).values():
                at = wall_clock(scenario, start)
                clock = at.strftime("%H:%M")
                weekday = at.weekday() < 5 or not target.workdays_only
                inside.append(weekday and target.from_clock <= clock <= target.to_clock)
        return [share_row(target, inside, (1.0, 1.0))]
    if isinstance(target, ReachTarget):
        reach = [r.reach[target.topic] for r in runs(plan, scenario, policy, target.at_min)]
        v, tol = target.value, target.tolerance_fraction
        return [median_row(target, "median_reach", reach, (v * (1 - tol), v * (1 + tol)))]
    if isinstance(target, HeatPassesTarget):
        within = min(target.within_min, horizon)
        passed = [
            r.peak_heat[target.topic] >= target.value_heat for r in runs(plan, scenario, policy, within)
        ]
        return [share_row(target, passed, (target.at_least_share, 1.0))]
    assert isinstance(target, ReceptionBindingTarget)
    team = plan.teams[target.team]
    bigger = {
        f"teams.{target.team}.size": math.ceil(team.size_people * target.factor),
        f"teams.{target.team}.on_duty": math.ceil(team.on_duty_people * target.factor),
    }
    plan2, scenario2 = P.apply(plan, scenario, bigger)
    base = runs(plan, scenario, policy, target.at_min)
    more = runs(plan2, scenario2, policy, target.at_min)
    unanswered = [float(r.unanswered) for r in base]
    return [
        reduction_row(
            target, [r.waiting_or_unanswered for r in base], [r.waiting_or_unanswered for r in more]
        ),
        mean_row(target, "mean_unanswered_people", unanswered, (target.at_least_unanswered_people, math.inf)),
    ]


def calibrate(
    plan: Plan,
    scenario: Scenario,
    reps: int = 200,
    first_seed: int = 0,
    only: str | None = None,
) -> list[Row]:
    """Every calibration target of ``scenario`` (or the one with id ``only``)
    against the model, over seeds ``first_seed`` .. ``first_seed + reps - 1``."""
    seeds = list(range(first_seed, first_seed + reps))
    runs = _runner(seeds)
    rows: list[Row] = []
    for target in scenario.calibration:
        if only is None or target.id == only:
            rows.extend(rows_for(target, plan, scenario, runs, seeds))
    return rows
