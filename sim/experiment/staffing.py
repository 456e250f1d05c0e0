"""The smallest on-duty staffing that keeps every milestone's Wilson lower bound
at or above a target.

Staffing here is each searched team's ``on_duty`` count; everyone else is
called in at the plan's own call-in times (the plan policy). Candidates are
compared on common random numbers: replication r has the same seed for every
candidate.

Each candidate is assessed sequentially, ``step`` replications at a time, up to
``max_reps``: it passes as soon as every target milestone's Wilson 95 % lower
bound reaches the target, and fails as soon as one milestone's upper bound is
below it (or when ``max_reps`` is reached undecided). The looks are not
corrected for multiplicity: a pass means "the interval cleared the target at
some look".

Search: (1) assess full staffing of every searched role; milestones that fail
even then cannot be fixed by these roles and are reported, not targeted;
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
from ..stats import Proportion, proportion
from .columns import outcomes
from .executors import Handle
from .inputs import Inputs
from .tasks import make_tasks, run_task

PASS, FAIL, UNDECIDED = "pass", "fail", "undecided"


class StaffingError(UserFacing, ValueError):
    pass


@dataclass
class Assessment:
    staffing: dict[str, int]
    reps: int
    verdict: str
    props: dict[str, Proportion]
    worst: str | None

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
        target: float,
        max_reps: int,
        step: int,
        milestones: list[str],
    ):
        self.inputs = inputs
        self.handle = handle
        self.master = master
        self.policy = policy
        self.target = target
        self.max_reps = max_reps
        self.step = step
        self.milestones = milestones
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
        )
        futures = [self.handle.executor.submit(run_task, t) for t in tasks]
        for fut in futures:  # in replication order
            rows.extend(fut.result())

    def assess(self, staffing: dict[str, int], each: bool = False) -> Assessment:
        """``each``: go on until every milestone on its own is decided (or max_reps)."""
        key = tuple(sorted(staffing.items()))
        if key in self.cache:
            return self.cache[key]
        targets = self.milestones
        while True:
            have = len(self.rows.get(key, []))
            if have < self.max_reps:
                self._more(key, min(self.step, self.max_reps - have))
            rows = self.rows[key]
            props = {m: proportion(outcomes(rows, m)) for m in targets}
            live = {m: p for m, p in props.items() if p.n}
            worst = min(live, key=lambda m: (live[m].low, live[m].p)) if live else None
            undecided = [p for p in props.values() if not p.n or p.low < self.target <= p.high]
            if each and undecided and len(rows) < self.max_reps:
                continue
            if live and all(p.low >= self.target for p in live.values()):
                verdict = PASS
            elif any(p.high < self.target for p in live.values()):
                verdict = FAIL
            elif len(rows) >= self.max_reps:
                verdict = UNDECIDED
            else:
                continue
            a = Assessment(dict(staffing), len(rows), verdict, props, worst)
            self.cache[key] = a
            self.evidence.append(a)
            return a


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
    all_ms = [m.id for _level, m in plan.all_milestones() if m.measure.kind != "beyond_model"]
    say = log or (lambda _line: None)
    zh = lang == "zh"
    assessor = _Assessor(assessor_inputs, handle, master, policy, target, max_reps, step, all_ms)

    def show(a: Assessment) -> None:
        staff = ", ".join(f"{r}={c}" for r, c in a.staffing.items())
        say(f"  {staff}: {a.verdict} ({a.reps} reps; {'最弱' if zh else 'weakest'} {a.worst_text()})")

    full = dict(sizes)
    first = assessor.assess(full, each=True)
    show(first)
    not_applicable = [m for m in all_ms if first.props[m].n == 0]
    unreachable = {m: p for m, p in first.props.items() if p.n and (p.low < target)}
    targets = [m for m in all_ms if m not in unreachable and m not in not_applicable]
    if unreachable:
        say(
            (
                "以下里程碑在这些角色满员时仍达不到目标，不作为搜索目标："
                if zh
                else "Even with these roles fully on duty, these milestones miss the target (left out of the search): "
            )
            + ", ".join(f"{m} {p.text()}" for m, p in unreachable.items())
        )
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
    while final.verdict != PASS:
        options = []
        for role in roles:
            if current[role] < sizes[role]:
                cand = {**current, role: current[role] + 1}
                a = passes(cand)
                score = (a.verdict == PASS, a.props[a.worst].low if a.worst else 0.0)
                options.append((score, role, cand, a))
        if not options:
            break
        options.sort(key=lambda o: o[0], reverse=True)
        _, _, current, final = options[0]
    return result(current if final.verdict == PASS else None, final)


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
    out.append(t)
    if result.final is not None:
        e = Table(
            title=(
                "证据（最终配置，共同随机数）" if zh else "Evidence (final staffing, common random numbers)"
            ),
            title_justify="left",
        )
        for h in (
            ("里程碑", "达成概率 (95%区间)", "重复次数")
            if zh
            else ("milestone", "P(met) (95% CI)", "replications")
        ):
            e.add_column(h)
        for m, p in result.final.props.items():
            e.add_row(m, p.text(), str(p.n))
        out.append(e)
    if result.unreachable:
        u = Table(
            title=(
                "满员仍未达标（非人数所能解决）"
                if zh
                else "Not reachable by staffing these roles (at full staffing)"
            ),
            title_justify="left",
        )
        u.add_column("milestone")
        u.add_column("P(met) (95% CI)")
        for m, p in result.unreachable.items():
            u.add_row(m, p.text())
        out.append(u)
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
