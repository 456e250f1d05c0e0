"""The sweep driver: design points × replications on an executor, to disk.

    study = Study(plan_file, scenario_file, design, reps=200, master=1)
    result = run_study(study, handle, out_dir)

Tasks (batches of replications of one design point) are submitted through a
bounded window, so neither the queue nor the results outgrow memory; each
finished task is written as its own chunk file at once. At the end the chunks
are compacted into ``runs.parquet`` in (point, replication) order and the
summary is computed in the same pass. ``resume=True`` re-runs only the chunks
whose files are missing.
"""

from __future__ import annotations

import hashlib
import json
import platform
import time
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, wait
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..engine import params as P
from ..engine.scorecard import outcomes_from
from ..engine.version import MODEL_VERSION
from .design import Design
from .executors import Handle
from .seeding import check_master
from .store import ChunkStore, column_types, write_json
from .summary import Summary
from .tasks import Task, batch_size, make_tasks, run_task


class Interrupted(RuntimeError):
    """Raised by the ``stop_after`` test hook: the sweep stopped as if killed."""


@dataclass
class Study:
    plan_file: Path
    scenario_file: Path
    design: Design
    reps: int
    master: int = 1
    policy: str = "plan"
    batch: int | None = None  # replications per task (default: from reps, points, workers)
    extra: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.reps < 1:
            raise ValueError("the number of replications must be >= 1")
        self.master = check_master(self.master)
        self.plan_file = Path(self.plan_file).resolve()
        self.scenario_file = Path(self.scenario_file).resolve()


@dataclass
class Result:
    out_dir: Path
    runs: Path
    summary: Path
    meta: Path
    rows: int
    chunks_run: int
    chunks_skipped: int
    seconds: float


