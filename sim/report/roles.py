"""The report's section by role: each seat's decisions with the evaluator's notes,
and the findings that concern it."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..present import decision_sentence, seat_label, wall_clock
from .blocks import Block
from .catalog import text
from .records import EvaluatorNote, Records, SeatedDecision

if TYPE_CHECKING:
    from .findings import Finding


def notes_text(notes: list[EvaluatorNote], start: str, lang: str) -> str:
    sep = "；" if lang == "zh" else "; "
    return sep.join(text("note_item", lang, at=wall_clock(start, n.t), text=n.text) for n in notes)


def seat_order(plan: Any, seat: str | None) -> tuple[int, str]:
    if seat is None:
        return (1 << 30, "")
    roles = getattr(plan, "roles", None)
    order = list(roles) if isinstance(roles, dict) else []
    return (order.index(seat) if seat in order else len(order), seat)


def finding_seats(f: Finding, records: Records, plan: Any) -> list[str | None]:
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
    return sorted(took, key=lambda s: seat_order(plan, s))


def by_role(
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
        for found in finding_seats(f, records, plan):
            by_seat.setdefault(found if found in groups else None, []).append(f)
    if by_seat.get(None) and None not in groups:
        groups[None] = []
    noted = any(records.notes_on_decision(d.index) for d in records.decisions)
    order = sorted(groups, key=lambda s: (s is None, seat_order(plan, s) if s else (0, "")))
    sep = "、" if lang == "zh" else "; "
    for seat in order:
        decisions = groups[seat]
        out.append(Block("h2", seat_label(seat, labels, lang)))
        if decisions:
            rows = []
            for d in decisions:
                row = [wall_clock(start, d.t), decision_sentence(d.kind, d.data, labels, lang, plan)]
                if noted:
                    row.append(notes_text(records.notes_on_decision(d.index), start, lang))
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
