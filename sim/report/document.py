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
    NARROW,
    STAFFING,
    Comparison,
    play_policy_logged,
)
from ..engine import decisions as D
from ..engine.drill import Drill
from ..engine.facilitator import FacilitatorAction
from ..engine.milestones import MET, MISSED
from ..engine.version import MODEL_VERSION
from ..present import (
    decision_sentence,
    id_labels,
    milestone_result_text,
    p_text,
    seat_label,
    unit_and_plan_title,
    wall_clock,
)
from .catalog import CAPABILITIES, DECISIONS_FOR, do_text, pick, system_step_by, text
from .records import FACILITATOR_KIND, EvaluatorNote, Records, SeatedDecision


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


def decision_label(
    decision: D.Decision | FacilitatorAction,
    lang: str,
    plan: Any = None,
    scenario: Any = None,
    labels: dict[str, Any] | None = None,
) -> str:
    """A decision as a sentence, ids by their labels (from ``labels``, or the plan and scenario)."""
    if labels is None:
        labels = id_labels(plan, scenario) if plan is not None and scenario is not None else {}
    data = {k: v for k, v in decision.to_dict().items() if k != "kind"}
    return decision_sentence(decision.kind, data, labels, lang, plan)


EVENTS = {
    "official_arrived": ("{s}到达现场", "{s} arrived"),
    "reply_issued": ("对{s}的初步答复口径已出具", "Initial reply issued to {s}"),
    "package_signed": ("{s}的一揽子方案已签署", "Package solution signed for {s}"),
    "statement_published": ("权威信息发布", "Public statement published"),
    "escalation": ("{s}出现过激行为", "Escalation: {s}"),
    "injury": ("{s}有人受伤", "Injury: {s}"),
    "self_harm": ("{s}发生自伤行为", "Self-harm: {s}"),
    "individual_resolved": ("{s}安全化解", "{s} resolved safely"),
    "response_ended": ("应急响应终止", "Response ended"),
    "group_dispersed": ("{s}散去", "{s} dispersed"),
    "copycat_gathering": ("跟风聚集", "Copycat gathering"),
    "support_arrived": ("上级支援到达", "Support arrived"),
}
ROMAN = {"IV": "Ⅳ", "III": "Ⅲ", "II": "Ⅱ", "I": "Ⅰ"}


def _seats_by_entry(drill: Drill, records: Records) -> dict[int, str | None]:
    """The seat of each of the log's decision entries (by position in the log):
    from the entry itself when the engine writes it, else from the journal's
    decision record it replays (matched in order by kind and fields)."""
    out: dict[int, str | None] = {}
    pending = list(records.decisions)
    for n, e in enumerate(drill.log.entries):
        if e.kind != "decision" or e.subject == FACILITATOR_KIND:
            continue
        data = {k: v for k, v in e.data.items() if k != "seat"}
        seat = e.data.get("seat")
        for i, rec in enumerate(pending):
            if rec.kind == e.subject and rec.data == data:
                seat = seat or rec.seat
                del pending[: i + 1]
                break
        out[n] = seat if isinstance(seat, str) else None
    return out


def timeline_rows(
    drill: Drill, labels: dict[str, Any], lang: str, limit: int = 80, records: Records | None = None
) -> tuple[list[list[str]], int]:
    """(time of day, what, detail[, role]) per narrated log entry; the role column
    only when the journal records seats."""
    rows = []
    names = {m.id: (m.label.zh if lang == "zh" else m.label.en) for _, m in drill.plan.all_milestones()}
    start = drill.scenario.wall_start
    seated = records is not None and records.seated
    seats = _seats_by_entry(drill, records) if seated and records is not None else {}

    def lab(s: str) -> str:
        t = labels.get(s)
        return (t.zh if lang == "zh" else t.en) if t is not None else s

    inject_times = {e.t for e in drill.log.entries if e.kind == "inject"}
    for n, e in enumerate(drill.log.entries):
        role = ""
        if e.kind == "inject":
            key = "k_facilitator" if e.subject.startswith("facilitator") else "k_inject"
            what, detail = text(key, lang), str(e.data.get(lang) or e.data.get("en", ""))
        elif e.kind == "facilitator":  # the engine's own record of a facilitator action
            if e.t in inject_times:
                continue  # its inject is already listed
            what = text("k_facilitator", lang)
            detail = str(e.data.get(lang) or e.data.get("en") or e.data.get("zh") or e.subject)
        elif e.kind == "decision":
            if e.subject == FACILITATOR_KIND:
                continue  # not a team decision: the inject entry right after it shows it
            data = {k: v for k, v in e.data.items() if k != "seat"}
            what, detail = (
                text("k_decision", lang),
                decision_sentence(e.subject, data, labels, lang, drill.plan),
            )
            role = seat_label(seats.get(n), labels, lang)
        elif e.kind == "milestone_met":
            what, detail = text("k_met", lang), names.get(e.subject, e.subject)
        elif e.kind == "milestone_missed":
            what, detail = text("k_missed", lang), names.get(e.subject, e.subject)
        elif e.kind == "level_declared":
            what = text("k_event", lang)
            detail = decision_sentence("declare_level", {"level": e.subject}, labels, lang, drill.plan)
        elif e.kind in EVENTS:
            what, detail = text("k_event", lang), pick(EVENTS[e.kind], lang).format(s=lab(e.subject))
        else:
            continue
        row = [wall_clock(start, e.t), what, detail]
        rows.append([*row, role] if seated else row)
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


