"""The static check: a lower bound on the minutes to meet a milestone from the
plan's distributions alone, before any replication runs. A limit below it is
*infeasible* (``sim.stats.Verdict.INFEASIBLE``)."""

from __future__ import annotations

from typing import Any


def fastest(plan: Any, scenario: Any, milestone: Any) -> tuple[float, str] | None:
    """A lower bound on the minutes from the clock's start to meeting ``milestone``,
    with what it comes from; None when the model gives no static bound."""
    if milestone.clock == "incident_start":
        return None  # the work may start before the clock (scheduled visits)
    m = milestone.measure
    kind = m.kind
    travel, site = 0.0, None
    for inc in scenario.incidents:
        loc = getattr(inc, "location", None)
        if loc is not None:
            if loc in plan.sites:
                site = loc
                travel = plan.sites[loc].travel_min.lowest()
            break
    if kind == "official_on_site":
        o = plan.officials[m.official]
        return (
            (0.0, "") if o.on_site_at_start else (o.arrival_min.lowest(), f"fastest arrival of {m.official}")
        )
    if kind == "team_on_site":
        t = plan.teams[m.team]
        need = m.people or t.size_people
        base = 0.0 if t.on_duty_people >= need else t.call_in_min.lowest()
        what = f"fastest call-in of {m.team}" if base else f"{m.team} on duty"
        if site:
            what += f" + fastest travel to {site}"
        return base + travel, what
    if kind == "teams_all_on_duty":
        best = (0.0, "")
        for team_id in m.teams:
            t = plan.teams[team_id]
            if t.on_duty_people < t.size_people and t.call_in_min.lowest() > best[0]:
                best = (t.call_in_min.lowest(), f"fastest call-in of {team_id}")
        return best
    if kind == "venue_open":
        v = plan.venues[m.venue]
        return (0.0, "") if v.open_at_start else (v.open_min.lowest(), f"fastest opening of {m.venue}")
    if kind == "alert_step":
        names = [s.step for s in plan.alert_chain]
        if m.step not in names:
            return None
        upto = names.index(m.step)
        steps = (
            plan.alert_chain[upto : upto + 1]
            if milestone.clock == "previous_step"
            else plan.alert_chain[: upto + 1]
        )
        if milestone.clock not in ("previous_step", "first_report"):
            return None
        return sum(s.duration_min.lowest() for s in steps), f"fastest {m.step} step"
    pw = plan.policy_work
    if pw is None:
        return None
    if kind == "reply_issued":
        return pw.initial_reply_min.lowest(), "fastest drafting of the initial reply"
    if kind == "statement_published":
        return pw.statement_min.lowest(), "fastest drafting of a statement"
    if kind == "package_signed":
        low = pw.package_solution_min.lowest()
        if pw.signatory and pw.signatory in plan.officials:
            o = plan.officials[pw.signatory]
            arrive = 0.0 if o.on_site_at_start else o.arrival_min.lowest()
            if arrive > low:
                return arrive, f"fastest arrival of the signatory {pw.signatory}"
        return low, "fastest drafting of the package solution"
    return None


def static_check(plan: Any, scenario: Any) -> dict[str, str]:
    """Milestone id -> why its limit cannot be met (only the infeasible ones)."""
    out = {}
    for _level, m in plan.all_milestones():
        if m.measure.kind == "beyond_model":
            continue
        bound = fastest(plan, scenario, m)
        if bound is not None and bound[0] > m.deadline_min + 1e-9:
            out[m.id] = f"{bound[1]} is {bound[0]:g} min > limit {m.deadline_min:g} min"
    return out
