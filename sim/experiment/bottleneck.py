"""Which team's or official's arrival, or which wait, accounts for a missed milestone.

For each missed milestone of one replication (read from the event log only):

1. milestones about one official or team (``official_on_site``, ``team_on_site``,
   ``teams_all_on_duty``) blame that person or team (for several teams, the one
   whose needed members came last); an ``alert_step`` blames the step's own time;
2. otherwise, the latest-arriving team or official among those asked for
   before the deadline who had not arrived by it (the critical path);
3. otherwise, for head-count milestones, people still waiting for reception at
   the deadline (``wait:<team that registers>``);
4. otherwise the last arrival between the clock's start and the deadline, or
   the work itself (``work:<measure>``: drafting, crowd dynamics).

Causes are strings ``official:<id>``, ``team:<id>``, ``step:<alert step>``, ``wait:<team>`` or
``work:<measure>``; ``summarise`` counts them over replications.
"""

from __future__ import annotations

import math
from collections import Counter
from typing import Any

INF = math.inf


def _index(entries: list[Any]) -> dict[str, Any]:
    arrivals: dict[str, list[float]] = {}  # "team:x" / "official:y" -> arrival times
    asked: dict[str, float] = {}  # first time each was summoned / called in
    applies: dict[str, Any] = {}
    arrive_t: list[float] = []
    registered: list[tuple[float, str]] = []
    left: list[tuple[float, int]] = []
    for e in entries:
        kind = e.kind
        if kind == "team_arrived":
            arrivals.setdefault(f"team:{e.subject}", []).append(e.t)
        elif kind == "official_arrived":
            arrivals.setdefault(f"official:{e.subject}", []).append(e.t)
        elif kind == "decision":
            if e.subject == "summon" and e.data.get("official"):
                asked.setdefault(f"official:{e.data['official']}", e.t)
            elif e.subject == "call_in" and e.data.get("team"):
                asked.setdefault(f"team:{e.data['team']}", e.t)
        elif kind == "milestone_applies":
            applies[e.subject] = e.data
        elif kind == "arrive":
            arrive_t.append(e.t)
        elif kind == "registered":
            registered.append((e.t, str(e.data.get("by", ""))))
        elif kind == "left":
            left.append((e.t, int(e.data.get("n", 0))))
    return {
        "arrivals": arrivals,
        "asked": asked,
        "applies": applies,
        "arrive_t": arrive_t,
        "registered": registered,
        "left": left,
    }


def _nth_arrival(times: list[float], n: int) -> float:
    return sorted(times)[n - 1] if len(times) >= n else INF


# who does the work a measure asks for (duties of teams; the package's signatory)
_DUTIES = {
    "cordon_set": ("order",),
    "medical_standby": ("medical",),
    "legal_aid_started": ("legal_aid",),
    "reply_issued": ("policy",),
    "statement_published": ("policy", "public_info"),
    "package_signed": ("policy",),
    "head_count_below": ("reception", "liaison"),
    "crowd_and_heat_down": ("reception", "liaison", "public_info"),
}


def _relevant(plan: Any, kind: str) -> set[str] | None:
    duties = _DUTIES.get(kind)
    if duties is None:
        return None
    out = {f"team:{tid}" for tid, t in plan.teams.items() if any(str(d) in duties for d in t.duties)}
    pw = getattr(plan, "policy_work", None)
    if kind == "package_signed" and pw is not None and pw.signatory:
        out.add(f"official:{pw.signatory}")
    return out