def records_of(cmp: Comparison) -> Records:
    """The journal's seats, notes and facilitator actions (read from its file)."""
    from .records import read_records

    try:
        lines = cmp.journal.path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        lines = []
    return read_records(lines)


def _notes_text(notes: list[EvaluatorNote], start: str, lang: str) -> str:
    sep = "；" if lang == "zh" else "; "
    return sep.join(text("note_item", lang, at=wall_clock(start, n.t), text=n.text) for n in notes)


def build_blocks(
    cmp: Comparison,
    lang: str,
    chart_pngs: list[tuple[str, bytes]],
    team_samples: Any = None,
    records: Records | None = None,
) -> list[Block]:
    journal = cmp.journal
    drill = cmp.actual_drill
    plan, scen = drill.plan, drill.scenario
    start = scen.wall_start
    records = records if records is not None else records_of(cmp)
    card = drill.scorecard()
    counts = card.counts()
    specs = {m.id: m for _, m in plan.all_milestones()}
    kinds: dict[str, str] = {mid: m.measure.kind for mid, m in specs.items()}
    labels: dict[str, Any] = {**_labels(drill), **id_labels(plan, scen)}
    unit, plan_title = unit_and_plan_title(plan, lang)
    n_team = len(records.decisions) if records.decisions or records.facilitator else len(cmp.decisions)
    sep = "、" if lang == "zh" else "; "
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
    injects = (
        text(
            "overview_injects",
            lang,
            k=len(records.facilitator),
            s="" if len(records.facilitator) == 1 else "s",
        )
        if records.facilitator
        else ""
    )
    b.append(
        Block(
            "p",
            text(
                "overview_text",
                lang,
                unit=unit,
                plan=plan_title,
                scenario=scen_title,
                hours=scen.horizon_min / 60,
                n=n_team,
                injects=injects,
                met=counts["met"],
                missed=counts["missed"],
                reps=cmp.reps,
            ),
        )
    )
    fill = text("to_fill", lang)
    seats = sorted({d.seat for d in records.decisions if d.seat}, key=lambda s: _seat_order(plan, s))
    rows = [
        [text("unit", lang), unit],
        [text("plan", lang), plan_title],
        [text("scenario", lang), scen_title],
        [text("date", lang), date],
        [text("start", lang), start.replace("T", " ")],
        [text("participants", lang), str(journal.header.get("participants") or fill)],
        [text("facilitator", lang), str(journal.header.get("facilitator") or fill)],
    ]
    if seats:
        rows.append([text("seats", lang), sep.join(seat_label(s, labels, lang) for s in seats)])
    rows += [
        [text("n_decisions", lang), str(n_team)],
        [text("result", lang), text("result_value", lang, met=counts["met"], missed=counts["missed"])],
        [text("seed", lang), str(journal.seed)],
        [text("model", lang), str(MODEL_VERSION)],
        [text("files", lang), f"{plan.id}.yaml, {scen.id}.yaml"],
        [text("journal", lang), journal.path.name],
    ]
    if records.facilitator:
        rows.insert(-4, [text("n_injects", lang), str(len(records.facilitator))])
    b.append(Block("table", rows=rows, widths=[1, 3]))

    # 2 timeline and charts
    b.append(Block("h1", text("s_timeline", lang)))
    trows, more = timeline_rows(drill, labels, lang, records=records)
    header = [text("col_time", lang), text("col_what", lang), text("col_detail", lang)]
    widths = [0.8, 1.2, 5.6]
    if records.seated:
        header.append(text("col_role", lang))
        widths = [0.8, 1.1, 4.5, 1.4]
    b.append(Block("table", header=header, rows=trows, widths=widths))
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

    findings = make_findings(cmp, lang, kinds, labels)

    # 3 by role
    b.append(Block("h1", text("s_roles", lang)))
    b.extend(_by_role(records, findings, plan, labels, lang, start))

    # 4 milestones
    b.append(Block("h1", text("s_milestones", lang)))
    by_id = card.by_id()
    noted = any(records.notes_on_milestone(m.id) for m in cmp.milestones)
    # what happened in the drill (with the evaluator's notes), then the same
    # situations replayed: two tables, so neither is squeezed on an A4 page
    mrows, crows = [], []
    for m in cmp.milestones:
        spec, res = specs.get(m.id), by_id.get(m.id)
        clock = spec.clock if spec is not None else "first_report"
        result = milestone_result_text(
            m.actual, res.met_at if res else None, m.actual_after, m.deadline_min, clock, start, lang
        )
        name = m.label(lang) + (" *" if _assumed(card, m.id) else "")
        row = [ROMAN.get(m.level, m.level) if (m.level and lang == "zh") else (m.level or "–"), name, result]
        if noted:
            row.append(_notes_text(records.notes_on_milestone(m.id), start, lang))
        mrows.append(row)
        crows.append([name, *(pct_short(m.arms[arm]) for arm in ("team", "plan", "passive"))])
    mheader = [text(k, lang) for k in ("col_level", "col_milestone", "col_result")]
    mwidths = [0.6, 2.6, 3.5]
    if noted:
        mheader.append(text("col_notes", lang))
        mwidths = [0.6, 2.2, 2.9, 2.0]
    b.append(Block("table", header=mheader, rows=mrows, widths=mwidths))
    b.append(
        Block(
            "table",
            header=[text(k, lang) for k in ("col_milestone", "col_team", "col_plan", "col_passive")],
            rows=crows,
            widths=[2.8, 1.4, 1.4, 1.4],
        )
    )
    b.append(Block("note", text("assumed_note", lang) + " " + text("ci_note", lang, reps=cmp.reps)))
    colon = "：" if lang == "zh" else ": "
    for m in cmp.milestones:
        if m.actual == MISSED:
            by = _system_by(specs.get(m.id), plan, labels, lang)
            b.append(Block("bullet", f"{m.label(lang)}{colon}{verdict_sentence(m, lang, by)}"))

    # 5 capabilities
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
        names = sep.join(m.label(lang) for m in ms)
        crow.append([text(cap, lang), text(rating, lang), basis + (f"{colon}{names}" if names else "")])
    b.append(
        Block(
            "table",
            header=[text("col_capability", lang), text("col_rating", lang), text("col_basis", lang)],
            rows=crow,
            widths=[1.3, 1.6, 4],
        )
    )

    # 6 findings
    b.append(Block("h1", text("s_findings", lang)))
    b.append(Block("p", text("grades_rule", lang)))
    if findings:
        frows = []
        for f in findings:
            notes = records.notes_on_milestone(f.milestone)
            evidence = f"{f.evidence}。{f.sentence}" if lang == "zh" else f"{f.evidence}; {f.sentence}"
            if notes:
                evidence += (" " if lang == "en" else "") + _notes_text(notes, start, lang)
            roles = sep.join(seat_label(s, labels, lang) for s in _finding_seats(f, records, plan))
            frows.append([text(f.grade, lang), f.label, roles, evidence])
        b.append(
            Block(
                "table",
                header=[
                    text("col_grade", lang),
                    text("col_finding", lang),
                    text("col_role", lang),
                    text("col_evidence", lang),
                ],
                rows=frows,
                widths=[0.8, 1.6, 1.1, 4],
            )
        )
    else:
        b.append(Block("p", text("no_findings", lang)))

    # 7 lessons
    b.append(Block("h1", text("s_lessons", lang)))
    good = [m.label(lang) for m in cmp.milestones if m.verdict == MET_SOLID]
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
        what = decision_label(c.decision, lang, plan, labels=labels)
        if c.variant == "earlier" and c.new_t is not None:
            b.append(
                Block(
                    "bullet",
                    text(
                        "costly_earlier",
                        lang,
                        t=wall_clock(start, c.t),
                        what=what,
                        new=wall_clock(start, c.new_t),
                        gain=c.gain,
                        reps=c.reps,
                    ),
                )
            )
        else:
            b.append(
                Block(
                    "bullet",
                    text(
                        "costly_removed", lang, t=wall_clock(start, c.t), what=what, gain=c.gain, reps=c.reps
                    ),
                )
            )
    elif c is not None:
        b.append(Block("bullet", text("costly_none", lang)))
    refused = [r for r in cmp.refused if cmp.decisions[r[0]].decision.kind != FACILITATOR_KIND]
    if refused:
        items = sep.join(
            text(
                "refused_item",
                lang,
                t=wall_clock(start, t),
                what=decision_label(cmp.decisions[i].decision, lang, plan, labels=labels),
                k=k,
                reps=cmp.reps,
            )
            for i, t, _kind, k in refused[:8]
        )
        b.append(Block("bullet", text("lesson_refused", lang, n=len(refused), items=items)))
    general = records.general_notes()
    if general:
        b.append(Block("bullet", text("lesson_notes", lang, items=_notes_text(general, start, lang))))

    # 8 recommendations
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


