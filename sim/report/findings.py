"""The report's findings: per milestone of the team's own drill, what the
counterfactual says about it (bad luck, a decision, staffing), graded, with an
action. A milestone that is the system's (``controllable: false`` in the plan;
until the plan schema carries it, an alert step the model does by itself) is
never a finding and never turned into advice: the team's decisions cannot change it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..counterfactual import (
    DECISION,
    LUCK,
    MET_NARROW,
    MET_SOLID,
    MIXED,
    NARROW,
    STAFFING,
    Comparison,
    play_policy_logged,
)
from ..engine.milestones import MISSED
from ..fairness import is_system, system_step_by
from ..present import id_labels, milestone_result_text, p_text, wall_clock
from .catalog import DECISIONS_FOR, do_text, pick, text


@dataclass
class Finding:
    grade: str  # grade_deficiency | grade_rectify | grade_improve
    milestone: str
    label: str
    evidence: str
    sentence: str
    action: str
    kinds: tuple[str, ...] = ()  # the decisions that move its milestone


def pct(p: Any) -> str:
    return p.text().replace(" %", "%") if p.n else "–"


def pct_short(p: Any) -> str:
    if not p.n:
        return "–"
    return f"{100 * p.p:.0f}% ({100 * p.low:.0f}–{100 * p.high:.0f})"


def verdict_sentence(m: Any, lang: str, system_by: str | None = None) -> str:
    """One sentence on a milestone: bad luck, a decision, staffing, or (``system_by``
    names who does it) a step the team's decisions do not change."""
    team, plan = m.arms["team"], m.arms["plan"]
    if system_by is not None:
        return text(
            "v_system", lang, by=system_by, team=pct(team), plan=pct(plan), passive=pct(m.arms["passive"])
        )
    if m.verdict == DECISION:
        return text("v_decision", lang, plan=pct(plan))
    if m.verdict == STAFFING:
        miss = 1 - plan.p if plan.n else 1 - team.p
        return text("v_staffing", lang, miss=f"{100 * miss:.0f}%")
    if m.verdict == LUCK:
        return text("v_luck", lang, team=pct(team), plan=pct(plan))
    if m.verdict == MIXED:
        return text("v_mixed", lang, team=pct(team), plan=pct(plan))
    if m.verdict == MET_NARROW:
        if team.n and team.p >= NARROW:  # narrow because it is mostly met late in its limit
            return text("v_late", lang, team=pct(team), late=f"{100 * m.late_share:.0f}%")
        return text("v_narrow", lang, team=pct(team), plan=pct(plan))
    if m.verdict == MET_SOLID:
        return text("v_met", lang, team=pct(team))
    return ""


def system_by(spec: Any, plan: Any, labels: dict[str, Any], lang: str) -> str | None:
    """Who does a system's step (its label; "the system" when the plan names nobody),
    or None when the step is the team's."""
    if not is_system(spec, plan):
        return None
    by = system_step_by(spec, plan) or ""
    known = labels.get(by) if by else None
    if known is not None:
        return str(known.get(lang))
    return by or pick(("系统", "the system"), lang)


def make_findings(
    cmp: Comparison, lang: str, kinds: dict[str, str], labels: dict[str, Any] | None = None
) -> list[Finding]:
    drill = cmp.actual_drill
    plan, start = drill.plan, drill.scenario.wall_start
    specs = {m.id: m for _, m in plan.all_milestones()}
    by_id = drill.scorecard().by_id()
    labels = labels if labels is not None else id_labels(plan, drill.scenario)
    plan_first: dict[str, float] | None = None
    out = []
    for m in cmp.milestones:
        spec = specs.get(m.id)
        if is_system(spec, plan):
            continue  # the system's step: never a finding, never advice for the team
        grade = None
        if m.actual == MISSED:
            plan_arm = m.arms["plan"]
            team = m.arms["team"]
            if m.verdict == STAFFING:
                grade = "grade_rectify"  # not the team's to change: the plan or its staffing
            elif m.verdict == LUCK:
                grade = "grade_improve"  # missed by bad luck: the decisions hold up
            elif m.verdict in (DECISION, MIXED) or (plan_arm.n and plan_arm.p >= 0.5):
                grade = "grade_deficiency"
            elif plan_arm.n and plan_arm.p < 0.5 and team.n and team.p < 0.5:
                grade = "grade_rectify"
            else:
                grade = "grade_deficiency"
        elif m.verdict == MET_NARROW:
            grade = "grade_improve"
        if grade is None:
            continue
        res = by_id.get(m.id)
        clock = spec.clock if spec is not None else "first_report"
        evidence = milestone_result_text(
            m.actual, res.met_at if res else None, m.actual_after, m.deadline_min, clock, start, lang
        )
        sentence = verdict_sentence(m, lang)
        if m.vs_plan.n and (m.vs_plan.a_only or m.vs_plan.b_only):
            sentence += (" " if lang == "en" else "") + text(
                "paired", lang, a=m.vs_plan.a_only, b=m.vs_plan.b_only, p=p_text(m.vs_plan.p_value)
            )
        kind = kinds.get(m.id, "")
        if grade == "grade_rectify":
            action = text("act_staffing", lang, what=m.label(lang))
        elif grade == "grade_deficiency":
            do = (
                do_text(spec, plan, labels, lang)
                if spec is not None
                else pick(("按预案及时处置", "act as the plan says"), lang)
            )
            if plan_first is None:
                plan_first = _plan_first(cmp)
            ts = [plan_first[k] for k in DECISIONS_FOR.get(kind, ()) if k in plan_first]
            action = (
                text("act_decision", lang, do=do, t=wall_clock(start, min(ts)))
                if ts
                else text("act_decision_generic", lang, do=do)
            )
        else:
            action = text("act_improve", lang, what=m.label(lang))
        moved_by = DECISIONS_FOR.get(kind, ())
        out.append(Finding(grade, m.id, m.label(lang), evidence, sentence, action, moved_by))
    order = {"grade_deficiency": 0, "grade_rectify": 1, "grade_improve": 2}
    out.sort(key=lambda f: order[f.grade])
    return out


def _plan_first(cmp: Comparison) -> dict[str, float]:
    drill = cmp.actual_drill
    _, taken = play_policy_logged(drill.plan, drill.scenario, cmp.journal.seed, "plan", cmp.facilitation)
    first: dict[str, float] = {}
    for td in taken:
        first.setdefault(td.decision.kind, td.t)
    return first