def file_hash(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def package_version() -> str:
    try:
        from importlib.metadata import version

        return version("petition-drill")
    except Exception:  # pragma: no cover
        return "unknown"


def check_points(study: Study) -> None:
    """Apply every design point's overrides once in the driver: a bad path or
    value is reported before any work is sent out (SpecError)."""
    from .tasks import _load

    plan = _load("plan", str(study.plan_file))
    scenario = _load("scenario", str(study.scenario_file))
    points = study.design.points
    sample = points if len(points) <= 256 else [*points[:128], *points[-128:]]
    import dataclasses

    from ..spec.problems import SpecError

    for params in sample:
        try:
            P.apply(plan, scenario, params)
        except SpecError as exc:
            shown = {k: v for k, v in params.items()}
            problems = [
                dataclasses.replace(p, file="--vary", message=f"{p.message} (at design point {shown})")
                if p.file == "--set"
                else p
                for p in exc.problems
            ]
            raise SpecError(problems) from None


def _template_value(f: Any) -> Any:
    """A value of the factor's column type: int, float, bool or text."""
    if f.values is None:
        return 0 if f.integer else 0.0
    if all(isinstance(v, bool) for v in f.values):
        return False
    if all(isinstance(v, int) and not isinstance(v, bool) for v in f.values):
        return 0
    if all(isinstance(v, int | float) and not isinstance(v, bool) for v in f.values):
        return 0.0
    return ""


def template_row(study: Study) -> dict[str, Any]:
    from .tasks import _load

    plan = _load("plan", str(study.plan_file))
    row: dict[str, Any] = {"point": 0, "master_seed": 0, "rep": 0, **study.extra}
    for f in study.design.factors:
        row[f.path] = _template_value(f)
    for _level, m in plan.all_milestones():
        row[f"met_{m.id}"] = None
        row[f"t_{m.id}"] = None
    for key, value in outcomes_from([]).items():
        row[key] = "" if key == "level" else value
    return row


def identity(study: Study, batch: int) -> dict[str, Any]:
    return {
        "design": study.design.to_json(),
        "points_hash": hashlib.sha256(
            json.dumps(study.design.points, sort_keys=True, default=str).encode()
        ).hexdigest(),
        "reps": study.reps,
        "master_seed": study.master,
        "policy": study.policy,
        "batch": batch,
        "plan_sha256": file_hash(study.plan_file),
        "scenario_sha256": file_hash(study.scenario_file),
        "model": MODEL_VERSION,  # rows from two versions of the model must not be mixed
    }


def run_study(
    study: Study,
    handle: Handle,
    out_dir: Path,
    resume: bool = False,
    progress: Callable[[int, int], None] | None = None,
    stop_after: int | None = None,
    keep_chunks: bool = False,
) -> Result:
    """Run (or finish) a study into ``out_dir``. ``progress(done_reps, total_reps)``."""
    started = time.perf_counter()
    out_dir = Path(out_dir)
    check_points(study)
    out_dir.mkdir(parents=True, exist_ok=True)
    batch = study.batch or batch_size(study.reps, len(study.design.points), handle.workers)
    ident = identity(study, batch)
    store = ChunkStore(out_dir, column_types(template_row(study)))
    store.start({"identity": ident}, resume)
    study_json = json.loads(store.study_file().read_text(encoding="utf-8"))
    batch = study_json["identity"]["batch"]
    if study_json.get("complete") and (out_dir / "meta.json").exists():
        # resuming a finished sweep: nothing to run (its chunks were compacted away)
        total = len(study.design.points) * study.reps
        if progress:
            progress(total, total)
        runs = next(out_dir.glob("runs.*"))
        summary_path = next(out_dir.glob("summary.*"))
        return Result(
            out_dir,
            runs,
            summary_path,
            out_dir / "meta.json",
            total,
            0,
            study_json.get("chunks", 0),
            time.perf_counter() - started,
        )
    tasks = make_tasks(
        study.design.points,
        study.reps,
        batch,
        str(study.plan_file),
        str(study.scenario_file),
        study.master,
        study.policy,
        extra=study.extra,
    )
    finished = store.done()
    todo = [t for t in tasks if t.chunk not in finished]
    total = len(study.design.points) * study.reps
    done_reps = sum(t.rep_stop - t.rep_start for t in tasks if t.chunk in finished)
    if progress:
        progress(done_reps, total)
    written = 0
    window = max(2, 4 * handle.workers)
    pending: dict[Future, Task] = {}
    queue = iter(todo)
    try:
        while True:
            while len(pending) < window:
                task = next(queue, None)
                if task is None:
                    break
                pending[handle.executor.submit(run_task, task)] = task
            if not pending:
                break
            ready, _ = wait(list(pending), return_when=FIRST_COMPLETED)
            for fut in ready:
                task = pending.pop(fut)
                rows = fut.result()
                store.write(task.chunk, rows)
                written += 1
                done_reps += len(rows)
                if progress:
                    progress(done_reps, total)
                if stop_after is not None and written >= stop_after:
                    raise Interrupted(f"stopped after {written} chunks")
    finally:
        for fut in pending:
            fut.cancel()
    summary = Summary([f.path for f in study.design.factors])
    runs = store.compact([t.chunk for t in tasks], on_rows=summary.add)
    summary_path = summary.write(out_dir / "summary")
    meta = {
        "tool": "petition-drill",
        "version": package_version(),
        "model": MODEL_VERSION,
        "python": platform.python_version(),
        "numpy": __import__("numpy").__version__,
        "created": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "plan_file": str(study.plan_file),
        "scenario_file": str(study.scenario_file),
        "files_sha256": {
            str(study.plan_file): ident["plan_sha256"],
            str(study.scenario_file): ident["scenario_sha256"],
        },
        "design": study.design.to_json(),
        "points": study.design.points,
        "reps": study.reps,
        "master_seed": study.master,
        "seeding": "numpy.random.SeedSequence(master_seed, spawn_key=(rep,)), the same in every design point",
        "policy": study.policy,
        "batch": batch,
        "executor": handle.describe(),
        "rows": total,
        "chunks": len(tasks),
        "chunks_resumed": len(tasks) - len(todo),
        "complete": True,
    }
    from .tasks import _load

    plan = _load("plan", str(study.plan_file))
    meta["deadlines"] = {m.id: m.deadline_min for _level, m in plan.all_milestones()}
    meta_path = out_dir / "meta.json"
    write_json(meta_path, meta)
    write_json(store.study_file(), {**study_json, "complete": True, "chunks": len(tasks)})
    if not keep_chunks:
        store.remove_chunks()
    return Result(
        out_dir,
        runs,
        summary_path,
        meta_path,
        total,
        written,
        len(tasks) - len(todo),
        time.perf_counter() - started,
    )
