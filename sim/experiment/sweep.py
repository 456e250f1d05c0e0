"""The sweep driver: design points × replications on an executor, to disk.

    study = Study(plan_file, scenario_file, design, reps=200, master=1)
    result = run_study(study, handle, out_dir)

The plan and scenario are read once, checked in full, and sent to the workers
as content (``inputs``); they are snapshotted into ``out_dir/inputs/`` and a
resumed sweep runs from that snapshot. Each finished task is written as its
own chunk file at once (``runner``); at the end the chunks are compacted into
``runs.parquet`` in (point, replication) order and the summary is computed in
the same pass. ``resume=True`` re-runs only the chunks whose files are
missing; ``Study.from_folder`` rebuilds a sweep's study from its folder alone.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..engine import params as P
from ..engine.scorecard import outcomes_from
from ..engine.version import MODEL_VERSION
from ..files import display
from ..spec.limits import MAX_REPLICATIONS, MAX_RUNS
from ..spec.problems import SpecError
from .columns import column_types, milestone_columns, outcome_columns
from .design import Design, DesignError, Factor
from .executors import Handle
from .inputs import Inputs
from .runner import Interrupted, Job, StudyError, open_study
from .seeding import check_master
from .summary import Summary
from .tasks import batch_size, make_tasks

__all__ = ["Interrupted", "Result", "Study", "run_study"]

SEEDING = "numpy.random.SeedSequence(master_seed, spawn_key=(rep,)), the same in every design point"


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
    inputs: Inputs | None = None  # read from the files when not given

    def __post_init__(self) -> None:
        if not 1 <= self.reps <= MAX_REPLICATIONS:
            raise DesignError(f"the number of replications must be within 1..{MAX_REPLICATIONS:,}")
        if len(self.design.points) * self.reps > MAX_RUNS:
            raise DesignError(
                f"{len(self.design.points):,} design points × {self.reps:,} replications is more than "
                f"{MAX_RUNS:,} runs in one sweep"
            )
        self.master = check_master(self.master)
        self.plan_file = Path(self.plan_file).resolve()
        self.scenario_file = Path(self.scenario_file).resolve()
        if self.inputs is None:
            self.inputs = Inputs.read(self.plan_file, self.scenario_file)

    @classmethod
    def from_folder(cls, out_dir: Path) -> Study:
        """The study of the sweep in ``out_dir`` (to resume it without restating its options)."""
        from .store import ChunkStore

        record = ChunkStore(Path(out_dir), {}).load_study()
        if record is None or record.get("kind", "sweep") != "sweep" or "points" not in record:
            raise StudyError(f"{display(out_dir)}: there is no sweep to resume (no chunks/study.json)")
        ident = record["identity"]
        factors = [
            Factor(**{**f, "values": tuple(f["values"]) if f["values"] is not None else None})
            for f in ident["design"]["factors"]
        ]
        design = Design(
            ident["design"]["kind"], factors, record["points"], ident["design"].get("sampler", {})
        )
        inputs = Inputs.from_snapshot(Path(out_dir), record["inputs"][""])
        snap = record["inputs"][""]
        return cls(
            Path(out_dir) / snap["plan"]["file"],
            Path(out_dir) / snap["scenario"]["file"],
            design,
            ident["reps"],
            ident["master_seed"],
            ident["policy"],
            ident["batch"],
            dict(record.get("extra", {})),
            inputs,
        )


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
    changed: list[str] = field(default_factory=list)  # files changed since the sweep began (resume)


def _loaded(study: Study) -> tuple[Any, Any]:
    assert study.inputs is not None
    return study.inputs.load()


def check_points(study: Study) -> None:
    """Apply every design point's overrides once in the driver: a bad path or
    value is reported before any work is sent out (SpecError)."""
    plan, scenario = _loaded(study)
    points = study.design.points
    sample = points if len(points) <= 256 else [*points[:128], *points[-128:]]
    for params in sample:
        try:
            P.apply(plan, scenario, params)
        except SpecError as exc:
            problems = [
                dataclasses.replace(p, file="--vary", message=f"{p.message} (at design point {params})")
                if p.file == "--set"
                else p
                for p in exc.problems
            ]
            raise SpecError(problems) from None


def _template_value(f: Factor) -> Any:
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


def template_row(study: Study, causes: bool = False) -> dict[str, Any]:
    plan, _ = _loaded(study)
    row: dict[str, Any] = {"point": 0, "master_seed": 0, "rep": 0, **study.extra}
    for f in study.design.factors:
        row[f.path] = _template_value(f)
    row.update(milestone_columns(plan, causes))
    row.update(outcome_columns({k: (None if k == "level" else v) for k, v in outcomes_from([]).items()}))
    return row


def identity(study: Study, batch: int) -> dict[str, Any]:
    """What a resumed sweep must share with the one it finishes (its inputs are
    the snapshot taken when it began)."""
    return {
        "design": study.design.to_json(),
        "points_hash": hashlib.sha256(
            json.dumps(study.design.points, sort_keys=True, default=str).encode()
        ).hexdigest(),
        "reps": study.reps,
        "master_seed": study.master,
        "policy": study.policy,
        "batch": batch,
        "model": MODEL_VERSION,  # rows from two versions of the model must not be mixed
    }


def _job(study: Study, batch: int) -> Job:
    assert study.inputs is not None

    def tasks(inputs: dict[str, Inputs]) -> list[Any]:
        return make_tasks(
            study.design.points, study.reps, batch, inputs[""], study.master, study.policy, extra=study.extra
        )

    return Job(
        "sweep",
        identity(study, batch),
        {"": study.inputs},
        tasks,
        column_types(template_row(study)),
        {"points": study.design.points, "extra": study.extra},
    )


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
    batch = study.batch or batch_size(study.reps, len(study.design.points), handle.workers)
    if resume:
        from .store import ChunkStore

        old = ChunkStore(out_dir, {}).load_study()
        if old is not None and "identity" in old and study.batch is None:
            batch = old["identity"].get("batch", batch)  # the first run's batching decides the chunks
    total = len(study.design.points) * study.reps
    with open_study(out_dir, _job(study, batch), resume) as run:
        if run.complete:  # resuming a finished sweep: nothing to run
            if progress:
                progress(total, total)
            return Result(
                out_dir,
                next(out_dir.glob("runs.*")),
                next(out_dir.glob("summary.*")),
                out_dir / "meta.json",
                total,
                0,
                run.record.get("chunks", 0),
                time.perf_counter() - started,
                run.changed,
            )
        run.run(handle, progress, stop_after)
        summary = Summary([f.path for f in study.design.factors])
        runs = run.compact(on_rows=summary.add)
        summary_path = summary.write(out_dir / "summary")
        plan, _ = run.inputs[""].load()
        meta = run.meta(
            handle,
            design=study.design.to_json(),
            points=study.design.points,
            reps=study.reps,
            master_seed=study.master,
            seeding=SEEDING,
            policy=study.policy,
            batch=batch,
            deadlines={m.id: m.deadline_min for _level, m in plan.all_milestones()},
            files_sha256={
                run.record["inputs"][""]["plan"]["file"]: run.record["inputs"][""]["plan"]["sha256"],
                run.record["inputs"][""]["scenario"]["file"]: run.record["inputs"][""]["scenario"]["sha256"],
            },
        )
        meta_path = out_dir / "meta.json"
        from .store import write_json

        write_json(meta_path, meta)
        run.finish(keep_chunks)
        return Result(
            out_dir,
            runs,
            summary_path,
            meta_path,
            total,
            run.chunks_run,
            run.chunks_skipped,
            time.perf_counter() - started,
            run.changed,
        )
