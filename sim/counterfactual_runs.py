"""Playing a comparison's replications, in this process or in worker processes.

A comparison plays the team's script, the plan-following and the passive
responses ``reps`` times, and every variant of the script (a decision removed or
moved earlier) ``k`` times, all under common random numbers. Each replication
is a pure function of (plan, scenario, seed, script), so they can be played in
any order and anywhere: the driver puts the results back in replication order
and every sum over them is the same whatever the number of workers.

Two kinds of variant replication are not played, because their drill is the
team's own, event for event:

- a variant without a decision that the team's drill refused in that
  replication (a refused decision changes nothing, not even the log);
- a variant whose script is the same as an earlier variant's (two equal
  decisions at the same time).
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Executor, Future
from dataclasses import dataclass
from typing import Any

from .engine.drill import Drill
from .engine.milestones import MET
from .engine.policies import make
from .engine.scorecard import Scorecard
from .engine.streams import replication_seed
from .experiment.executors import cpu_count, local_pool, terminate_workers
from .script import Refusal, Script, Timed
from .stats import outcome

ARMS = ("team", "plan", "passive")
PARALLEL_FROM_RUNS = 300  # fewer runs than this are played here: starting workers costs seconds
LATE = 0.75  # met in the last quarter of its limit

Row = dict[str, bool | None]  # milestone id -> met (None: neither met nor missed)
Variant = tuple[int, str, float | None, Script]


@dataclass(frozen=True)
class Rep:
    """What a comparison keeps of one replication of one arm."""

    met: Row
    refused: tuple[int, ...] = ()  # script items refused (the team arm)
    late: tuple[tuple[str, bool], ...] = ()  # per milestone met: met in the last quarter of its limit?


def met_of(card: Scorecard) -> Row:
    """Met, not met, or not scored per milestone; a milestone still open when the drill
    ended (undecided: censored) is not met, never dropped (``sim.stats.outcome``)."""
    return {m.id: outcome(m.status) for m in card.milestones}


def play_script(plan: Any, scenario: Any, seed: Any, script: Script) -> tuple[Drill, list[int]]:
    played = script.play(Drill(plan, scenario, seed), Refusal.RECORD)
    return played.drill, [r.index for r in played.refused]


def play_policy(
    plan: Any, scenario: Any, seed: Any, policy: str, facilitation: Script | None = None
) -> tuple[Drill, list[Timed]]:
    taken: list[Timed] = []
    played = (facilitation or Script(())).play(
        Drill(plan, scenario, seed),
        Refusal.IGNORE,
        policy=make(policy),
        on_decision=lambda t, d: taken.append(Timed(t, d)),
    )
    return played.drill, taken


def _team_rep(plan: Any, scenario: Any, seed: Any, script: Script) -> Rep:
    drill, refused = play_script(plan, scenario, seed, script)
    card = drill.scorecard()
    late = tuple(
        (m.id, m.after_min >= LATE * m.deadline_min)
        for m in card.milestones
        if m.status == MET and m.after_min is not None and m.deadline_min > 0
    )
    return Rep(met_of(card), tuple(refused), late)


# --- the tasks (module functions: a worker process imports them) -------------------------


def _play_arms(
    plan: Any,
    scenario: Any,
    seed: int,
    script: Script,
    facilitation: Script,
    reps: list[int],
    arms: tuple[str, ...],
) -> list[tuple[int, dict[str, Rep]]]:
    out = []
    for r in reps:
        s = replication_seed(seed, r)
        got: dict[str, Rep] = {}
        for arm in arms:
            if arm == "team":
                got[arm] = _team_rep(plan, scenario, s, script)
            else:
                drill, _ = play_policy(plan, scenario, s, arm, facilitation)
                got[arm] = Rep(met_of(drill.scorecard()))
        out.append((r, got))
    return out


def _play_variant(
    plan: Any, scenario: Any, seed: int, script: Script, reps: list[int]
) -> list[tuple[int, Row]]:
    out = []
    for r in reps:
        drill, _ = play_script(plan, scenario, replication_seed(seed, r), script)
        out.append((r, met_of(drill.scorecard())))
    return out


# --- the driver ---------------------------------------------------------------------------


class _Later(Executor):
    """In this process, each task when its result is first asked for (so progress
    is heard as the work is done, in the order it was submitted)."""

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        return _LaterFuture(lambda: fn(*args, **kwargs))


class _LaterFuture(Future[Any]):
    def __init__(self, run: Callable[[], Any]):
        super().__init__()
        self._run: Callable[[], Any] | None = run

    def result(self, timeout: float | None = None) -> Any:
        if self._run is not None:
            run, self._run = self._run, None
            try:
                self.set_result(run())
            except BaseException as exc:
                self.set_exception(exc)
        return super().result(timeout)


def workers_for(asked: int | None, runs: int) -> int:
    """``asked``, else ``DRILL_WORKERS``, else every core once there are enough runs."""
    if asked is not None:
        return max(1, asked)
    env = os.environ.get("DRILL_WORKERS", "").strip()
    if env:
        try:
            return max(1, int(env))
        except ValueError:
            raise ValueError(f"DRILL_WORKERS={env!r}: expected a number of worker processes") from None
    return cpu_count() if runs >= PARALLEL_FROM_RUNS else 1


@dataclass
class Search:
    """The variant replications asked for: per variant, its futures, or the
    variant it repeats, and the replications it shares with the team's drill."""

    futures: list[list[Future[list[tuple[int, Row]]]]]
    same_as: list[int | None]
    skipped: list[set[int]]


