"""Plan evaluation: which time limits can a unit keep, and with what probability?

For each scenario, independent replications of the drill (a terminating
simulation: no warm-up, each replication one outcome per milestone), judged by
``evaluation.judge`` with the statistics of ``sim.stats``; tables, figures and
the report in ``evaluation_output``; the static check in ``feasibility``.

A scenario decides its own limits: a limit whose clock starts within the
scenario's horizon but whose deadline falls after it would be undecided in every
slow replication. So each scenario's replications run on past its horizon up to
the latest deadline that can apply (``decision_horizon``: the horizon plus the
longest limit the drill scores), scoring only the milestones whose clock started
within the scenario's horizon; the output says the horizon was extended and to
when. A limit still open at the extended end is undecided within the drill.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..engine.version import MODEL_VERSION
from ..spec.limits import MAX_REPLICATIONS
from .columns import column_types, milestone_columns, outcome_columns
from .evaluation import MilestoneEval, Report, ScenarioEval, judge
from .evaluation_output import terminal_tables, write_report
from .executors import Handle
from .feasibility import fastest, static_check
from .horizon import decision_horizon
from .inputs import Inputs
from .runner import Job, StudyError, open_study
from .sweep import SEEDING
from .tasks import make_tasks, run_task

__all__ = [
    "MilestoneEval",
    "Report",
    "ScenarioEval",
    "decision_horizon",
    "evaluate",
    "fastest",
    "judge",
    "pick_scenarios",
    "static_check",
    "terminal_tables",
    "write_report",
]


def pick_scenarios(plan_file: Path, spec: str) -> list[Path]:
    from ..spec import catalog
    from ..spec.loader import load_plan_file, loadable_scenarios

    plan, _ = load_plan_file(Path(plan_file))
    if spec.strip() == "all":
        out = [path for _sid, path, scen in loadable_scenarios() if plan.id in scen.plans()]
        if not out:
            raise ValueError(f"no shipped scenario is written for plan {plan.id}; name some with --scenarios")
        return out
    ids = [s.strip() for s in spec.split(",") if s.strip()]
    if not ids:
        raise ValueError("--scenarios: give 'all' or scenario ids separated by commas")
    return [catalog.scenario_path(s) for s in ids]


def _template(plan: Any) -> dict[str, Any]:
    from ..engine.scorecard import outcomes_from

    row: dict[str, Any] = {"point": 0, "master_seed": 0, "rep": 0, "scenario": ""}
    row.update(milestone_columns(plan))
    row.update(outcome_columns({k: (None if k == "level" else v) for k, v in outcomes_from([]).items()}))
    return row


def evaluate(
    plan_file: Path,
    scenario_files: list[Path],
    reps: int,
    master: int,
    policy: str,
    target: float,
    handle: Handle,
    progress: Callable[[int, int], None] | None = None,
    batch: int = 20,
    out_dir: Path | None = None,
    resume: bool = False,
    stop_after: int | None = None,  # test hook: stop as if killed after this many chunks
    extend: bool = True,
    attribution_reps: int = 0,
) -> Report:
    """Evaluate the plan on each scenario. With ``out_dir`` the replications are
    kept there like a sweep's (``runs.parquet`` with a ``scenario`` column,
    ``meta.json``, the inputs' snapshot) and ``resume`` finishes a killed evaluation.
    ``extend``: run each scenario on to its ``decision_horizon`` (default).
    ``attribution_reps``: attribute each milestone's misses in the first that many
    replications by counterfactual (``attribution.attribute``, same seeds and horizon)."""
    if not 1 <= reps <= MAX_REPLICATIONS:
        raise StudyError(f"the number of replications must be within 1..{MAX_REPLICATIONS:,}")
    inputs = {}
    for sfile in scenario_files:
        content = Inputs.read(Path(plan_file), Path(sfile))
        _plan, scen = content.load()
        inputs[scen.id] = content
    order = list(inputs)
    horizons: dict[str, float] = {}
    for sid in order:
        p, scen = inputs[sid].load()
        horizons[sid] = decision_horizon(p, scen) if extend else float(scen.horizon_min)

    def tasks(given: dict[str, Inputs]) -> list[Any]:
        out: list[Any] = []
        for sid in order:
            out += make_tasks(
                [{}],
                reps,
                batch,
                given[sid],
                master,
                policy,
                extra={"scenario": sid},
                chunk_offset=len(out),
                horizon_min=horizons[sid],
            )
        return out

    plan, _ = inputs[order[0]].load()
    by_scenario: dict[str, list[dict[str, Any]]] = {sid: [] for sid in order}

    def keep(rows: list[dict[str, Any]]) -> None:
        for row in rows:
            by_scenario[row["scenario"]].append(row)

    if out_dir is None:
        from concurrent.futures import as_completed

        all_tasks = tasks(inputs)
        total = sum(t.rep_stop - t.rep_start for t in all_tasks)
        done = 0
        if progress:
            progress(0, total)
        by_chunk: dict[int, list[dict[str, Any]]] = {}
        futures = {handle.executor.submit(run_task, t): t for t in all_tasks}
        for fut in as_completed(futures):
            rows = fut.result()
            by_chunk[futures[fut].chunk] = rows
            done += len(rows)
            if progress:
                progress(done, total)
        for n in sorted(by_chunk):
            keep(by_chunk[n])
    else:
        job = Job(
            "evaluation",
            {
                "plan": plan.id,
                "scenarios": order,
                "reps": reps,
                "master_seed": master,
                "policy": policy,
                "batch": batch,
                "model": MODEL_VERSION,
                "horizons_min": horizons,
            },
            inputs,
            tasks,
            column_types(_template(plan)),
        )
        with open_study(Path(out_dir), job, resume) as run:
            if run.complete:
                from .store import read_rows

                keep(read_rows(Path(out_dir)))
            else:
                run.run(handle, progress, stop_after)
                run.compact(on_rows=keep)
                from .store import write_json

                write_json(
                    Path(out_dir) / "meta.json",
                    run.meta(
                        handle,
                        plan=plan.id,
                        scenarios=order,
                        reps=reps,
                        master_seed=master,
                        seeding=SEEDING,
                        policy=policy,
                        batch=batch,
                        deadlines={m.id: m.deadline_min for _level, m in plan.all_milestones()},
                        horizons_min=horizons,
                    ),
                )
                run.finish()
    results = []
    for sid in order:
        p, scenario = inputs[sid].load()
        causes = None
        missed = [
            m.id
            for _l, m in p.all_milestones()
            if any(r.get(f"status_{m.id}") == "missed" for r in by_scenario[sid])
        ]
        if attribution_reps and missed:
            from .attribution import attribute

            causes = attribute(
                p.id, sid, missed, range(min(reps, attribution_reps)), master=master, policy=policy,
                handle=handle, inputs=inputs[sid], horizon_min=horizons[sid],
            ).milestones  # fmt: skip
        results.append(
            ScenarioEval(
                scenario.id,
                {"zh": scenario.title.zh, "en": scenario.title.en},
                reps,
                judge(by_scenario[sid], p, scenario, target, causes),
                window_min=float(scenario.horizon_min),
                horizon_min=horizons[sid],
                wall_start=scenario.wall_start,
            )
        )
    return Report(plan.id, {"zh": plan.unit.zh, "en": plan.unit.en}, target, reps, master, policy, results)
