"""The unit of work sent to an executor: a batch of replications of one design point.

``run_task`` is a top-level function of plain data (file paths, a params dict,
a replication range), so any executor can pickle it. Plans and scenarios are
loaded from their files inside the worker and cached per process, keyed by
path, modification time and size, so a worker parses each file once.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Any

from ..engine import params as P
from ..engine.batch import flatten, play_policy
from .seeding import seed_columns, seed_of


@dataclass(frozen=True)
class Task:
    chunk: int  # position in the study's task list (also the chunk file's number)
    point: int  # design point
    params: dict[str, Any]
    rep_start: int
    rep_stop: int  # exclusive
    plan_file: str
    scenario_file: str
    master: int
    policy: str = "plan"
    causes: bool = False  # also attribute each missed milestone (plan evaluation)
    extra: dict[str, Any] = field(default_factory=dict)  # constant columns (e.g. scenario id)

    @property
    def reps(self) -> range:
        return range(self.rep_start, self.rep_stop)


_FILES: dict[tuple[str, str], tuple[tuple[int, int], Any]] = {}


def _load(kind: str, path: str) -> Any:
    from pathlib import Path

    from ..spec.loader import load_plan_file, load_scenario_file

    st = os.stat(path)
    stamp = (st.st_mtime_ns, st.st_size)
    hit = _FILES.get((kind, path))
    if hit is not None and hit[0] == stamp:
        return hit[1]
    if kind == "plan":
        obj = load_plan_file(Path(path))[0]
    else:
        obj = load_scenario_file(Path(path))[0]
    _FILES[(kind, path)] = (stamp, obj)
    return obj


def run_task(task: Task) -> list[dict[str, Any]]:
    plan = _load("plan", task.plan_file)
    scenario = _load("scenario", task.scenario_file)
    plan, scenario = P.apply(plan, scenario, task.params)
    rows = []
    for rep in task.reps:
        drill = play_policy(plan, scenario, seed_of(task.master, rep), task.policy)
        row: dict[str, Any] = {"point": task.point, **seed_columns(task.master, rep), **task.extra}
        row.update(task.params)
        out = flatten(drill)
        row.update(out)
        if task.causes:
            from .bottleneck import attribute

            row.update(attribute(drill, out))
        rows.append(row)
    return rows


def make_tasks(
    points: list[dict[str, Any]],
    reps: int,
    batch: int,
    plan_file: str,
    scenario_file: str,
    master: int,
    policy: str = "plan",
    causes: bool = False,
    extra: dict[str, Any] | None = None,
    rep_offset: int = 0,
    chunk_offset: int = 0,
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
                    plan_file,
                    scenario_file,
                    master,
                    policy,
                    causes,
                    dict(extra or {}),
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
