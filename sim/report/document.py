"""The after-action report as a list of blocks, in one language; the md, html
and docx writers only lay these out.

Everything in it is computed from the drill's event log (rebuilt from the
journal) and from the counterfactual comparison.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from ..counterfactual import LUCK, MET_SOLID, Comparison
from ..engine.drill import Drill
from ..engine.milestones import MET, MISSED
from ..engine.version import MODEL_VERSION
from ..fairness import is_system
from ..present import id_labels, milestone_result_text, seat_label, unit_and_plan_title, wall_clock
from ..stats.censoring import Status, status_of
from .blocks import Block
from .catalog import CAPABILITIES, text
from .findings import Finding, make_findings, pct, pct_short, system_by, verdict_sentence
from .records import FACILITATOR_KIND, Records
from .roles import by_role, finding_seats, notes_text, seat_order
from .timeline import EVENTS, ROMAN, decision_label, timeline_rows

__all__ = [
    "EVENTS",
    "ROMAN",
    "Block",
    "Finding",
    "build_blocks",
    "decision_label",
    "make_findings",
    "pct",
    "pct_short",
    "timeline_rows",
    "verdict_sentence",
]


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
    seats = sorted({d.seat for d in records.decisions if d.seat}, key=lambda s: seat_order(plan, s))
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
    b.extend(by_role(records, findings, plan, labels, lang, start))

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
            final_status(m.actual),
            res.met_at if res else None,
            m.actual_after,
            m.deadline_min,
            clock,
            start,
            lang,
        )
        name = m.label(lang) + (" *" if _assumed(card, m.id) else "")
        if is_system(spec, plan):
            name += text("system_mark", lang)
        row = [ROMAN.get(m.level, m.level) if (m.level and lang == "zh") else (m.level or "–"), name, result]
        if noted:
            row.append(notes_text(records.notes_on_milestone(m.id), start, lang))
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
            by = system_by(specs.get(m.id), plan, labels, lang)
            b.append(Block("bullet", f"{m.label(lang)}{colon}{verdict_sentence(m, lang, by)}"))
        elif final_status(m.actual) == Status.UNDECIDED:
            b.append(Block("bullet", f"{m.label(lang)}{colon}{text('undecided_sentence', lang)}"))

    # 5 capabilities
    b.append(Block("h1", text("s_capabilities", lang)))
    b.append(Block("p", text("rating_rule", lang)))
    crow = []
    for cap, measures in CAPABILITIES.items():
        ms = [
            m
            for m in cmp.milestones
            if kinds.get(m.id) in measures
            and m.actual in (MET, MISSED)
            and not is_system(specs.get(m.id), plan)
        ]
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
                evidence += (" " if lang == "en" else "") + notes_text(notes, start, lang)
            roles = sep.join(seat_label(s, labels, lang) for s in finding_seats(f, records, plan))
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
    good = [
        m.label(lang)
        for m in cmp.milestones
        if m.verdict == MET_SOLID and not is_system(specs.get(m.id), plan)
    ]
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
        b.append(Block("bullet", text("lesson_notes", lang, items=notes_text(general, start, lang))))

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


def final_status(status: str) -> str:
    """A finished drill's status as the report shows it: pending at the end is undecided."""
    try:
        return status_of(status).value if status == "pending" else status
    except ValueError:
        return status


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
