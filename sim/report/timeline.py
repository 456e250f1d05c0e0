"""The report's timeline: what happened, when, and from which seat, read from the log."""

from __future__ import annotations

from typing import Any

from ..engine import decisions as D
from ..engine.drill import Drill
from ..engine.facilitator import FacilitatorAction
from ..present import decision_sentence, id_labels, seat_label, wall_clock
from .catalog import pick, text
from .records import FACILITATOR_KIND, Records


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


def seats_by_entry(drill: Drill, records: Records) -> dict[int, str | None]:
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
    seats = seats_by_entry(drill, records) if seated and records is not None else {}

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