def cause_of(plan: Any, milestone: Any, idx: dict[str, Any], on_duty: dict[str, int]) -> str:
    data = idx["applies"].get(milestone.id)
    if data is None:
        return "work:not_applicable"
    start, deadline = float(data["clock_start"]), float(data["deadline"])
    m = milestone.measure
    kind = m.kind
    arrivals = idx["arrivals"]
    if kind == "official_on_site":
        return f"official:{m.official}"
    if kind == "team_on_site":
        return f"team:{m.team}"
    if kind == "teams_all_on_duty":
        worst, worst_t = None, -INF
        for team_id in m.teams:
            team = plan.teams[team_id]
            missing = team.size_people - on_duty.get(team_id, team.on_duty_people)
            t = _nth_arrival(arrivals.get(f"team:{team_id}", []), missing) if missing > 0 else -INF
            if t > worst_t:
                worst, worst_t = team_id, t
        return f"team:{worst}" if worst else "work:teams_all_on_duty"
    if kind == "alert_step":
        return f"step:{m.step}"
    relevant = _relevant(plan, kind)
    # critical path: asked for before the deadline, not there by it
    late = []
    for who, t_asked in idx["asked"].items():
        if t_asked > deadline or (relevant is not None and who not in relevant):
            continue
        first = min(arrivals.get(who, [INF]))
        if first > deadline:
            late.append((first, who))
    if late:
        return str(max(late)[1])
    if kind in ("head_count_below", "crowd_and_heat_down"):
        came = sum(1 for t in idx["arrive_t"] if t <= deadline)
        served = [by for t, by in idx["registered"] if t <= deadline]
        gone = sum(n for t, n in idx["left"] if t <= deadline)
        if came - max(len(served), gone) > 0:
            team = Counter(served).most_common(1)[0][0] if served else "reception"
            return f"wait:{team}"
    recent = [
        (max(t for t in times if start < t <= deadline), who)
        for who, times in arrivals.items()
        if any(start < t <= deadline for t in times) and (relevant is None or who in relevant)
    ]
    if recent and kind not in ("head_count_below", "crowd_and_heat_down"):
        return str(max(recent)[1])
    return f"work:{kind}"


def attribute(drill: Any, flat: dict[str, Any]) -> dict[str, str | None]:
    """``cause_<milestone>`` for each milestone missed in this replication (None otherwise)."""
    plan = drill.plan
    idx: dict[str, Any] | None = None
    on_duty = {tid: t.on_duty_people for tid, t in plan.teams.items()}
    out: dict[str, str | None] = {}
    for _level, m in plan.all_milestones():
        if flat.get(f"met_{m.id}") is False:
            if idx is None:
                idx = _index(drill.log.entries)
            out[f"cause_{m.id}"] = cause_of(plan, m, idx, on_duty)
        else:
            out[f"cause_{m.id}"] = None
    return out


def summarise(causes: list[str | None]) -> tuple[str, int, int] | None:
    """(most frequent cause, its count, misses) over replications; None when nothing was missed."""
    found = [c for c in causes if c]
    if not found:
        return None
    cause, count = Counter(found).most_common(1)[0]
    return cause, count, len(found)


def describe(cause: str, plan: Any, lang: str) -> str:
    kind, _, name = cause.partition(":")
    zh = lang == "zh"
    if kind == "official":
        o = plan.officials.get(name)
        label = o.label.get(lang) if o is not None else name
        return f"{label}到达" if zh else f"{label}'s arrival"
    if kind == "team":
        t = plan.teams.get(name)
        label = t.label.get(lang) if t is not None else name
        return f"{label}到岗" if zh else f"{label} arriving"
    if kind == "step":
        step = next((s for s in plan.alert_chain if s.step == name), None)
        if step is not None:
            by = plan.officials.get(step.by) or plan.teams.get(step.by)
            who = by.label.get(lang) if by is not None else step.by
            return (
                f"{step.label.get(lang)}（{who}）用时"
                if zh
                else f"time taken by '{step.label.get(lang)}' ({who})"
            )
        return name
    if kind == "wait":
        t = plan.teams.get(name)
        label = t.label.get(lang) if t is not None else name
        return f"等候{label}接待" if zh else f"waiting for {label}"
    return f"处置工作本身（{name}）" if zh else f"the work itself ({name})"
