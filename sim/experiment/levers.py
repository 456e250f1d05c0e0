"""The single changes to a plan that attribution tries: the levers a unit holds.

- one more member of a team on duty from the start (``team:<id>:+1``), and the
  whole team on duty (``team:<id>:all``); a team's call-in N minutes sooner;
- an official arriving N minutes sooner (``official:<id>:sooner``);
- a venue open from the start (``venue:<id>:open``);
- travel to a site N minutes sooner; a channel's service twice as fast;
  the policy task force's drafting, or the liaison's and the reinforcements'
  arrival, N minutes sooner.

Each change is a set of ``--set`` paths (``sim.engine.params``). "N minutes
sooner" shifts the distribution down by N, clipped at 0 (so a draw becomes
``max(0, draw - N)`` from the same uniform number, where the shape allows; a
log-normal loses its floor first, then its median): every change is monotone
in the very draw it changes.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from ..spec.plan import Plan
from ..spec.scenario import Scenario

SOONER_MIN = 15.0  # the default "N minutes sooner"
FASTER = 0.5  # a channel's mean service time is multiplied by this


class Lever(StrEnum):
    """The kinds of single change tried."""

    MORE_STAFF = "more_staff"  # one more member on duty from the start
    WHOLE_TEAM = "whole_team"  # the whole team on duty from the start
    CALL_IN = "call_in"  # a team's call-in N min sooner
    OFFICIAL = "official"  # an official arrives N min sooner
    VENUE = "venue"  # a venue open from the start
    TRAVEL = "travel"  # travel to a site N min sooner
    SERVICE = "service"  # a channel's service twice as fast
    WORK = "work"  # drafting or liaison work N min sooner


@dataclass(frozen=True)
class Change:
    key: str  # stable id, e.g. "team:reception:+1"
    lever: Lever
    params: dict[str, Any]  # --set paths applied on top of the study's own
    label_zh: str
    label_en: str

    def label(self, lang: str) -> str:
        return self.label_zh if lang == "zh" else self.label_en


def shift_sooner(dist: dict[str, Any], minutes: float) -> dict[str, Any] | None:
    """A distribution's dump shifted ``minutes`` down, clipped at 0; None when
    it already is 0 (nothing to gain)."""
    d = dict(dist)
    kind = d.get("dist")
    if kind == "fixed":
        d["value"] = max(0.0, float(d["value"]) - minutes)
    elif kind in ("uniform", "triangular"):
        for k in ("low", "mode", "high"):
            if k in d:
                d[k] = max(0.0, float(d[k]) - minutes)
    elif kind == "exponential":
        d["mean"] = max(1e-6, float(d["mean"]) - minutes)
    elif kind == "lognormal":
        low = float(d.get("low", 0.0))
        cut = min(low, minutes)
        d["low"] = low - cut
        rest = minutes - cut
        if rest > 0:
            factor = math.exp(float(d["sigma"]) ** 2 / 2)
            d["median"] = max(1e-6, float(d["median"]) - rest / factor)
    else:
        return None
    return None if d == dist else d


def _mean(dist: Any) -> float:
    return float(dist.mean())


def changes(plan: Plan, scenario: Scenario, sooner_min: float = SOONER_MIN) -> list[Change]:
    """Every single change tried, in a fixed order (teams, officials, venues,
    sites, channels, the policy task force's and the site's work)."""
    n = f"{sooner_min:g}"
    out: list[Change] = []

    def dump(model: Any) -> dict[str, Any]:
        return dict(model.model_dump(by_alias=True))

    for tid, team in plan.teams.items():
        zh, en = team.label.zh, team.label.en
        more = {f"teams.{tid}.on_duty_people": team.on_duty_people + 1}
        if team.on_duty_people >= team.size_people:
            more[f"teams.{tid}.size_people"] = team.size_people + 1
        out.append(
            Change(
                f"team:{tid}:+1",
                Lever.MORE_STAFF,
                more,
                f"{zh}在岗增加1人（{team.on_duty_people}→{team.on_duty_people + 1}）",
                f"one more of {en} on duty ({team.on_duty_people} → {team.on_duty_people + 1})",
            )
        )
        if team.size_people > team.on_duty_people + 1:
            out.append(
                Change(
                    f"team:{tid}:all",
                    Lever.WHOLE_TEAM,
                    {f"teams.{tid}.on_duty_people": team.size_people},
                    f"{zh}全员在岗（{team.size_people}人）",
                    f"the whole of {en} on duty ({team.size_people})",
                )
            )
        shifted = shift_sooner(dump(team.call_in_min), sooner_min)
        if shifted is not None and team.on_duty_people < team.size_people:
            out.append(
                Change(
                    f"team:{tid}:sooner",
                    Lever.CALL_IN,
                    {f"teams.{tid}.call_in_min": shifted},
                    f"{zh}召集提前{n}分钟",
                    f"{en} called in {n} min sooner",
                )
            )
    for oid, official in plan.officials.items():
        if official.on_site_at_start:
            continue
        shifted = shift_sooner(dump(official.arrival_min), sooner_min)
        if shifted is not None:
            out.append(
                Change(
                    f"official:{oid}:sooner",
                    Lever.OFFICIAL,
                    {f"officials.{oid}.arrival_min": shifted},
                    f"{official.label.zh}提前{n}分钟到达",
                    f"{official.label.en} arriving {n} min sooner",
                )
            )
    for vid, venue in plan.venues.items():
        if not venue.open_at_start:
            out.append(
                Change(
                    f"venue:{vid}:open",
                    Lever.VENUE,
                    {f"venues.{vid}.open_at_start": True},
                    f"{venue.label.zh}一开始即开放",
                    f"{venue.label.en} open from the start",
                )
            )
    for sid, site in plan.sites.items():
        shifted = shift_sooner(dump(site.travel_min), sooner_min)
        if shifted is not None:
            out.append(
                Change(
                    f"site:{sid}:sooner",
                    Lever.TRAVEL,
                    {f"sites.{sid}.travel_min": shifted},
                    f"前往{site.label.zh}路程缩短{n}分钟",
                    f"travel to {site.label.en} {n} min shorter",
                )
            )
    for cid, channel in plan.channels.items():
        mean = _mean(channel.service_min)
        if mean > 0:
            out.append(
                Change(
                    f"channel:{cid}:faster",
                    Lever.SERVICE,
                    {f"channels.{cid}.service_min.mean": mean * FASTER},
                    f"{channel.label.zh}平均办理时间减半（{mean:g}→{mean * FASTER:g}分钟）",
                    f"{channel.label.en} twice as fast (mean {mean:g} → {mean * FASTER:g} min)",
                )
            )
    work = (
        ("policy_work", "initial_reply_min", "初步答复口径", "the initial reply"),
        ("policy_work", "statement_min", "网上回应稿", "a public statement"),
        ("policy_work", "package_solution_min", "一揽子方案", "the package solution"),
        ("site_work", "liaison_min", "单位或家属到场", "employers or family arriving"),
        ("site_work", "support_min", "增援到达", "reinforcements arriving"),
    )
    for part, key, zh, en in work:
        shifted = shift_sooner(dump(getattr(getattr(plan, part), key)), sooner_min)
        if shifted is not None:
            out.append(
                Change(
                    f"{part}:{key}:sooner",
                    Lever.WORK,
                    {f"{part}.{key}": shifted},
                    f"{zh}提前{n}分钟",
                    f"{en} {n} min sooner",
                )
            )
    return out
