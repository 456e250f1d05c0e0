"""Running a study's tasks into an output folder: what sweeps and plan
evaluations share.

    with open_study(out_dir, job, resume) as study:
        if not study.complete:
            study.run(handle, progress)
            runs = study.compact(on_rows=summary.add)
            ...write summary and meta.json...
            study.finish()

- the folder is locked for the whole run (``lock``): a second study on it is refused;
- a new study snapshots its inputs into ``DIR/inputs/`` and records what must
  match on ``--resume`` (``study.json``); a resumed one runs from the snapshot,
  whatever has happened to the original files since (``changed`` says what);
- tasks go out through a bounded window and each finished task is written at
  once as its own chunk file (atomically), so a killed study loses at most the
  tasks in flight and ``--resume`` computes only the missing chunks;
- if a new study fails before any chunk is written, nothing is left behind.
"""

from __future__ import annotations

import contextlib
import os
import shutil
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import UserFacing
from ..files import display, make_folders, remove_folders
from .executors import Handle
from .inputs import SNAPSHOT, Inputs
from .lock import FolderLock
from .provenance import provenance
from .store import ChunkStore, write_json
from .tasks import Task, run_task


class StudyError(UserFacing):
    """An output folder that cannot take this study (holds another one, nothing to resume)."""


class WorkerLost(UserFacing):
    """A worker process died (killed, out of memory): the machine's failure, exit status 1."""

    exit_code = 1


class Interrupted(RuntimeError):
    """Raised by the ``stop_after`` test hook: the study stopped as if killed."""


@dataclass
class Job:
    """What a study is, independent of where it runs."""

    kind: str  # "sweep" or "evaluation"
    identity: dict[str, Any]  # what must match on --resume
    inputs: dict[str, Inputs]  # by tag ("" for a sweep, the scenario id in an evaluation)
    make_tasks: Callable[[dict[str, Inputs]], list[Task]]
    types: dict[str, str]  # column types of runs.parquet
    record: dict[str, Any] = field(default_factory=dict)  # also kept in study.json (to resume from)


