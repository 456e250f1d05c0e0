"""Which assumptions matter: a Morris screening (elementary effects, SALib) over
every number a scenario and its plan mark ``assumed: true`` (``assumptions``).

Design: ``trajectories`` Morris trajectories on a 4-level grid over the factors'
ranges (SALib's sampler), ``(k + 1) × trajectories`` design points; each point
runs ``reps`` replications on the same seeds (replication ``r`` of master seed
``master`` at every point: common random numbers, so an elementary effect is a
paired difference, not the gap between two noisy means).

Outputs per milestone, from the replications of each point:

- ``p_met``: the share of replications in which the milestone applied that met it
  (undecided at the drill's end counts as not met, as in ``evaluate``);
- ``time``: the mean minutes from its clock start to being done, a replication
  not done counting as the drill's horizon (a restricted mean, in minutes).

A point where the milestone applied in no replication has no ``p_met``; it is
given the mean of the other points (this pulls an effect towards 0, never away)
and the count of such points is reported. SALib's ``morris.analyze`` then gives
per factor μ* (mean absolute elementary effect, in units of the output per
whole range of the factor), μ (signed) and σ (spread: interaction or
non-linearity), with a bootstrap 95 % interval on μ*.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..engine import params as P
from ..errors import UserFacing
from ..spec import catalog
from ..spec.plan import Plan
from ..spec.problems import SpecError
from .assumptions import Assumption, assumptions
from .design import Factor
from .executors import Handle, SerialExecutor
from .inputs import Inputs
from .tasks import make_tasks, run_task

NUM_LEVELS = 4
OUTPUTS = ("p_met", "time")
RELIES_MU_STAR = 0.1  # μ* of P(met) from which a verdict is said to rest on an assumption


class SensitivityError(UserFacing, ValueError):
    """Bad input for a screening (exit status 2)."""


@dataclass(frozen=True)
class Effect:
    milestone: str
    output: str  # "p_met" or "time"
    factor: str  # the assumption's path
    mu: float
    mu_star: float
    mu_star_conf: float
    sigma: float


@dataclass
class Screening:
    plan: str
    scenario: str
    factors: list[Assumption]
    skipped: list[tuple[str, str]]
    milestones: dict[str, tuple[str, str]]  # id -> (zh, en) label
    effects: list[Effect] = field(default_factory=list)
    undefined: dict[str, int] = field(default_factory=dict)  # milestone -> points where it never applied
    trajectories: int = 0
    reps: int = 0
    master: int = 0
    seed: int = 0
    points: int = 0
    seconds: float = 0.0
    executor: str = "serial"

    def ranked(self, milestone: str, output: str = "p_met") -> list[Effect]:
        rows = [e for e in self.effects if e.milestone == milestone and e.output == output]
        return sorted(rows, key=lambda e: (-e.mu_star, e.factor))

    def factor(self, path: str) -> Assumption:
        return next(f for f in self.factors if f.path == path)


def _repair(point: dict[str, Any], plan: Plan) -> dict[str, Any]:
    """A team's on-duty count above its size is the size (two factors drawn apart)."""
    out = dict(point)
    for tid, team in plan.teams.items():
        size = out.get(f"plan.teams.{tid}.size_people", team.size_people)
        key = f"plan.teams.{tid}.on_duty_people"
        duty = out.get(key, team.on_duty_people)
        if duty > size:
            out[key] = size
    return out


def design(factors: list[Assumption], trajectories: int, seed: int) -> tuple[Any, list[dict[str, Any]]]:
    """SALib's Morris sample (its matrix) and the design points it maps to."""
    try:
        from SALib.sample import morris as morris_sample  # type: ignore[import-untyped, unused-ignore]
    except ImportError:
        raise SensitivityError(
            "drill sensitivity needs SALib (pip install 'petition-drill[salib]')"
        ) from None
    as_factors = [Factor(f.path, None, f.low, f.high, None, f.integer, "") for f in factors]
    problem = {
        "num_vars": len(factors),
        "names": [f.path for f in factors],
        "bounds": [list(f.bounds()) for f in as_factors],
    }
    X = morris_sample.sample(problem, trajectories, num_levels=NUM_LEVELS, seed=seed)
    points = [
        {f.path: f.from_bound_value(float(x)) for f, x in zip(as_factors, row, strict=True)} for row in X
    ]
    return X, points


def analyse(
    names: list[str], bounds: list[list[float]], X: Any, Y: Any, seed: int
) -> list[tuple[str, float, float, float, float]]:
    """(factor, μ, μ*, μ* 95 % half-width, σ) from SALib's ``morris.analyze``."""
    import numpy as np
    from SALib.analyze import morris as morris_analyze  # type: ignore[import-untyped, unused-ignore]

    problem = {"num_vars": len(names), "names": names, "bounds": bounds}
    # SALib reads X in the problem's bounds; effects are per whole range: scale X to [0, 1]
    lo = np.array([b[0] for b in bounds])
    span = np.array([b[1] - b[0] for b in bounds])
    unit = (np.asarray(X, dtype=float) - lo) / span
    problem["bounds"] = [[0.0, 1.0]] * len(names)
    res = morris_analyze.analyze(
        problem, unit, np.asarray(Y, dtype=float), num_levels=NUM_LEVELS, conf_level=0.95, seed=seed
    )
    return [
        (
            n,
            float(res["mu"][i]),
            float(res["mu_star"][i]),
            float(res["mu_star_conf"][i]),
            float(res["sigma"][i]),
        )
        for i, n in enumerate(names)
    ]