def _seat_order(plan: Any, seat: str | None) -> tuple[int, str]:
    if seat is None:
        return (1 << 30, "")
    roles = getattr(plan, "roles", None)
    order = list(roles) if isinstance(roles, dict) else []
    return (order.index(seat) if seat in order else len(order), seat)


def _finding_seats(f: Finding, records: Records, plan: Any) -> list[str | None]:
    """The roles a finding concerns: those that took the decisions that move its
    milestone, else those the plan gives such decisions; all roles if none."""
    took = {d.seat for d in records.decisions if d.kind in f.kinds and d.seat}
    if not took:
        roles = getattr(plan, "roles", None)
        if isinstance(roles, dict) and records.seated:
            for rid, role in roles.items():
                owns = getattr(role, "decisions", None) or []
                if any(k in owns for k in f.kinds):
                    took.add(rid)
    if not took:
        return [None]
    return sorted(took, key=lambda s: _seat_order(plan, s))


def _by_role(
    records: Records, findings: list[Finding], plan: Any, labels: dict[str, Any], lang: str, start: str
) -> list[Block]:
    """Per role (the seat each journal decision came from): its decisions with the
    evaluator's notes on them, and the findings that concern it."""
    out: list[Block] = []
    groups: dict[str | None, list[SeatedDecision]] = {}
    if not records.seated:
        out.append(Block("note", text("all_roles_note", lang)))
        groups[None] = list(records.decisions)
    else:
        for d in records.decisions:
            groups.setdefault(d.seat, []).append(d)
        roles = getattr(plan, "roles", None)
        for rid in roles or {}:
            groups.setdefault(rid, [])
    by_seat: dict[str | None, list[Finding]] = {}
    for f in findings:
        for found in _finding_seats(f, records, plan):
            by_seat.setdefault(found if found in groups else None, []).append(f)
    if by_seat.get(None) and None not in groups:
        groups[None] = []
    noted = any(records.notes_on_decision(d.index) for d in records.decisions)
    order = sorted(groups, key=lambda s: (s is None, _seat_order(plan, s) if s else (0, "")))
    sep = "、" if lang == "zh" else "; "
    for seat in order:
        decisions = groups[seat]
        out.append(Block("h2", seat_label(seat, labels, lang)))
        if decisions:
            rows = []
            for d in decisions:
                row = [wall_clock(start, d.t), decision_sentence(d.kind, d.data, labels, lang, plan)]
                if noted:
                    row.append(_notes_text(records.notes_on_decision(d.index), start, lang))
                rows.append(row)
            header = [text("col_time", lang), text("col_decision", lang)]
            if noted:
                header.append(text("col_notes", lang))
            out.append(Block("table", header=header, rows=rows, widths=[0.8, 4, 2.5] if noted else [0.8, 6]))
        elif seat is not None or not records.seated:
            out.append(Block("p", text("role_no_decisions", lang)))
        mine = by_seat.get(seat, [])
        if mine:
            items = sep.join(
                f"{f.label}（{text(f.grade, lang)}）"
                if lang == "zh"
                else f"{f.label} ({text(f.grade, lang)})"
                for f in mine
            )
            out.append(Block("p", text("role_findings", lang, items=items)))
    return out


