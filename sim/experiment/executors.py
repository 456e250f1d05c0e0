"""Executors behind ``concurrent.futures.Executor``, named by a URI.

    serial                    in this process, one batch after another
    local | local:N           a process pool of N workers (default: all cores;
                              at most ``max_local_workers()``)
    dask | dask:tcp://h:p     a dask.distributed client's executor; without an
                              address, a LocalCluster on this machine

Dask is imported only when asked for. Everything else (designs, seeds,
aggregation) stays in the driver, so results never depend on the executor.

No worker outlives its driver. Local workers are started fresh (``spawn``),
ask the kernel to kill them when the driver dies (``PR_SET_PDEATHSIG`` on
Linux; elsewhere a thread that watches the driver), and ignore Ctrl-C, which
the driver handles; when the driver stops early — an error, Ctrl-C, SIGTERM,
the terminal closing — the pool is shut down and its workers terminated
before the command returns.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import signal
import sys
import threading
from collections.abc import Callable
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from ..errors import UserFacing

PR_SET_PDEATHSIG = 1


class ExecutorError(UserFacing, ValueError):
    """A bad executor URI or an unreachable cluster (one line for the user)."""


class SerialExecutor(Executor):
    """Runs each task at submit time: the reference every other executor must match."""

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        future: Future[Any] = Future()
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

    def close(self, abort: bool = False) -> None:
        """Shut the executor down: wait for its work, or (``abort``) cancel what is
        queued and terminate the worker processes at once."""
        if abort:
            self.executor.shutdown(wait=False, cancel_futures=True)
            terminate_workers(self.executor)
        else:
            self.executor.shutdown(wait=True)
        for thing in self._close:
            with contextlib.suppress(Exception):
                thing.close()

    def __enter__(self) -> Handle:
        return self

    def __exit__(self, kind: object, *exc: object) -> None:
        self.close(abort=kind is not None)


def terminate_workers(executor: Executor) -> None:
    processes = list((getattr(executor, "_processes", None) or {}).values())
    for proc in processes:
        with contextlib.suppress(Exception):
            proc.terminate()
    for proc in processes:
        with contextlib.suppress(Exception):
            proc.join(timeout=10)
            if proc.is_alive():
                proc.kill()
                proc.join(timeout=10)


def cpu_count() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1


def max_local_workers() -> int:
    """More processes than this only compete for the same cores (and memory)."""
    return max(4, 4 * cpu_count())


# --- the local pool's workers ------------------------------------------------------------


def _die_with(parent: int) -> None:
    """Worker initializer: end this process when the driver ``parent`` ends."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the driver's to handle
    armed = False
    if sys.platform.startswith("linux"):
        try:
            import ctypes

            libc = ctypes.CDLL(None, use_errno=True)
            armed = libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) == 0
        except (OSError, AttributeError):
            armed = False
    if os.getppid() != parent:  # the driver died before the signal was armed
        os._exit(1)
    if not armed:
        threading.Thread(target=_watch, args=(parent,), daemon=True).start()


def _watch(parent: int) -> None:  # pragma: no cover - only where prctl is missing
    import time

    while os.getppid() == parent:
        time.sleep(1.0)
    os._exit(1)


def local_pool(workers: int) -> ProcessPoolExecutor:
    context = multiprocessing.get_context("spawn")
    return ProcessPoolExecutor(
        max_workers=workers, mp_context=context, initializer=_die_with, initargs=(os.getpid(),)
    )


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
            top = max_local_workers()
            if n > top:
                raise ExecutorError(
                    f"executor {uri!r}: at most {top} local worker processes on this machine "
                    f"({cpu_count()} cores); for more, run a dask cluster (dask:tcp://host:port)"
                )
        else:
            n = cpu_count()
        return Handle(f"local:{n}", local_pool(n), n)
    if kind == "dask":
        return _dask(uri, arg, dask_cluster_kwargs or {})
    raise ExecutorError(f"unknown executor {uri!r} (use serial, local[:N] or dask[:tcp://host:port])")


def _dask(uri: str, address: str, cluster_kwargs: dict[str, Any]) -> Handle:
    try:
        import distributed
    except ImportError:
        raise ExecutorError(
            "the dask executor needs dask.distributed (pip install 'petition-drill[dask]')"
        ) from None
    Client, LocalCluster = distributed.Client, distributed.LocalCluster
    closers: list[Any] = []
    if address:
        try:
            client = Client(address, timeout="10s")  # type: ignore[no-untyped-call, unused-ignore]
        except Exception as exc:
            raise ExecutorError(f"cannot reach the dask scheduler at {address}: {exc}") from None
    else:
        kwargs = {"n_workers": cpu_count(), "threads_per_worker": 1, "dashboard_address": None}
        kwargs.update(cluster_kwargs)
        cluster = LocalCluster(**kwargs)  # type: ignore[no-untyped-call, unused-ignore]
        client = Client(cluster)  # type: ignore[no-untyped-call, unused-ignore]
        closers.append(cluster)
    closers.insert(0, client)
    workers = sum(w.get("nthreads", 1) for w in client.scheduler_info().get("workers", {}).values()) or 1
    return Handle(uri, client.get_executor(), workers, closers)  # type: ignore[no-untyped-call, unused-ignore]