def _outputs(rows: list[dict[str, Any]], mid: str, horizon: float) -> tuple[float | None, float | None]:
    applied = [r for r in rows if r.get(f"status_{mid}") in ("met", "missed", "undecided")]
    if not applied:
        return None, None
    met = sum(1 for r in applied if r.get(f"status_{mid}") == "met")
    times = [float(r[f"t_{mid}_min"]) if r.get(f"t_{mid}_min") is not None else horizon for r in applied]
    return met / len(applied), sum(min(t, horizon) for t in times) / len(times)


def screen(
    plan: str | Path | None,
    scenario: str | Path,
    trajectories: int = 4,
    reps: int = 4,
    *,
    master: int = 0,
    seed: int = 0,
    handle: Handle | None = None,
    progress: Callable[[int, int], None] | None = None,
    batch: int | None = None,
) -> Screening:
    """Morris screening of ``scenario`` with ``plan`` (default: the scenario's own)."""
    if trajectories < 2:
        raise SensitivityError("--trajectories must be at least 2 (an effect needs two trajectories to vary)")
    if reps < 1:
        raise SensitivityError("--reps must be at least 1")
    started = time.monotonic()
    scenario_file = catalog.scenario_path(scenario)
    from ..spec.loader import load_scenario_file

    scen, _ = load_scenario_file(scenario_file)
    inputs = Inputs.read(catalog.plan_path(plan or scen.default_plan), scenario_file)
    the_plan, the_scen = inputs.load()
    factors, skipped = assumptions(the_plan, the_scen)
    if not factors:
        raise SensitivityError(f"{scen.id}: no number is marked assumed: true; nothing to screen")
    X, points = design(factors, trajectories, seed)
    points = [_repair(p, the_plan) for p in points]
    for p in points:  # refuse in the driver, with the file's words, not on a worker
        try:
            P.apply(the_plan, the_scen, p)
        except SpecError as exc:
            raise SensitivityError(f"a design point the schema refuses: {exc}") from None
    size = batch or max(1, min(reps, 25))
    tasks = make_tasks(points, reps, size, inputs, master)
    executor = handle.executor if handle is not None else SerialExecutor()
    total = len(points) * reps
    done = 0
    if progress:
        progress(0, total)
    futures = [(t, executor.submit(run_task, t)) for t in tasks]
    by_point: list[list[dict[str, Any]]] = [[] for _ in points]
    for task, fut in futures:
        rows = fut.result()
        by_point[task.point] += rows
        done += len(rows)
        if progress:
            progress(done, total)
    milestones = {
        m.id: (m.label.zh, m.label.en)
        for _l, m in the_plan.all_milestones()
        if m.measure.kind != "beyond_model"
    }
    out = Screening(the_plan.id, the_scen.id, factors, skipped, milestones)
    names = [f.path for f in factors]
    bounds = [list(Factor(f.path, None, f.low, f.high, None, f.integer, "").bounds()) for f in factors]
    horizon = float(the_scen.horizon_min)
    for mid in milestones:
        values = [_outputs(rows, mid, horizon) for rows in by_point]
        for k, output in enumerate(OUTPUTS):
            ys = [v[k] for v in values]
            known = [y for y in ys if y is not None]
            if not known:
                continue
            if k == 0:
                out.undefined[mid] = len(ys) - len(known)
            fill = sum(known) / len(known)
            Y = [fill if y is None else y for y in ys]
            for name, mu, mu_star, conf, sigma in analyse(names, bounds, X, Y, seed):
                conf = 0.0 if math.isnan(conf) else conf
                out.effects.append(Effect(mid, output, name, mu, mu_star, conf, sigma))
    out.trajectories, out.reps, out.master, out.seed = trajectories, reps, master, seed
    out.points = len(points)
    out.seconds = time.monotonic() - started
    out.executor = handle.uri if handle is not None else "serial"
    return out


@dataclass(frozen=True)
class Reliance:
    """An assumed input a milestone's verdict rests on."""

    path: str
    label_zh: str
    label_en: str
    why: str  # "deadline" (its own deadline is assumed) or "mu_star"
    mu_star: float | None = None

    def label(self, lang: str) -> str:
        return self.label_zh if lang == "zh" else self.label_en


def rests_on(
    plan: Plan, milestone: str, screening: Screening | None = None, threshold: float = RELIES_MU_STAR
) -> list[Reliance]:
    """The assumed inputs the verdict on ``milestone`` rests on: its own deadline
    when the plan marks the milestone assumed, then every assumption whose μ* on
    its P(met) reaches ``threshold`` in ``screening`` (largest first)."""
    out: list[Reliance] = []
    found = [m for _l, m in plan.all_milestones() if m.id == milestone]
    if not found:
        raise KeyError(f"plan {plan.id} has no milestone {milestone!r}")
    m = found[0]
    if m.assumed:
        out.append(
            Reliance(
                f"deadline:{m.id}",
                f"{m.label.zh}：时限 {m.deadline_min:g} 分钟为假设值",
                f"{m.label.en}: its {m.deadline_min:g}-min deadline is assumed",
                "deadline",
            )
        )
    if screening is not None:
        for e in screening.ranked(milestone):
            if e.mu_star < threshold:
                break
            if e.factor.endswith(f".milestones.{milestone}.deadline_min") and m.assumed:
                continue
            f = screening.factor(e.factor)
            out.append(Reliance(f.path, f.label_zh, f.label_en, "mu_star", e.mu_star))
    return out