def _system_by(spec: Any, plan: Any, labels: dict[str, Any], lang: str) -> str | None:
    if spec is None:
        return None
    by = system_step_by(spec, plan)
    if by is None:
        return None
    known = labels.get(by)
    return str(known.get(lang)) if known is not None else by


def _assumed(card: Any, mid: str) -> bool:
    m = card.by_id().get(mid)
    return bool(m and m.assumed)


def _labels(drill: Drill) -> dict[str, Any]:
    """Display names of everything the log's subjects may name, from the drill's snapshot."""
    snap = drill.snapshot()
    out: dict[str, Any] = {}
    for group in (snap.teams, snap.officials, snap.incidents, snap.topics, snap.venues):
        for item in group:
            out[item.id] = item.label
    return out


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
        system_by = _system_by(spec, plan, labels, lang)
        grade = None
        if m.actual == MISSED:
            plan_arm = m.arms["plan"]
            team = m.arms["team"]
            if system_by is not None or m.verdict == STAFFING:
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
        sentence = verdict_sentence(m, lang, system_by)
        if system_by is None and m.vs_plan.n and (m.vs_plan.a_only or m.vs_plan.b_only):
            sentence += (" " if lang == "en" else "") + text(
                "paired", lang, a=m.vs_plan.a_only, b=m.vs_plan.b_only, p=p_text(m.vs_plan.p_value)
            )
        kind = kinds.get(m.id, "")
        if system_by is not None:
            action = text("act_system", lang, by=system_by, what=m.label(lang))
        elif grade == "grade_rectify":
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
        moved_by = () if system_by is not None else DECISIONS_FOR.get(kind, ())
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
