"""Counterfactuals: was a missed limit bad luck or a bad decision?

The drill is a seeded model, so the team's own decisions can be played again
in other situations drawn from the same scenario and set beside what the
plan-following policy and a passive response do in exactly those situations
(common random numbers: replication ``r`` uses ``replication_seed(seed, r)``
in all three arms). Per milestone this gives P(met) with Wilson intervals and
a paired test on the discordant replications (exact McNemar).

A team decision that cannot be taken in a replication (the group has already
left, nobody is on duty to do it) is recorded as refused there and skipped; the
rest go ahead.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from . import counterfactual_cache as C
from .counterfactual_runs import (
    ARMS,
    PARALLEL_FROM_RUNS,
    Rep,
    Runs,
    Variant,
    met_of,
    play_policy,
    play_script,
    workers_for,
)
from .engine import params as P
from .engine.drill import Drill
from .engine.milestones import MET, MISSED
from .engine.streams import replication_seed
from .journal import Journal, resolve_sources
from .replay import script_of
from .script import Script, Timed
from .stats import Paired, Proportion, mcnemar, proportion

# A verdict per milestone, used by the report's findings and by ``drill compare``.
LUCK = "luck"  # missed in the drill, but the team's decisions meet it in most situations
DECISION = "decision"  # missed; the plan-following response meets it in most situations
STAFFING = "staffing"  # missed in most situations whatever is done
MIXED = "mixed"  # missed; neither clearly a decision nor a staffing problem
MET_SOLID = "met"  # met in the drill and in most situations
MET_NARROW = "narrow"  # met in the drill, but missed in many situations or met close to the limit
NOT_RUN = "n/a"

MOST = 0.5  # "most replications"
PLAN_GOOD = 0.9  # the plan-following response meets it this often: a decision problem
NARROW = 0.75  # met in fewer replications than this: narrowly met
EARLIER_MIN = 15.0  # try a decision this much earlier when the plan never took it


# a journal's record: a decision or a facilitator action at a time (``.decision`` reads it)
TimedDecision = Timed


def decisions_of(journal: Journal) -> Script:
    """The journal's decisions and facilitator actions, as a script."""
    return script_of(journal)


def play_decisions(
    plan: Any, scenario: Any, seed: int | np.random.SeedSequence, script: Script
) -> tuple[Drill, list[int]]:
    """Play ``script`` and run to the horizon; returns the drill and the indices of
    the items refused in this replication."""
    return play_script(plan, scenario, seed, script)


def play_policy_logged(
    plan: Any,
    scenario: Any,
    seed: int | np.random.SeedSequence,
    policy: str,
    facilitation: Script | None = None,
) -> tuple[Drill, list[Timed]]:
    """``policy`` plays the drill, with the facilitator's actions replayed at their
    times (so it meets the same injects as the team); returns the decisions it took."""
    return play_policy(plan, scenario, seed, policy, facilitation)


def met_vector(drill: Drill) -> dict[str, bool | None]:
    """Met, not met, or not scored per milestone (``counterfactual_runs.met_of``)."""
    return met_of(drill.scorecard())


@dataclass
class MilestoneCompare:
    id: str
    label_zh: str
    label_en: str
    level: str | None
    deadline_min: float
    actual: str  # status in the team's own drill
    actual_after: float | None
    arms: dict[str, Proportion]
    vs_plan: Paired  # team against plan
    vs_passive: Paired  # team against passive
    plan_vs_passive: Paired
    verdict: str
    late_share: float  # share of the team-arm replications where it was met in the last quarter of its limit

    def label(self, lang: str) -> str:
        return self.label_zh if lang == "zh" else self.label_en


@dataclass
class CostlyDecision:
    index: int
    t: float
    decision: Any  # a Decision
    variant: str  # "removed" or "earlier"
    new_t: float | None
    gain: float  # milestones met per replication, on average, over the team's own decisions
    reps: int
    by_milestone: dict[str, float] = field(default_factory=dict)


@dataclass
class Comparison:
    journal: Journal
    reps: int
    milestones: list[MilestoneCompare]
    refused: list[tuple[int, float, str, int]]  # (index, t, kind, replications where refused)
    decisions: list[Timed]  # the team's decisions (not the facilitator's actions)
    costly: CostlyDecision | None
    mean_met: dict[str, float]
    seconds: float
    changes: list[str]
    actual_drill: Drill
    facilitation: Script = field(default_factory=lambda: Script(()))  # replayed in every arm

    def by_id(self) -> dict[str, MilestoneCompare]:
        return {m.id: m for m in self.milestones}


