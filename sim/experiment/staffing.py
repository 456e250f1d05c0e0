"""The smallest on-duty staffing for which every target milestone's P(met)
reaches a target, decided with a guaranteed false-pass rate.

Staffing here is each searched team's ``on_duty`` count; everyone else is
called in at the plan's own call-in times (the plan policy). Candidates are
compared on common random numbers: replication r has the same seed for every
candidate. Replications run on past the scenario's horizon until its limits are
decided (``horizon.decision_horizon``).

Each candidate is assessed at planned looks, ``step`` replications apart, up to
``max_reps``, by ``sim.stats.sequential.SequentialRule``: one-sided error
0.025 spent over the looks (O'Brien–Fleming type), exact bounds at each look's
share. It passes when every target milestone passes, fails when one fails, and
is *undecided* when the last look decides neither. A candidate whose true P(met)
is at the target passes with probability at most 0.025, however many looks.

The target set is printed, and so is every milestone left out of it with its
reason: it never applied; it is not a limit the drill scores (beyond, untimed);
it is the system's step (``controllable: false``), which staffing the team
cannot change; or at full staffing of the searched roles it fails (staffing
these roles cannot fix it) or stays undecided.

Search: (1) assess full staffing of every searched role (every milestone on its
own, to the last look if need be) to fix the target set;
(2) for each role, a binary search for its smallest count with the others full
(a lower bound, assuming more staff never hurts); (3) from those bounds, add
one person at a time where it helps the worst milestone most until the whole
combination passes.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import UserFacing
from ..fairness import is_system
from ..stats import Counts, Proportion
from ..stats.sequential import ALPHA, Decision, SequentialRule
from .columns import counts
from .executors import Handle
from .horizon import decision_horizon
from .inputs import Inputs
from .tasks import make_tasks, run_task

PASS, FAIL, UNDECIDED = Decision.PASS, Decision.FAIL, Decision.UNDECIDED


class StaffingError(UserFacing, ValueError):
    pass


@dataclass
class Assessment:
    staffing: dict[str, int]
    reps: int
    verdict: Decision
    counts: dict[str, Counts]
    decisions: dict[str, Decision]
    worst: str | None

    @property
    def props(self) -> dict[str, Proportion]:
        """P(met) per milestone, undecided counted as not met."""
        return {m: c.proportion() for m, c in self.counts.items()}

    def worst_text(self) -> str:
        if self.worst is None:
            return ""
        return f"{self.worst} {self.props[self.worst].text()}"


@dataclass
class StaffResult:
    plan_id: str
    scenario_id: str
    target: float
    roles: list[str]
    plan_staffing: dict[str, int]
    sizes: dict[str, int]
    answer: dict[str, int] | None
    final: Assessment | None
    unreachable: dict[str, Proportion]
    not_applicable: list[str]
    evidence: list[Assessment] = field(default_factory=list)
    targets: list[str] = field(default_factory=list)
    excluded: dict[str, str] = field(default_factory=dict)  # milestone -> why it is not a target (en)
    excluded_zh: dict[str, str] = field(default_factory=dict)
    window_min: float = 0.0
    horizon_min: float = 0.0
    rule: SequentialRule | None = None


def default_roles(plan: Any) -> list[str]:
    """Teams some level of the plan calls in, in plan order."""
    called = set()
    for level in plan.levels.values():
        for action in level.actions:
            if getattr(action, "do", None) == "call_in":
                called.add(action.team)
    return [t for t in plan.teams if t in called]


class _Assessor:
    def __init__(
        self,
        inputs: Inputs,
        handle: Handle,
        master: int,
        policy: str,
        rule: SequentialRule,
        milestones: list[str],
        horizon_min: float | None = None,
    ):
        self.inputs = inputs
        self.handle = handle
        self.master = master
        self.policy = policy
        self.rule = rule
        self.milestones = milestones
        self.horizon_min = horizon_min
        self.rows: dict[tuple[tuple[str, int], ...], list[dict[str, Any]]] = {}
        self.cache: dict[tuple[tuple[str, int], ...], Assessment] = {}
        self.evidence: list[Assessment] = []

    def _more(self, key: tuple[tuple[str, int], ...], n: int) -> None:
        rows = self.rows.setdefault(key, [])
        params = {f"teams.{role}.on_duty": count for role, count in key}
        per = max(1, math.ceil(n / max(1, self.handle.workers)))
        tasks = make_tasks(
            [params],
            n,
            per,
            self.inputs,
            self.master,
            self.policy,
            rep_offset=len(rows),
            horizon_min=self.horizon_min,
        )
        futures = [self.handle.executor.submit(run_task, t) for t in tasks]
        for fut in futures:  # in replication order
            rows.extend(fut.result())

    def assess(self, staffing: dict[str, int], each: bool = False) -> Assessment:
        """At each planned look: pass, fail or go on (``SequentialRule``).
        ``each``: go on until every milestone on its own is decided (or the last look)."""
        key = tuple(sorted(staffing.items()))
        if key in self.cache:
            return self.cache[key]
        for look in self.rule.looks:
            have = len(self.rows.get(key, []))
            if have < look:
                self._more(key, look - have)
            rows = self.rows[key][:look]
            by = {m: counts(rows, m) for m in self.milestones}
            decisions = {m: self.rule.judge(c, look) for m, c in by.items()}
            final = look >= self.rule.looks[-1]
            live = {m: c.proportion() for m, c in by.items() if c.n}
            worst = min(live, key=lambda m: (live[m].low, live[m].p)) if live else None
            if each and not final and any(d is Decision.CONTINUE for d in decisions.values()):
                continue
            verdict = self.rule.combine(list(decisions.values()), final)
            if verdict is Decision.CONTINUE:
                continue
            a = Assessment(dict(staffing), look, verdict, by, decisions, worst)
            self.cache[key] = a
            self.evidence.append(a)
            return a
        raise AssertionError("the last look always decides")  # pragma: no cover


def search(
    plan_file: Path,
    scenario_file: Path,
    target: float,
    roles: list[str] | None,
    handle: Handle,
    max_reps: int = 400,
    step: int = 40,
    master: int = 1,
    policy: str = "plan",
    log: Callable[[str], None] | None = None,
    lang: str = "en",
    extend: bool = True,
) -> StaffResult:
    assessor_inputs = Inputs.read(Path(plan_file), Path(scenario_file))
    plan, scenario = assessor_inputs.load()
    roles = roles or default_roles(plan)
    unknown = [r for r in roles if r not in plan.teams]
    if unknown:
        raise StaffingError(
            f"--roles: no team {', '.join(unknown)} in plan {plan.id} (have: {', '.join(plan.teams)})"
        )
    if not roles:
        raise StaffingError(f"plan {plan.id} calls in no team; name the teams with --roles")
    sizes = {r: plan.teams[r].size_people for r in roles}
    say = log or (lambda _line: None)
    zh = lang == "zh"
    rule = SequentialRule.planned(target, step, max_reps, ALPHA)
    horizon = decision_horizon(plan, scenario) if extend else float(scenario.horizon_min)
    excluded: dict[str, tuple[str, str]] = {}  # milestone -> (zh, en) reason
    candidates = []
    for _level, m in plan.all_milestones():
        if m.measure.kind == "beyond_model":
            excluded[m.id] = (
                "超出推演（以天计的时限），推演不评分",
                "beyond the drill (a limit in days): not scored",
            )
        elif is_system(m, plan):
            excluded[m.id] = (
                "系统环节：本组人员配置无法改变",
                "the system's step: the team's staffing cannot change it",
            )
        else:
            candidates.append(m.id)
    assessor = _Assessor(assessor_inputs, handle, master, policy, rule, candidates, horizon)
    if horizon > scenario.horizon_min + 1e-9:
        say(
            f"推演延长至 {horizon:g} 分（情景 {scenario.horizon_min:g} 分），以判定情景内开始计时的时限"
            if zh
            else f"Replications run to {horizon:g} min (the scenario's horizon is {scenario.horizon_min:g} min) "
            "so that limits whose clock starts within it are decided"
        )
    say(
        f"判定规则：每 {step} 次重复查看一次，最多 {max_reps} 次；单侧误差 {ALPHA:g} 按 O'Brien–Fleming 型函数分配"
        if zh
        else f"Rule: a look every {step} replications up to {max_reps}; one-sided error {ALPHA:g} spent "
        "over the looks (O'Brien–Fleming type), exact bounds"
    )

    def show(a: Assessment) -> None:
        staff = ", ".join(f"{r}={c}" for r, c in a.staffing.items())
        say(f"  {staff}: {a.verdict} ({a.reps} reps; {'最弱' if zh else 'weakest'} {a.worst_text()})")

    full = dict(sizes)
    first = assessor.assess(full, each=True)
    show(first)
    not_applicable = [m for m in candidates if first.counts[m].n == 0]
    unreachable: dict[str, Proportion] = {}
    for m in candidates:
        c, d = first.counts[m], first.decisions[m]
        p = c.proportion()
        if c.n == 0:
            excluded[m] = ("任何重复中均不适用", "applied in no replication")
        elif d is Decision.FAIL:
            unreachable[m] = p
            excluded[m] = (
                f"满员仍达不到目标：{p.text()}",
                f"fails even with these roles fully on duty: {p.text()}",
            )
        elif d is not Decision.PASS:
            unreachable[m] = p
            more = f"，{c.undecided} 次推演内未定" if c.undecided else ""
            more_en = f", {c.undecided} undecided within the drill" if c.undecided else ""
            excluded[m] = (
                f"满员时 {first.reps} 次重复仍无法判定：{p.text()}{more}",
                f"undecided at full staffing after {first.reps} replications: {p.text()}{more_en}",
            )
    targets = [m for m in candidates if m not in excluded]
    say(
        (f"目标里程碑（{len(targets)} 项）：" if zh else f"Target set ({len(targets)}): ")
        + (", ".join(targets) or ("无" if zh else "none"))
    )
    for m, (why_zh, why_en) in excluded.items():
        say(f"  {'排除' if zh else 'excluded'} {m}: {why_zh if zh else why_en}")
    assessor.milestones = targets
    assessor.cache.clear()

    def result(answer: dict[str, int] | None, final: Assessment | None) -> StaffResult:
        current_on_duty = {r: plan.teams[r].on_duty_people for r in roles}
        return StaffResult(
            plan.id,
            scenario.id,
            target,
            roles,
            current_on_duty,
            sizes,
            answer,
            final,
            unreachable,
            not_applicable,
            assessor.evidence,
            targets,
            {m: why[1] for m, why in excluded.items()},
            {m: why[0] for m, why in excluded.items()},
            float(scenario.horizon_min),
            horizon,
            rule,
        )

    if not targets:
        return result(None, None)

    def passes(staffing: dict[str, int]) -> Assessment:
        a = assessor.assess(staffing)
        show(a)
        return a

    # lower bound per role, others full
    bounds = {}
    for role in roles:
        lo, hi = 0, sizes[role]
        while lo < hi:
            mid = (lo + hi) // 2
            if passes({**full, role: mid}).verdict == PASS:
                hi = mid
            else:
                lo = mid + 1
        bounds[role] = lo
    current = dict(bounds)
    final = passes(current)
    while final.verdict is not PASS:
        options = []
        for role in roles:
            if current[role] < sizes[role]:
                cand = {**current, role: current[role] + 1}
                a = passes(cand)
                score = (a.verdict is PASS, a.props[a.worst].low if a.worst else 0.0)
                options.append((score, role, cand, a))
        if not options:
            break
        options.sort(key=lambda o: o[0], reverse=True)
        _, _, current, final = options[0]
    return result(current if final.verdict is PASS else None, final)


def staffing_tables(result: StaffResult, lang: str) -> list[Any]:
    from rich.table import Table

    zh = lang == "zh"
    out = []
    t = Table(
        title=("最小在岗配置" if zh else "Smallest on-duty staffing")
        + f" · {result.scenario_id} · {result.plan_id} · "
        + ("目标" if zh else "target")
        + f" {result.target:g}",
        title_justify="left",
    )
    for h in (
        ("角色", "预案在岗", "最少在岗", "编制")
        if zh
        else ("role", "plan on duty", "needed on duty", "team size")
    ):
        t.add_column(h)
    for r in result.roles:
        need = "–" if result.answer is None else str(result.answer[r])
        t.add_row(r, str(result.plan_staffing[r]), need, str(result.sizes[r]))
    if result.answer is None:
        t.caption = "未找到满足目标的配置" if zh else "no staffing of these roles reaches the target"
    else:
        t.caption = (
            f"仅就下列 {len(result.targets)} 项目标里程碑而言；排除 {len(result.excluded)} 项（见下）"
            if zh
            else f"for the {len(result.targets)} target milestones below only; "
            f"{len(result.excluded)} left out (see below)"
        )
    out.append(t)
    if result.final is not None:
        e = Table(
            title=(
                "证据（最终配置，共同随机数）" if zh else "Evidence (final staffing, common random numbers)"
            ),
            title_justify="left",
        )
        for h in (
            ("里程碑", "达成概率 (95%区间)", "适用重复", "推演内未定", "判定")
            if zh
            else ("milestone", "P(met) (95% CI)", "replications", "undecided", "decision")
        ):
            e.add_column(h)
        for m, c in result.final.counts.items():
            e.add_row(m, c.proportion().text(), str(c.n), str(c.undecided), str(result.final.decisions[m]))
        out.append(e)
    targets = Table(
        title=("目标里程碑（判定所用）" if zh else "Target set (what the answer is about)"),
        title_justify="left",
    )
    targets.add_column("里程碑" if zh else "milestone")
    targets.add_column("状态" if zh else "status")
    for m in result.targets:
        targets.add_row(m, "目标" if zh else "target")
    reasons = result.excluded_zh if zh else result.excluded
    for m, why in reasons.items():
        targets.add_row(m, ("排除：" if zh else "excluded: ") + why)
    if not result.targets:
        targets.caption = (
            "没有可作为目标的里程碑：无法据此给出人数"
            if zh
            else "no milestone is left to target: no staffing figure can be given"
        )
    out.append(targets)
    ev = Table(title=("已评估的候选配置" if zh else "Candidates assessed"), title_justify="left")
    for h in (
        ("配置", "重复", "结论", "最弱里程碑") if zh else ("staffing", "reps", "verdict", "weakest milestone")
    ):
        ev.add_column(h)
    for a in result.evidence:
        ev.add_row(
            ", ".join(f"{r}={c}" for r, c in a.staffing.items()), str(a.reps), a.verdict, a.worst_text()
        )
    out.append(ev)
    return out