def _differences(old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    return sorted(k for k in set(old) | set(new) if old.get(k) != new.get(k))


class Study:
    def __init__(self, out_dir: Path, job: Job, resume: bool):
        self.out_dir = Path(out_dir)
        self.job = job
        self.resume = resume
        self.store = ChunkStore(self.out_dir, job.types)
        self.inputs: dict[str, Inputs] = dict(job.inputs)
        self.changed: list[str] = []  # original files changed since the study began (resume)
        self.record: dict[str, Any] = {}
        self.new = False
        self.complete = False
        self.tasks: list[Task] = []
        self.chunks_run = 0
        self.chunks_skipped = 0
        self.created: list[Path] = []

    # --- start or resume ---------------------------------------------------------------

    def start(self) -> None:
        old = self.store.load_study()
        kind = self.job.kind
        if old is None:
            if self.resume:
                raise StudyError(
                    f"{display(self.out_dir)}: there is no {kind} to resume (no chunks/study.json)"
                )
            self.new = True
            snapshot = {tag: inputs.snapshot(self.out_dir, tag) for tag, inputs in self.inputs.items()}
            self.record = {"kind": kind, "identity": self.job.identity, "inputs": snapshot, **self.job.record}
            self.store.begin(self.record)
            return
        if not self.resume:
            raise StudyError(
                f"{display(self.out_dir)} already holds a {old.get('kind', 'sweep')}; "
                "use --resume to finish it, or another --out"
            )
        if old.get("kind", "sweep") != kind:
            raise StudyError(f"{display(self.out_dir)} holds a {old.get('kind')}, not a {kind}")
        differ = _differences(old.get("identity", {}), self.job.identity)
        if differ:
            raise StudyError(
                f"{display(self.out_dir)} holds a different {kind} ({', '.join(differ)} differ); "
                "cannot resume it with these options"
            )
        self.record = old
        self.store.types = old["types"]
        self.inputs = {tag: Inputs.from_snapshot(self.out_dir, rec) for tag, rec in old["inputs"].items()}
        for tag, given in self.job.inputs.items():
            used = self.inputs.get(tag)
            if used is None:
                continue
            for part in ("plan", "scenario"):
                if getattr(given, part).sha256 != getattr(used, part).sha256:
                    self.changed.append(
                        f"the {part} file {getattr(given, part).name} has changed since the {kind} began; "
                        f"it goes on with the copy in {SNAPSHOT}/"
                    )
        self.complete = bool(old.get("complete")) and (self.out_dir / "meta.json").exists()

    # --- running ------------------------------------------------------------------------

    def run(
        self,
        handle: Handle,
        progress: Callable[[int, int], None] | None = None,
        stop_after: int | None = None,
    ) -> None:
        self.store.clean()
        self.tasks = self.job.make_tasks(self.inputs)
        finished = self.store.done()
        todo = [t for t in self.tasks if t.chunk not in finished]
        self.chunks_skipped = len(self.tasks) - len(todo)
        total = sum(t.rep_stop - t.rep_start for t in self.tasks)
        done_reps = sum(t.rep_stop - t.rep_start for t in self.tasks if t.chunk in finished)
        if progress:
            progress(done_reps, total)
        window = max(2, 4 * handle.workers)
        pending: dict[Future[list[dict[str, Any]]], Task] = {}
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
                    try:
                        rows = fut.result()
                    except BrokenProcessPool:
                        raise WorkerLost(
                            "a worker process died (killed, or out of memory); what was finished is kept: "
                            "run the same command with --resume"
                        ) from None
                    self.store.write(task.chunk, rows)
                    self.chunks_run += 1
                    done_reps += len(rows)
                    if progress:
                        progress(done_reps, total)
                    if stop_after is not None and self.chunks_run >= stop_after:
                        raise Interrupted(f"stopped after {self.chunks_run} chunks")
        finally:
            for fut in pending:
                fut.cancel()

    def compact(self, on_rows: Callable[[list[dict[str, Any]]], None] | None = None) -> Path:
        return self.store.compact([t.chunk for t in self.tasks], on_rows=on_rows)

    def meta(self, handle: Handle, **more: Any) -> dict[str, Any]:
        """meta.json's common part: provenance, inputs (paths relative to the folder), run figures."""
        return {
            "kind": self.job.kind,
            **provenance(),
            "inputs": self.record.get("inputs", {}),
            "executor": handle.describe(),
            "rows": sum(t.rep_stop - t.rep_start for t in self.tasks),
            "chunks": len(self.tasks),
            "chunks_resumed": self.chunks_skipped,
            "complete": True,
            **more,
        }

    def finish(self, keep_chunks: bool = False) -> None:
        """Mark the study complete (a later --resume has nothing to do) and drop the chunks."""
        write_json(
            self.store.study_file(),
            {**self.record, "types": self.store.types, "complete": True, "chunks": len(self.tasks)},
        )
        if not keep_chunks:
            self.store.remove_chunks()
            with contextlib.suppress(OSError):
                (self.store.dir / "manifest.jsonl").unlink()

    # --- failing cleanly -----------------------------------------------------------------

    def has_results(self) -> bool:
        """Whether any chunk is on disk (a signal may land between a chunk's
        rename and its being counted: ask the disk, not the counter)."""
        try:
            return bool(self.store.done())
        except OSError:
            return False

    def discard(self) -> None:
        """A new study that failed before any result: leave nothing behind."""
        for path in (self.store.dir, self.out_dir / SNAPSHOT):
            shutil.rmtree(path, ignore_errors=True)


@contextlib.contextmanager
def open_study(out_dir: Path, job: Job, resume: bool) -> Iterator[Study]:
    out_dir = Path(out_dir)
    created = make_folders(out_dir)
    study = Study(out_dir, job, resume)
    lock = FolderLock(out_dir, job.kind)
    try:
        with lock:
            try:
                study.start()
                yield study
            except BaseException:
                if study.new and not study.has_results():
                    study.discard()
                raise
    except BaseException:
        if created and not study.has_results():  # a folder this study made: leave no trace of it
            with contextlib.suppress(OSError):
                os.unlink(lock.path)
            remove_folders(created)
        raise