def _verdict(actual: str, team: Proportion, plan: Proportion, late_share: float) -> str:
    if actual == MISSED:
        if plan.n and plan.p >= PLAN_GOOD:
            return DECISION
        if plan.n and plan.p < MOST and team.n and team.p < MOST:
            return STAFFING
        if team.n and team.p >= MOST and plan.n and plan.p >= MOST:
            return LUCK if team.p >= plan.p - 0.1 else DECISION
        return MIXED
    if actual == MET:
        if (team.n and team.p < NARROW) or late_share >= 0.5:
            return MET_NARROW
        return MET_SOLID
    return NOT_RUN


def _late_share(lates: list[tuple[tuple[str, bool], ...]], mid: str) -> float:
    """Of the times ``mid`` was met, the share met in the last quarter of its limit."""
    flags = [late for reps in lates for m, late in reps if m == mid]
    return sum(flags) / len(flags) if flags else 0.0


def compare(
    journal: Journal,
    reps: int = 200,
    force: bool = False,
    costly_reps: int | None = None,
    progress: Any = None,
    workers: int | None = None,
    cache: bool | None = None,
) -> Comparison:
    """The team's decisions against ``plan`` and ``passive`` over ``reps`` replications.

    ``workers``: processes to play the replications in (default: ``DRILL_WORKERS``,
    else every core once the work is large enough to repay starting them). The
    replications and the sums over them are the same whatever the number.
    ``cache``: read the numbers back from, and keep them for, a later call asking
    for the same comparison (``counterfactual_cache``; default: when large enough
    to use workers, unless ``DRILL_CACHE=off``)."""
    started = time.perf_counter()
    plan, scenario, changes = resolve_sources(journal, force)
    plan, scenario = P.apply(plan, scenario, journal.header.get("params") or None)
    script = decisions_of(journal)
    # the team's decisions, by their place in the script (facilitator actions are not theirs)
    decision_at = [n for n, item in enumerate(script.items) if not item.facilitator]
    decisions = [script.items[n] for n in decision_at]
    index_of = {n: k for k, n in enumerate(decision_at)}
    facilitation = script.facilitation()
    # the search for the most costly decision replays every variant k times (at
    # most two per decision): counted in the progress total from the start
    k = min(reps, 50) if costly_reps is None else min(reps, costly_reps)
    searched = bool(k and decisions)
    runs_at_most = 3 * reps + 2 * k * len(decisions) if searched else 3 * reps
    kept_as = (
        C.key(plan, scenario, journal.seed, script, reps, k)
        if (cache if cache is not None else C.enabled() and runs_at_most >= PARALLEL_FROM_RUNS)
        else None
    )
    kept = C.load(kept_as) if kept_as is not None else None
    if kept is not None:
        actual, _ = play_decisions(plan, scenario, journal.seed, script)
        if progress is not None:
            progress(kept["total"], kept["total"])
        return Comparison(
            journal=journal,
            reps=reps,
            milestones=kept["milestones"],
            refused=kept["refused"],
            decisions=decisions,
            costly=kept["costly"],
            mean_met=kept["mean_met"],
            seconds=time.perf_counter() - started,
            changes=changes,
            actual_drill=actual,
            facilitation=facilitation,
        )
    n_workers = workers_for(workers, runs_at_most)
    runs = Runs(plan, scenario, journal.seed, n_workers)
    try:
        # the team's first k replications first: the search is paired with them
        team_first = runs.submit_team(script, range(k))
        arms_rest = runs.submit_arms(script, facilitation, reps, k)
        actual, _ = play_decisions(plan, scenario, journal.seed, script)
        actual_card = actual.scorecard()
        variants = _variants(plan, scenario, journal.seed, script, decision_at) if searched else []
        total = reps + k * len(variants)
        done = 0

        def tick(n: int) -> None:
            nonlocal done
            done += n
            if n and progress is not None:
                progress(done, total)

        team: list[Rep | None] = [None] * reps
        for r, arm_reps in runs.gather(team_first):
            team[r] = arm_reps["team"]
        baseline = [rep for rep in team[:k] if rep is not None]
        search = runs.submit_variants(variants, decision_at, baseline) if variants else None
        results: dict[str, list[dict[str, bool | None]]] = {a: [{} for _ in range(reps)] for a in ARMS}
        for r, arm_reps in runs.gather(arms_rest, lambda: tick(1)):
            for arm, rep in arm_reps.items():
                if arm == "team":
                    team[r] = rep
                results[arm][r] = rep.met
        for r, rep in enumerate(team):
            assert rep is not None
            results["team"][r] = rep.met
        rows = runs.variant_rows(search, baseline, tick) if search is not None else []
    finally:
        runs.close()

    refused_count = [0] * len(decisions)
    for rep in team:
        assert rep is not None
        for n in rep.refused:
            if n in index_of:
                refused_count[index_of[n]] += 1

    milestones = []
    for m in actual_card.milestones:
        series = {a: [v.get(m.id) for v in results[a]] for a in ARMS}
        props = {a: proportion(series[a]) for a in ARMS}
        late = _late_share([rep.late for rep in team if rep is not None], m.id)
        milestones.append(
            MilestoneCompare(
                id=m.id,
                label_zh=m.label_zh,
                label_en=m.label_en,
                level=m.level,
                deadline_min=m.deadline_min,
                actual=m.status,
                actual_after=m.after_min,
                arms=props,
                vs_plan=mcnemar(series["team"], series["plan"]),
                vs_passive=mcnemar(series["team"], series["passive"]),
                plan_vs_passive=mcnemar(series["plan"], series["passive"]),
                verdict=_verdict(m.status, props["team"], props["plan"], late),
                late_share=late,
            )
        )
    mean_met = {
        a: float(np.mean([sum(1 for v in row.values() if v) for row in results[a]])) if reps else 0.0
        for a in ARMS
    }
    refused_by = [(n, decisions[n].t, decisions[n].action.kind, c) for n, c in enumerate(refused_count) if c]
    costly = _pick_costly(decisions, results["team"][:k], variants, rows) if variants else None
    if kept_as is not None:
        C.store(
            kept_as,
            {
                "milestones": milestones,
                "refused": refused_by,
                "costly": costly,
                "mean_met": mean_met,
                "total": total,
            },
        )
    return Comparison(
        journal=journal,
        reps=reps,
        milestones=milestones,
        refused=refused_by,
        decisions=decisions,
        costly=costly,
        mean_met=mean_met,
        seconds=time.perf_counter() - started,
        changes=changes,
        actual_drill=actual,
        facilitation=facilitation,
    )


