"""The unit of work sent to an executor: a batch of replications of one design point.

A ``Task`` is plain, picklable data that carries what it runs — the plan and
the scenario as content with their SHA-256 (``inputs.Inputs``), never a path
to be read on the worker — and the versions it must be run with. The worker
checks both on arrival: a worker with another model version, or content that
does not match its hash, refuses instead of computing other numbers.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..engine import params as P
from ..engine.batch import flatten_card, play_policy
from ..engine.version import MODEL_VERSION
from ..errors import UserFacing
from .columns import outcome_columns, status_columns
from .inputs import Inputs
from .seeding import seed_columns, seed_of


class WorkerMismatch(UserFacing):
    """A worker that runs another version of the model than the driver."""


@dataclass(frozen=True)
class Task:
    chunk: int  # position in the study's task list (also the chunk file's number)
    point: int  # design point
    params: dict[str, Any]
    rep_start: int
    rep_stop: int  # exclusive
    inputs: Inputs
    master: int
    policy: str = "plan"
    extra: dict[str, Any] = field(default_factory=dict)  # constant columns (e.g. scenario id)
    model: int = MODEL_VERSION  # the driver's model version
    horizon_min: float | None = None  # run on past the scenario's horizon (until its limits are decided)

    @property
    def reps(self) -> range:
        return range(self.rep_start, self.rep_stop)


def run_task(task: Task) -> list[dict[str, Any]]:
    """The rows of one task (runs on a worker)."""
    if task.model != MODEL_VERSION:
        raise WorkerMismatch(
            f"a worker runs model version {MODEL_VERSION}, the driver version {task.model}: "
            "install the same version of petition-drill on every worker"
        )
    plan, scenario = task.inputs.load()
    plan, scenario = P.apply(plan, scenario, task.params)
    rows = []
    for rep in task.reps:
        drill = play_policy(plan, scenario, seed_of(task.master, rep), task.policy, task.horizon_min)
        row: dict[str, Any] = {"point": task.point, **seed_columns(task.master, rep), **task.extra}
        row.update(task.params)
        card = drill.scorecard()
        flat = flatten_card(card)
        row.update(outcome_columns(flat))
        status = status_columns(card, drill.horizon, drill.window_min)
        row.update(status)
        rows.append(row)
    return rows


def make_tasks(
    points: list[dict[str, Any]],
    reps: int,
    batch: int,
    inputs: Inputs,
    master: int,
    policy: str = "plan",
    extra: dict[str, Any] | None = None,
    rep_offset: int = 0,
    chunk_offset: int = 0,
    horizon_min: float | None = None,
) -> list[Task]:
    """Tasks in (point, replication) order; chunk numbers follow that order."""
    tasks = []
    n = chunk_offset
    for i, params in enumerate(points):
        for start in range(rep_offset, rep_offset + reps, batch):
            stop = min(start + batch, rep_offset + reps)
            tasks.append(
                Task(
                    n,
                    i,
                    dict(params),
                    start,
                    stop,
                    inputs,
                    master,
                    policy,
                    dict(extra or {}),
                    horizon_min=horizon_min,
                )
            )
            n += 1
    return tasks


def batch_size(reps: int, points: int, workers: int) -> int:
    """Replications per task: about a second of work (a few for large sweeps), and
    enough tasks to keep every worker busy."""
    per_worker = max(1, (reps * points) // max(1, 4 * workers))
    cap = 25 if reps * points < 20_000 else 100  # fewer, longer tasks for large sweeps
    return max(1, min(reps, cap, per_worker))
