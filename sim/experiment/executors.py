"""Executors behind ``concurrent.futures.Executor``, named by a URI.

    serial                    in this process, one batch after another
    local | local:N           a process pool of N workers (default: all cores)
    dask | dask:tcp://h:p     a dask.distributed client's executor; without an
                              address, a LocalCluster on this machine

Dask is imported only when asked for. Everything else (designs, seeds,
aggregation) stays in the driver, so results never depend on the executor.
"""

from __future__ import annotations

import os
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from typing import Any


class ExecutorError(ValueError):
    """A bad executor URI or an unreachable cluster (one line for the user)."""


class SerialExecutor(Executor):
    """Runs each task at submit time: the reference every other executor must match."""

    def submit(self, fn, /, *args, **kwargs):  # type: ignore[no-untyped-def, override]
        future: Future = Future()
        try:
            future.set_result(fn(*args, **kwargs))
        except BaseException as exc:
            future.set_exception(exc)
        return future


@dataclass
class Handle:
    uri: str
    executor: Executor
    workers: int
    _close: list[Any] = field(default_factory=list)

    def describe(self) -> dict[str, Any]:
        return {"uri": self.uri, "workers": self.workers}

    def close(self) -> None:
        self.executor.shutdown(wait=True)
        for thing in self._close:
            try:
                thing.close()
            except Exception:
                pass

    def __enter__(self) -> Handle:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def cpu_count() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1


def open_executor(uri: str | None = None, dask_cluster_kwargs: dict[str, Any] | None = None) -> Handle:
    uri = (uri or "local").strip()
    kind, _, arg = uri.partition(":")
    if kind == "serial":
        if arg:
            raise ExecutorError(f"executor {uri!r}: 'serial' takes no argument")
        return Handle("serial", SerialExecutor(), 1)
    if kind == "local":
        if arg:
            try:
                n = int(arg)
            except ValueError:
                raise ExecutorError(
                    f"executor {uri!r}: expected local:N with N a number of workers"
                ) from None
            if n < 1:
                raise ExecutorError(f"executor {uri!r}: needs at least one worker")
        else:
            n = cpu_count()
        return Handle(f"local:{n}", ProcessPoolExecutor(max_workers=n), n)
    if kind == "dask":
        return _dask(uri, arg, dask_cluster_kwargs or {})
    raise ExecutorError(f"unknown executor {uri!r} (use serial, local[:N] or dask[:tcp://host:port])")


def _dask(uri: str, address: str, cluster_kwargs: dict[str, Any]) -> Handle:
    try:
        from distributed import Client, LocalCluster
    except ImportError:
        raise ExecutorError(
            "the dask executor needs dask.distributed (pip install 'petition-drill[dask]')"
        ) from None
    closers: list[Any] = []
    if address:
        try:
            client = Client(address, timeout="5s")
        except Exception as exc:
            raise ExecutorError(f"cannot reach the dask scheduler at {address}: {exc}") from None
    else:
        kwargs = {"n_workers": cpu_count(), "threads_per_worker": 1, "dashboard_address": None}
        kwargs.update(cluster_kwargs)
        cluster = LocalCluster(**kwargs)
        client = Client(cluster)
        closers.append(cluster)
    closers.insert(0, client)
    workers = sum(w.get("nthreads", 1) for w in client.scheduler_info().get("workers", {}).values()) or 1
    return Handle(uri, client.get_executor(), workers, closers)
