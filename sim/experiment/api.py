"""The Python API for sweeps and plan evaluations: what ``drill sweep`` and
``drill evaluate`` do, as two calls.

    from sim.experiment import run_sweep, run_evaluation, read_runs

    result = run_sweep(
        "group-visit-50", plan="city",
        vary={"teams.reception.on_duty": "1..8", "officials.leader.arrival_min.mean": "10,20,30"},
        reps=100, out="sweep-out",
    )
    runs = read_runs("sweep-out")        # pandas: met_* boolean, level ordered, times in *_min

    report = run_evaluation("city", scenarios=["group-visit-50"], reps=200, out="city-eval")
    for s in report.scenarios:
        for m in s.milestones:
            print(s.id, m.id, m.prop.text(), m.verdict)

Both write their output folder exactly as the commands do (``runs.parquet``,
``meta.json``, the inputs' snapshot, a lock while running) and accept
``resume=True`` to finish a killed run. Plans and scenarios are given by id or
path. Errors are the commands' own: ``SpecError`` for a bad file or
parameter, ``sim.errors.UserFacing`` subclasses (with a message for people)
for the rest.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from .design import make_design, parse_vary
from .evaluate import Report, evaluate, pick_scenarios, write_report
from .executors import open_executor
from .sweep import Result, Study, run_study

Progress = Callable[[int, int], None]


def run_sweep(
    scenario: str | Path,
    plan: str | Path | None = None,
    vary: Mapping[str, str] | None = None,
    reps: int = 100,
    out: str | Path = "sweep-out",
    design: str = "grid",
    points: int = 16,
    seed: int = 1,
    policy: str = "plan",
    executor: str = "local",
    resume: bool = False,
    plots: bool = False,
    target: float = 0.95,
    lang: str = "en",
    progress: Progress | None = None,
) -> Result:
    """Run ``scenario`` (on ``plan``, default: the scenario's own) over a design.

    ``vary``: dotted path -> spec, as ``--vary`` takes them (``"1..8"``,
    ``"1..8:2"``, ``"10,20,30"``, ``"10.0..40.0"``). ``design``: grid, lhs,
    sobol, salib-sobol or salib-morris (``points`` for the sampled ones).
    ``executor``: serial, local[:N] or dask[:tcp://host:port]. Replication r
    uses ``SeedSequence(seed, spawn_key=(r,))`` in every design point."""
    from ..spec import catalog
    from ..spec.loader import load_scenario_file

    scenario_file = catalog.scenario_path(scenario)
    plan_file = catalog.plan_path(plan or load_scenario_file(scenario_file)[0].default_plan)
    factors = [parse_vary(f"{path}={spec}") for path, spec in (vary or {}).items()]
    study = Study(plan_file, scenario_file, make_design(design, factors, points, seed), reps, seed, policy)
    with open_executor(executor) as handle:
        result = run_study(study, handle, Path(out), resume=resume, progress=progress)
    if plots:
        from .plots import sweep_plots

        sweep_plots(Path(out), target, lang)
    return result


def run_evaluation(
    plan: str | Path,
    scenarios: str | Sequence[str] = "all",
    reps: int = 200,
    out: str | Path | None = None,
    seed: int = 1,
    target: float = 0.9,
    policy: str = "plan",
    executor: str = "local",
    resume: bool = False,
    lang: str = "en",
    write: bool = True,
    progress: Progress | None = None,
) -> Report:
    """Evaluate ``plan``: per scenario and milestone, P(met) with its Wilson
    interval, times against the limit, a verdict and the bottleneck of misses.

    With ``out`` the replications are kept there (and ``resume`` finishes a
    killed evaluation); ``write`` also writes report.md, report.html and the
    figures into it."""
    from ..spec import catalog

    plan_file = catalog.plan_path(plan)
    spec = scenarios if isinstance(scenarios, str) else ",".join(scenarios)
    files = pick_scenarios(plan_file, spec)
    with open_executor(executor) as handle:
        report = evaluate(
            plan_file,
            files,
            reps,
            seed,
            policy,
            target,
            handle,
            progress=progress,
            out_dir=Path(out) if out is not None else None,
            resume=resume,
        )
    if out is not None and write:
        write_report(report, Path(out), lang)
    return report


def read_runs(out: str | Path, columns: list[str] | None = None) -> Any:
    """A finished sweep's or evaluation's runs as a pandas DataFrame."""
    from .store import read_runs as _read

    return _read(Path(out), columns)