class Runs:
    def __init__(self, plan: Any, scenario: Any, seed: int, workers: int):
        self.plan, self.scenario, self.seed, self.workers = plan, scenario, seed, workers
        self.executor: Executor = _Later() if workers <= 1 else local_pool(workers)

    def close(self) -> None:
        if self.workers > 1:
            self.executor.shutdown(wait=False, cancel_futures=True)
            with contextlib.suppress(Exception):
                terminate_workers(self.executor)

    def _chunks(self, reps: Iterable[int], per_worker: int = 8) -> Iterator[list[int]]:
        """Replications in tasks: one at a time here; in workers, big enough to
        repay sending the plan and scenario, small enough to share out evenly."""
        reps = list(reps)
        size = 1 if self.workers <= 1 else max(1, min(10, len(reps) // (self.workers * per_worker) or 1))
        for i in range(0, len(reps), size):
            yield reps[i : i + size]

    def submit_team(self, script: Script, reps: range) -> list[Future[list[tuple[int, dict[str, Rep]]]]]:
        return [
            self.executor.submit(
                _play_arms, self.plan, self.scenario, self.seed, script, Script(()), chunk, ("team",)
            )
            for chunk in self._chunks(reps)
        ]

    def submit_arms(
        self, script: Script, facilitation: Script, reps: int, team_done: int
    ) -> list[Future[list[tuple[int, dict[str, Rep]]]]]:
        """Every arm of every replication (the team's from ``team_done`` on)."""
        args = (self.plan, self.scenario, self.seed, script, facilitation)
        return [
            self.executor.submit(_play_arms, *args, chunk, ARMS[1:] if chunk[0] < team_done else ARMS)
            for part in (range(min(team_done, reps)), range(team_done, reps))
            for chunk in self._chunks(part)
        ]

    @staticmethod
    def gather(
        futures: list[Future[list[tuple[int, Any]]]], each: Callable[[], None] | None = None
    ) -> Iterator[tuple[int, Any]]:
        for future in futures:
            for item in future.result():
                if each is not None:
                    each()
                yield item

    def submit_variants(self, variants: list[Variant], decision_at: list[int], baseline: list[Rep]) -> Search:
        seen: dict[tuple[Any, ...], int] = {}
        search = Search([], [], [])
        for v, (k, variant, _new_t, script) in enumerate(variants):
            key = tuple((i.t, repr(i.action.to_dict()), i.seat) for i in script.items)
            first = seen.setdefault(key, v)
            skip = (
                {r for r, rep in enumerate(baseline) if decision_at[k] in rep.refused}
                if variant == "removed"
                else set()
            )
            search.skipped.append(skip)
            search.same_as.append(None if first == v else first)
            todo = [r for r in range(len(baseline)) if r not in skip] if first == v else []
            search.futures.append(
                [
                    self.executor.submit(_play_variant, self.plan, self.scenario, self.seed, script, chunk)
                    for chunk in self._chunks(todo, per_worker=1)
                ]
            )
        return search

    def variant_rows(
        self, search: Search, baseline: list[Rep], tick: Callable[[int], None]
    ) -> list[list[Row]]:
        rows: list[list[Row]] = []
        for v, futures in enumerate(search.futures):
            first = search.same_as[v]
            if first is not None:
                rows.append(rows[first])
                tick(len(baseline))
                continue
            got: dict[int, Row] = {r: baseline[r].met for r in search.skipped[v]}
            tick(len(got))
            for r, row in self.gather(futures, lambda: tick(1)):
                got[r] = row
            rows.append([got[r] for r in range(len(baseline))])
        return rows
