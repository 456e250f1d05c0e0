"""The after-action report as a list of blocks, in one language; the md, html
and docx writers only lay these out.

Everything in it is computed from the drill's event log (rebuilt from the
journal) and from the counterfactual comparison.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from ..counterfactual import (
    DECISION,
    LUCK,
    MET_NARROW,
    MET_SOLID,
    MIXED,
    STAFFING,
    Comparison,
    TimedDecision,
    play_policy_logged,
)
from ..engine import decisions as D
from ..engine.drill import Drill
from ..engine.milestones import MET, MISSED
from ..engine.snapshot import wall_clock
from ..engine.version import MODEL_VERSION
from ..present import status_text
from .catalog import CAPABILITIES, DECISIONS_FOR, DO, pick, text


@dataclass
class Block:
    kind: str  # title | h1 | h2 | p | note | table | image
    text: str = ""
    header: list[str] = field(default_factory=list)
    rows: list[list[str]] = field(default_factory=list)
    widths: list[float] = field(default_factory=list)  # relative column widths
    png: bytes = b""
    name: str = ""


@dataclass
class Finding:
    grade: str  # grade_deficiency | grade_rectify | grade_improve
    milestone: str
    label: str
    evidence: str
    sentence: str
    action: str


def pct(p: Any) -> str:
    return p.text().replace(" %", "%") if p.n else "–"


def pct_short(p: Any) -> str:
    if not p.n:
        return "–"
    return f"{100 * p.p:.0f}% ({100 * p.low:.0f}–{100 * p.high:.0f})"


def verdict_sentence(m: Any, lang: str) -> str:
    team, plan = m.arms["team"], m.arms["plan"]
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
        return text("v_narrow", lang, team=pct(team), plan=pct(plan))
    if m.verdict == MET_SOLID:
        return text("v_met", lang, team=pct(team))
    return ""


def replay_with_samples(drill: Drill, decisions: list[TimedDecision]) -> list[tuple[float, dict[str, int]]]:
    """Apply ``decisions`` like ``play_decisions`` while sampling team members on duty each minute."""
    samples = []
    i = 0
    minute = 0.0
    while True:
        while i < len(decisions) and decisions[i].t <= minute and decisions[i].t <= drill.horizon:
            drill.advance(max(decisions[i].t, drill.now))
            drill.decide(decisions[i].decision)
            i += 1
        drill.advance(min(minute, drill.horizon))
        snap = drill.snapshot()
        samples.append((drill.now, {t.id: t.size - t.off_duty - t.en_route for t in snap.teams}))
        if drill.finished:
            break
        minute += 1.0
    return samples


def _decision_text(data: dict[str, Any], kind: str, lang: str) -> str:
    cls = D.BY_KIND.get(kind)
    label = cls.label_zh if (cls and lang == "zh") else (cls.label_en if cls else kind)
    if kind == "facilitator_inject":
        return f"{label}: {data.get('zh' if lang == 'zh' else 'en', '')}"
    args = ", ".join(str(v) for k, v in sorted(data.items()))
    return f"{label}（{args}）" if (args and lang == "zh") else (f"{label} ({args})" if args else label)


def decision_label(decision: D.Decision, lang: str) -> str:
    data = {k: v for k, v in decision.to_dict().items() if k != "kind"}
    return _decision_text(data, decision.kind, lang)


EVENTS = {
    "level_declared": ("宣布 {s} 级响应", "Level {s} declared"),
    "official_arrived": ("{s} 到达现场", "{s} arrived"),
    "reply_issued": ("初步答复口径已发布（{s}）", "Initial reply issued ({s})"),
    "package_signed": ("一揽子方案签署（{s}）", "Package solution signed ({s})"),
    "statement_published": ("权威信息发布", "Public statement published"),
    "escalation": ("过激行为（{s}）", "Escalation ({s})"),
    "injury": ("有人受伤（{s}）", "Injury ({s})"),
    "self_harm": ("自伤行为（{s}）", "Self-harm ({s})"),
    "individual_resolved": ("安全化解（{s}）", "Resolved safely ({s})"),
    "response_ended": ("应急响应终止", "Response ended"),
    "group_dispersed": ("群体散去（{s}）", "Group dispersed ({s})"),
    "copycat_gathering": ("跟风聚集", "Copycat gathering"),
    "support_arrived": ("上级支援到达", "Support arrived"),
}


def timeline_rows(
    drill: Drill, labels: dict[str, Any], lang: str, limit: int = 80
) -> tuple[list[list[str]], int]:
    rows = []
    names = {m.id: (m.label.zh if lang == "zh" else m.label.en) for _, m in drill.plan.all_milestones()}
    start = drill.scenario.wall_start

    def lab(s: str) -> str:
        t = labels.get(s)
        return (t.zh if lang == "zh" else t.en) if t is not None else s

    for e in drill.log.entries:
        if e.kind == "inject":
            what, detail = text("k_inject", lang), str(e.data.get(lang) or e.data.get("en", ""))
        elif e.kind == "decision":
            what, detail = text("k_decision", lang), _decision_text(e.data, e.subject, lang)
        elif e.kind == "milestone_met":
            what, detail = text("k_met", lang), names.get(e.subject, e.subject)
        elif e.kind == "milestone_missed":
            what, detail = text("k_missed", lang), names.get(e.subject, e.subject)
        elif e.kind in EVENTS:
            what, detail = text("k_event", lang), pick(EVENTS[e.kind], lang).format(s=lab(e.subject))
        else:
            continue
        rows.append([wall_clock(start, e.t), f"{e.t:.0f}", what, detail])
    more = max(0, len(rows) - limit)
    return rows[:limit], more


def _rating(met: int, n: int, decision_misses: int) -> str:
    if n == 0:
        return "rating_none"
    share = met / n
    if met == n:
        return "rating_P"
    if share >= 0.75 and decision_misses == 0:
        return "rating_S"
    if share >= 0.40:
        return "rating_M"
    return "rating_U"


def build_blocks(
    cmp: Comparison, lang: str, chart_pngs: list[tuple[str, bytes]], team_samples: Any = None
) -> list[Block]:
    journal = cmp.journal
    drill = cmp.actual_drill
    plan, scen = drill.plan, drill.scenario
    card = drill.scorecard()
    counts = card.counts()
    kinds = {m.id: m.measure.kind for _, m in plan.all_milestones()}
    b: list[Block] = []
    scen_title = scen.title.get(lang)
    b.append(Block("title", text("title", lang, scenario=scen_title)))
    if cmp.changes:
        b.append(Block("note", text("forced", lang, what="; ".join(cmp.changes))))

    # 1 overview
    b.append(Block("h1", text("s_overview", lang)))
    created = str(journal.header.get("created", ""))
    try:
        date = datetime.fromisoformat(created).strftime("%Y-%m-%d")
    except ValueError:
        date = created
    b.append(
        Block(
            "p",
            text(
                "overview_text",
                lang,
                plan=_plan_name(plan, lang),
                scenario=scen_title,
                hours=scen.horizon_min / 60,
                n=len(cmp.decisions),
                met=counts["met"],
                missed=counts["missed"],
                reps=cmp.reps,
            ),
        )
    )
    fill = text("to_fill", lang)
    rows = [
        [text("unit", lang), plan.unit.get(lang)],
        [text("plan", lang), f"{_plan_name(plan, lang)} ({plan.id})"],
        [text("scenario", lang), f"{scen_title} ({scen.id})"],
        [text("date", lang), date],
        [text("start", lang), scen.wall_start.replace("T", " ")],
        [text("participants", lang), str(journal.header.get("participants") or fill)],
        [text("facilitator", lang), str(journal.header.get("facilitator") or fill)],
        [text("seed", lang), str(journal.seed)],
        [text("model", lang), str(MODEL_VERSION)],
        [text("journal", lang), journal.path.name],
        [text("n_decisions", lang), str(len(cmp.decisions))],
        [text("result", lang), text("result_value", lang, met=counts["met"], missed=counts["missed"])],
    ]
    b.append(Block("table", rows=rows, widths=[1, 3]))

    # 2 timeline and charts
    b.append(Block("h1", text("s_timeline", lang)))
    labels = _labels(drill)
    trows, more = timeline_rows(drill, labels, lang)
    b.append(
        Block(
            "table",
            header=[
                text("col_time", lang),
                text("col_min", lang),
                text("col_what", lang),
                text("col_detail", lang),
            ],
            rows=trows,
            widths=[0.8, 0.6, 1.2, 5],
        )
    )
    if more:
        b.append(Block("note", text("timeline_more", lang, n=more)))
    if chart_pngs:
        b.append(Block("h2", text("s_charts", lang)))
        for n, (what, png) in enumerate(chart_pngs, 1):
            b.append(
                Block(
                    "image",
                    png=png,
                    name=f"figure{n}.png",
                    text=text("fig_caption", lang, n=n, what=text(what, lang)),
                )
            )

    # 3 milestones
    b.append(Block("h1", text("s_milestones", lang)))
    mrows = []
    for m in cmp.milestones:
        limit = f"{m.deadline_min:g}" + ("*" if _assumed(card, m.id) else "")
        took = "–" if m.actual_after is None else f"{m.actual_after:.0f}"
        mrows.append(
            [
                m.level or "–",
                m.label(lang),
                limit,
                took,
                status_text(m.actual, lang),
                pct_short(m.arms["team"]),
                pct_short(m.arms["plan"]),
                pct_short(m.arms["passive"]),
            ]
        )
    b.append(
        Block(
            "table",
            header=[
                text(k, lang)
                for k in (
                    "col_level",
                    "col_milestone",
                    "col_limit",
                    "col_took",
                    "col_result",
                    "col_team",
                    "col_plan",
                    "col_passive",
                )
            ],
            rows=mrows,
            widths=[0.45, 2.6, 0.6, 0.6, 0.75, 1.45, 1.45, 1.45],
        )
    )
    b.append(Block("note", text("assumed_note", lang) + " " + text("ci_note", lang, reps=cmp.reps)))
    colon = "：" if lang == "zh" else ": "
    sentences = [
        f"{m.label(lang)}{colon}{verdict_sentence(m, lang)}" for m in cmp.milestones if m.actual == MISSED
    ]
    for s in sentences:
        b.append(Block("bullet", s))

    # 4 capabilities
    b.append(Block("h1", text("s_capabilities", lang)))
    b.append(Block("p", text("rating_rule", lang)))
    crow = []
    for cap, measures in CAPABILITIES.items():
        ms = [m for m in cmp.milestones if kinds.get(m.id) in measures and m.actual in (MET, MISSED)]
        met = sum(1 for m in ms if m.actual == MET)
        dec = sum(1 for m in ms if m.actual == MISSED and m.arms["plan"].n and m.arms["plan"].p >= 0.9)
        rating = _rating(met, len(ms), dec)
        extra = text("basis_decision", lang, k=dec) if dec else ""
        basis = text("basis", lang, met=met, n=len(ms), extra=extra) if ms else "–"
        names = "、".join(m.label(lang) for m in ms) if lang == "zh" else "; ".join(m.label(lang) for m in ms)
        crow.append(
            [
                text(cap, lang),
                text(rating, lang),
                basis + (f"：{names}" if lang == "zh" and names else (f": {names}" if names else "")),
            ]
        )
    b.append(
        Block(
            "table",
            header=[text("col_capability", lang), text("col_rating", lang), text("col_basis", lang)],
            rows=crow,
            widths=[1.3, 1.6, 4],
        )
    )

    # 5 findings
    findings = make_findings(cmp, lang, kinds)
    b.append(Block("h1", text("s_findings", lang)))
    b.append(Block("p", text("grades_rule", lang)))
    if findings:
        b.append(
            Block(
                "table",
                header=[text("col_grade", lang), text("col_finding", lang), text("col_evidence", lang)],
                rows=[
                    [
                        text(f.grade, lang),
                        f.label,
                        f"{f.evidence}。{f.sentence}" if lang == "zh" else f"{f.evidence}; {f.sentence}",
                    ]
                    for f in findings
                ],
                widths=[0.9, 2, 4.5],
            )
        )
    else:
        b.append(Block("p", text("no_findings", lang)))

    # 6 lessons
    b.append(Block("h1", text("s_lessons", lang)))
    good = [m.label(lang) for m in cmp.milestones if m.verdict == MET_SOLID]
    sep = "、" if lang == "zh" else "; "
    b.append(
        Block(
            "bullet",
            text("lesson_good", lang, items=sep.join(good)) if good else text("lesson_none_good", lang),
        )
    )
    b.append(Block("bullet", text("lesson_mean", lang, **cmp.mean_met)))
    luck = [m.label(lang) for m in cmp.milestones if m.verdict == LUCK]
    if luck:
        b.append(Block("bullet", text("lesson_luck", lang, items=sep.join(luck))))
    c = cmp.costly
    if c is not None and c.gain > 0:
        what = decision_label(c.decision, lang)
        if c.variant == "earlier" and c.new_t is not None:
            b.append(
                Block(
                    "bullet",
                    text("costly_earlier", lang, t=c.t, what=what, new=c.new_t, gain=c.gain, reps=c.reps),
                )
            )
        else:
            b.append(
                Block("bullet", text("costly_removed", lang, t=c.t, what=what, gain=c.gain, reps=c.reps))
            )
    elif c is not None:
        b.append(Block("bullet", text("costly_none", lang)))
    if cmp.refused:
        items = sep.join(
            text(
                "refused_item",
                lang,
                t=t,
                what=decision_label(cmp.decisions[i].decision, lang),
                k=k,
                reps=cmp.reps,
            )
            for i, t, _kind, k in cmp.refused[:8]
        )
        b.append(Block("bullet", text("lesson_refused", lang, n=len(cmp.refused), items=items)))

    # 7 recommendations
    b.append(Block("h1", text("s_recommend", lang)))
    if findings:
        b.append(
            Block(
                "table",
                header=[
                    text("col_grade", lang),
                    text("col_finding", lang),
                    text("col_action", lang),
                    text("col_owner", lang),
                    text("col_due", lang),
                ],
                rows=[[text(f.grade, lang), f.label, f.action, "", ""] for f in findings],
                widths=[0.9, 1.8, 3.4, 1, 0.9],
            )
        )
        b.append(Block("note", text("plan_table_note", lang)))
    else:
        b.append(Block("p", text("no_findings", lang)))

    b.append(Block("h2", text("s_method", lang)))
    creps = cmp.costly.reps if cmp.costly else 0
    b.append(Block("p", text("method", lang, reps=cmp.reps, creps=creps)))
    b.append(Block("note", text("generated", lang)))
    return b


def _plan_name(plan: Any, lang: str) -> str:
    return str(plan.unit.get(lang))


def _assumed(card: Any, mid: str) -> bool:
    m = card.by_id().get(mid)
    return bool(m and m.assumed)


def _labels(drill: Drill) -> dict[str, Any]:
    w = drill.state()
    out: dict[str, Any] = {}
    for group in (w.teams, w.officials, w.crowds, w.individuals, w.topics, w.venues):
        for k, v in group.items():
            out[k] = v.spec.label
    return out


def make_findings(cmp: Comparison, lang: str, kinds: dict[str, str]) -> list[Finding]:
    plan_first: dict[str, float] | None = None
    out = []
    for m in cmp.milestones:
        grade = None
        if m.actual == MISSED:
            plan = m.arms["plan"]
            team = m.arms["team"]
            if m.verdict == STAFFING:
                grade = "grade_rectify"
            elif m.verdict == LUCK:
                grade = "grade_improve"  # missed by bad luck: the decisions hold up
            elif m.verdict in (DECISION, MIXED) or (plan.n and plan.p >= 0.5):
                grade = "grade_deficiency"
            elif plan.n and plan.p < 0.5 and team.n and team.p < 0.5:
                grade = "grade_rectify"
            else:
                grade = "grade_deficiency"
        elif m.verdict == MET_NARROW:
            grade = "grade_improve"
        if grade is None:
            continue
        if m.actual_after is not None:
            key = "ev_missed_at" if m.actual == MISSED else "ev_met"
            evidence = text(key, lang, limit=m.deadline_min, at=m.actual_after)
        else:
            evidence = text("ev_missed", lang, limit=m.deadline_min)
        sentence = verdict_sentence(m, lang)
        if m.vs_plan.n and (m.vs_plan.a_only or m.vs_plan.b_only):
            sentence += (" " if lang == "en" else "") + text(
                "paired", lang, a=m.vs_plan.a_only, b=m.vs_plan.b_only, p=f"{m.vs_plan.p_value:.2g}"
            )
        kind = kinds.get(m.id, "")
        do = pick(DO.get(kind, ("按预案及时处置", "act as the plan says")), lang)
        if grade == "grade_rectify":
            action = text("act_staffing", lang, what=m.label(lang))
        elif grade == "grade_deficiency":
            if plan_first is None:
                plan_first = _plan_first(cmp)
            ts = [plan_first[k] for k in DECISIONS_FOR.get(kind, ()) if k in plan_first]
            action = (
                text("act_decision", lang, do=do, t=min(ts))
                if ts
                else text("act_decision_generic", lang, do=do)
            )
        else:
            action = text("act_improve", lang, what=m.label(lang))
        out.append(Finding(grade, m.id, m.label(lang), evidence, sentence, action))
    order = {"grade_deficiency": 0, "grade_rectify": 1, "grade_improve": 2}
    out.sort(key=lambda f: order[f.grade])
    return out


def _plan_first(cmp: Comparison) -> dict[str, float]:
    drill = cmp.actual_drill
    _, taken = play_policy_logged(drill.plan, drill.scenario, cmp.journal.seed, "plan")
    first: dict[str, float] = {}
    for td in taken:
        first.setdefault(td.decision.kind, td.t)
    return first