def _variants(plan: Any, scenario: Any, seed: int, script: Script, decision_at: list[int]) -> list[Variant]:
    """For each team decision (``k``, at ``decision_at[k]`` in the script): the script
    without it, and (if it came later than the plan-following response took it, at
    the journal's own seed and with the same injects) the script with it moved to
    that earlier time, or EARLIER_MIN minutes earlier."""
    _, plan_taken = play_policy_logged(plan, scenario, seed, "plan", script.facilitation())
    first_plan: dict[str, float] = {}
    first_plan_kind: dict[str, float] = {}
    for td in plan_taken:
        first_plan.setdefault(repr(td.action.to_dict()), td.t)
        first_plan_kind.setdefault(td.action.kind, td.t)
    out: list[Variant] = []
    for k, n in enumerate(decision_at):
        td = script.items[n]
        out.append((k, "removed", None, script.without(n)))
        when = first_plan.get(repr(td.action.to_dict()), first_plan_kind.get(td.action.kind))
        if when is None or when >= td.t - 1e-9:
            when = td.t - EARLIER_MIN if td.t - EARLIER_MIN >= 0 else None
        if when is None:
            continue
        out.append((k, "earlier", when, script.moved(n, when)))
    return out


def most_costly(
    plan: Any,
    scenario: Any,
    seed: int,
    decisions: list[Timed],
    baseline: list[dict[str, bool | None]],
    variants: list[tuple[int, str, float | None, Script]],
    progress: Callable[[int], None] | None = None,
) -> CostlyDecision | None:
    """The decision whose removal or earlier timing gains most milestones under CRN
    (every variant played in this process). ``progress(runs done)`` hears of each
    replication played."""
    rows: list[list[dict[str, bool | None]]] = []
    done = 0
    for _n, _variant, _new_t, seq in variants:
        rows.append([])
        for r in range(len(baseline)):
            drill, _ = play_decisions(plan, scenario, replication_seed(seed, r), seq)
            rows[-1].append(met_vector(drill))
            done += 1
            if progress is not None:
                progress(done)
    return _pick_costly(decisions, baseline, variants, rows)


def _pick_costly(
    decisions: list[Timed],
    baseline: list[dict[str, bool | None]],
    variants: list[tuple[int, str, float | None, Script]],
    rows: list[list[dict[str, bool | None]]],
) -> CostlyDecision | None:
    """Of the variants (each with its milestones met per replication, paired with
    ``baseline``), the first that gains most milestones on average."""
    reps = len(baseline)
    base_met = [sum(1 for v in row.values() if v) for row in baseline]
    best: CostlyDecision | None = None
    for (n, variant, new_t, _seq), variant_rows in zip(variants, rows, strict=True):
        gains = []
        per: dict[str, float] = {}
        for r, row in enumerate(variant_rows):
            gains.append(sum(1 for v in row.values() if v) - base_met[r])
            for mid, v in row.items():
                per[mid] = per.get(mid, 0.0) + (bool(v) - bool(baseline[r].get(mid))) / reps
        gain = float(np.mean(gains))
        if best is None or gain > best.gain + 1e-12:
            best = CostlyDecision(
                n,
                decisions[n].t,
                decisions[n].action,
                variant,
                new_t,
                gain,
                reps,
                {k: v for k, v in per.items() if abs(v) > 1e-12},
            )
    return best
