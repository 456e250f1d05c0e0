"""Which single change to the plan turns a milestone's misses into meets: causal
attribution by counterfactual under common random numbers.

For one plan and scenario, every replication ``r`` (``SeedSequence(master,
spawn_key=(r,))``, the engine spawning one named stream per source from it) is
run as the plan stands and once under each candidate *change* — a lever the
unit holds, read from the plan (``levers.changes``: one more member of a team
or the whole team on duty, a call-in, an official's arrival, travel or drafting
N minutes sooner, a venue open from the start, a channel twice as fast). Every
change is monotone in the very draw it changes, and every other source keeps
its own stream, so a replication differs between the two runs only by the
change and what follows from it (common random numbers).

Per milestone, among the replications where the plan as it stands *missed* it
(status ``missed``; undecided and not-applicable runs are not misses), a change
``turns`` those it meets, and ``breaks`` those the plan met that it no longer
meets. The pairs (turned, broken) are McNemar's discordant pairs: the change
helps when the exact two-sided binomial test of ``turned`` against
``turned + broken`` at 1/2 rejects at ``alpha`` after a Bonferroni correction
over the candidates tried for that milestone that could reach significance
(Tarone's: a change that altered nothing cannot, and does not dilute the rest;
a best-of-K pick must not pass by chance). The share of misses turned carries an exact (Clopper–Pearson) 95 %
interval. When no change passes, the answer is "no single change helps", and
it is said so.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import Future
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..engine import params as P
from ..spec import catalog
from .executors import Handle, SerialExecutor
from .inputs import Inputs
from .levers import SOONER_MIN, Change, Lever, changes, shift_sooner
from .tasks import Task, run_task

__all__ = [
    "Attribution",
    "Change",
    "Effect",
    "Lever",
    "MilestoneAttribution",
    "attribute",
    "changes",
    "shift_sooner",
]

# --- statistics -----------------------------------------------------------------------------


def exact_interval(k: int, n: int, level: float = 0.95) -> tuple[float, float]:
    """Clopper–Pearson interval of k successes in n (0, 1 when n is 0)."""
    if n == 0:
        return 0.0, 1.0
    from scipy.stats import beta  # type: ignore[import-untyped, unused-ignore]

    a = (1 - level) / 2
    low = 0.0 if k == 0 else float(beta.ppf(a, k, n - k + 1))
    high = 1.0 if k == n else float(beta.ppf(1 - a, k + 1, n - k))
    return low, high


def mcnemar_p(turned: int, broken: int) -> float:
    """Exact two-sided McNemar p-value (a sign test on the discordant pairs)."""
    n = turned + broken
    if n == 0:
        return 1.0
    from scipy.stats import binomtest  # type: ignore[import-untyped, unused-ignore]

    return float(binomtest(turned, n, 0.5).pvalue)


def min_p(discordant: int) -> float:
    """The smallest two-sided p-value the exact McNemar test can give with this
    many discordant pairs (all on one side)."""
    return min(1.0, 2.0 * 0.5**discordant)


def tarone(pvalues: Sequence[float], discordant: Sequence[int], alpha: float) -> list[float]:
    """Bonferroni-adjusted p-values over only the candidates that could reach
    significance (Tarone 1990): K is the smallest count such that at most K
    candidates can reach a p-value of alpha / K. A change with no discordant pair
    (it changed nothing for this milestone) cannot reject, so it does not dilute
    the others; the number of discordant pairs is ancillary under the null, so
    this stays a valid family-wise correction."""
    k = 1
    while k < len(pvalues) and sum(1 for d in discordant if min_p(d) <= alpha / k) > k:
        k += 1
    return [min(1.0, p * k) for p in pvalues]


@dataclass(frozen=True)
class Effect:
    change: Change
    misses: int  # replications the plan as it stands missed
    turned: int  # of those, met under the change
    broken: int  # replications the plan met that the change no longer meets
    p_value: float  # exact McNemar, two-sided
    p_adjusted: float  # Bonferroni–Tarone over the candidates tried for this milestone

    @property
    def share(self) -> tuple[float, float, float]:
        """Share of misses turned into meets, with its exact 95 % interval."""
        low, high = exact_interval(self.turned, self.misses)
        return (self.turned / self.misses if self.misses else 0.0), low, high


@dataclass
class MilestoneAttribution:
    milestone: str
    reps: int  # replications in which it was decided or missed (the plan as it stands)
    misses: int
    effects: list[Effect]  # every change tried, best first
    alpha: float

    @property
    def best(self) -> Effect | None:
        """The change that turns most misses into meets net of those it breaks,
        when it passes the corrected test; None: no single change helps."""
        if not self.effects:
            return None
        top = self.effects[0]
        helps = top.turned > top.broken and top.p_adjusted < self.alpha
        return top if helps else None

    @property
    def cause(self) -> str | None:
        best = self.best
        return best.change.key if best else None

    def text(self, lang: str) -> str:
        zh = lang == "zh"
        best = self.best
        if self.misses == 0:
            return "无未达成" if zh else "no misses"
        if best is None:
            tried = len(self.effects)
            top = self.effects[0] if self.effects else None
            if top is not None and top.turned > top.broken:
                return (
                    f"单项改变均未被证明有帮助（试了 {tried} 项）；最有希望的是{top.change.label_zh}，"
                    f"{self.misses} 次未达成中 {top.turned} 次转为达成（校正后 p={top.p_adjusted:.2g}，样本不足以断定）"
                    if zh
                    else f"no single change shown to help ({tried} tried); the most promising, "
                    f"{top.change.label_en}, turns {top.turned} of {self.misses} misses "
                    f"(corrected p={top.p_adjusted:.2g}: too few to tell)"
                )
            return (
                f"单项改变均无帮助（试了 {tried} 项，共同随机数配对）"
                if zh
                else f"no single change helps ({tried} tried on common random numbers)"
            )
        p, low, high = best.share
        if zh:
            return (
                f"{best.change.label_zh}：{self.misses} 次未达成中 {best.turned} 次转为达成"
                f"（{p:.0%}，95% {low:.0%}–{high:.0%}），另有 {best.broken} 次由达成变为未达成"
            )
        return (
            f"{best.change.label_en}: turns {best.turned} of {self.misses} misses into meets "
            f"({p:.0%}, 95% {low:.0%}–{high:.0%}), {best.broken} meets lost"
        )


@dataclass
class Attribution:
    plan: str
    scenario: str
    master: int
    seeds: list[int]
    sooner_min: float
    alpha: float
    milestones: dict[str, MilestoneAttribution] = field(default_factory=dict)
    baseline: list[dict[str, Any]] = field(default_factory=list)  # rows of the plan as it stands


def _status(row: dict[str, Any], mid: str) -> str | None:
    status = row.get(f"status_{mid}")
    return None if status is None else str(status)


def effect_of(
    change: Change, base: dict[int, dict[str, Any]], alt: dict[int, dict[str, Any]], mid: str
) -> tuple[int, int, int]:
    """(misses, turned, broken) of one change for milestone ``mid``, pairing rows by replication."""
    misses = turned = broken = 0
    for rep, row in base.items():
        before, after = _status(row, mid), _status(alt[rep], mid)
        if before == "missed":
            misses += 1
            turned += after == "met"
        elif before == "met" and after != "met":
            broken += 1
    return misses, turned, broken


def merged(given: dict[str, Any], change: dict[str, Any]) -> dict[str, Any]:
    """The study's overrides with a change on top: a change that replaces a whole
    value (a distribution) drops the study's overrides below it, which would
    otherwise be applied after it (paths apply in sorted order) and undo it."""
    out = {k: v for k, v in given.items() if not any(k.startswith(c + ".") for c in change)}
    out.update(change)
    return out


def _runs(seeds: Iterable[int]) -> list[range]:
    """Consecutive replication numbers as ranges (one task each, or fewer per batch)."""
    ordered = sorted(set(int(s) for s in seeds))
    if any(s < 0 for s in ordered):
        raise ValueError("replication numbers must be >= 0")
    out: list[range] = []
    for s in ordered:
        if out and out[-1].stop == s:
            out[-1] = range(out[-1].start, s + 1)
        else:
            out.append(range(s, s + 1))
    return out


def _rows(
    points: list[dict[str, Any]],
    seeds: list[int],
    inputs: Inputs,
    master: int,
    policy: str,
    handle: Handle | None,
    batch: int,
    horizon_min: float | None = None,
) -> list[dict[int, dict[str, Any]]]:
    """Rows by point, then by replication number."""
    tasks: list[Task] = []
    for i, params in enumerate(points):
        for run in _runs(seeds):
            for start in range(run.start, run.stop, batch):
                stop = min(start + batch, run.stop)
                tasks.append(
                    Task(
                        chunk=len(tasks),
                        point=i,
                        params=dict(params),
                        rep_start=start,
                        rep_stop=stop,
                        inputs=inputs,
                        master=master,
                        policy=policy,
                        horizon_min=horizon_min,
                    )
                )
    executor = handle.executor if handle is not None else SerialExecutor()
    futures: list[tuple[Task, Future[list[dict[str, Any]]]]] = [
        (t, executor.submit(run_task, t)) for t in tasks
    ]
    out: list[dict[int, dict[str, Any]]] = [{} for _ in points]
    for task, fut in futures:
        for row in fut.result():
            out[task.point][int(row["rep"])] = row
    return out


def attribute(
    plan: str | Path,
    scenario: str | Path,
    milestone_ids: Sequence[str] | None = None,
    seeds: Iterable[int] = range(100),
    *,
    master: int = 0,
    params: dict[str, Any] | None = None,
    policy: str = "plan",
    only: Sequence[str] | None = None,
    sooner_min: float = SOONER_MIN,
    alpha: float = 0.05,
    handle: Handle | None = None,
    batch: int = 10,
    progress: Callable[[str], None] | None = None,
    inputs: Inputs | None = None,
    horizon_min: float | None = None,
) -> Attribution:
    """Attribute the misses of ``milestone_ids`` (default: every milestone missed
    at least once) in replications ``seeds`` of master seed ``master`` — the same
    replications as a sweep's or an evaluation's with that master seed.

    ``params`` are --set overrides the study itself runs with (a constructed
    case); ``only`` keeps the changes whose key starts with one of its prefixes
    (``"team:reception"``). Runs on ``handle`` (serial when None). ``inputs``: the
    plan's and scenario's content to use instead of reading the files (an
    evaluation's own snapshot). ``horizon_min``: run each drill on to this horizon
    (an evaluation's decision horizon), as the study being explained did."""
    seed_list = sorted(set(int(s) for s in seeds))
    if not seed_list:
        raise ValueError("attribution needs at least one replication")
    if inputs is None:
        inputs = Inputs.read(catalog.plan_path(plan), catalog.scenario_path(scenario))
    base_plan, base_scen = inputs.load()
    base_plan, base_scen = P.apply(base_plan, base_scen, params)
    given = dict(params or {})
    tried = [
        c for c in changes(base_plan, base_scen, sooner_min) if only is None or c.key.startswith(tuple(only))
    ]
    for c in tried:  # an invalid change (e.g. past a schema bound) is refused here, not on a worker
        P.apply(*inputs.load(), merged(given, c.params))
    result = Attribution(base_plan.id, base_scen.id, master, seed_list, sooner_min, alpha)
    if progress:
        progress("baseline")
    (base,) = _rows([given], seed_list, inputs, master, policy, handle, batch, horizon_min)
    result.baseline = [base[s] for s in seed_list]
    ids = list(milestone_ids) if milestone_ids is not None else [m.id for _l, m in base_plan.all_milestones()]
    missed = [mid for mid in ids if any(_status(r, mid) == "missed" for r in base.values())]
    for mid in ids:
        if mid not in missed:
            decided = sum(1 for r in base.values() if _status(r, mid) in ("met", "missed"))
            result.milestones[mid] = MilestoneAttribution(mid, decided, 0, [], alpha)
    if not missed or not tried:
        for mid in missed:
            n_missed = sum(1 for r in base.values() if _status(r, mid) == "missed")
            decided = sum(1 for r in base.values() if _status(r, mid) in ("met", "missed"))
            result.milestones[mid] = MilestoneAttribution(mid, decided, n_missed, [], alpha)
        return result
    if progress:
        progress(f"{len(tried)} changes × {len(seed_list)} replications")
    alts = _rows(
        [merged(given, c.params) for c in tried],
        seed_list,
        inputs,
        master,
        policy,
        handle,
        batch,
        horizon_min,
    )
    for mid in missed:
        raw = [(c, *effect_of(c, base, alt, mid)) for c, alt in zip(tried, alts, strict=True)]
        pvalues = [mcnemar_p(t, b) for _c, _m, t, b in raw]
        adjusted = tarone(pvalues, [t + b for _c, _m, t, b in raw], alpha)
        effects = [
            Effect(c, m, t, b, p, q) for (c, m, t, b), p, q in zip(raw, pvalues, adjusted, strict=True)
        ]
        effects.sort(key=lambda e: (-(e.turned - e.broken), -e.turned, e.p_value))
        decided = sum(1 for r in base.values() if _status(r, mid) in ("met", "missed"))
        result.milestones[mid] = MilestoneAttribution(mid, decided, effects[0].misses, effects, alpha)
    return result
