"""The numbers a plan and a scenario mark ``assumed: true``, as factors with a range.

Every number inside a block marked ``assumed: true`` (a team, a behaviour, a
milestone, a trigger, a distribution given inline) is one factor, named by its
``--set`` path (``teams.reception.call_in_min.mean``,
``incidents.drivers.behaviour.reply_drop``, ``levels.III.triggers.0.head_count_at_least_people``).
A distribution is one factor: its mean, rescaled with its shape kept
(``sim.engine.params``). A milestone's factor is its deadline, not what it
measures. Ranges, from each value ``v``:

- times, rates, counts and anything with a unit or above 1: ``v × 0.5`` to ``v × 2``
  (integers rounded, at least 1 where the file has at least 1);
- fractions, probabilities and thresholds in [0, 1] without a unit: halfway to 0
  and halfway to 1, ``v / 2`` to ``(1 + v) / 2``;
- then each end is brought back towards ``v`` (halving the distance, up to 8 times)
  until the schema accepts it alone; such a range is marked ``clipped``.

A number that is 0 has no relative range and is left out (a structural zero:
no member on duty, a drop that does not apply); so is an end the schema never
accepts. Both are listed with the reason (``skipped``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from ..engine import params as P
from ..spec.plan import Plan
from ..spec.problems import SpecError
from ..spec.scenario import Scenario

UNIT_SUFFIXES = ("_min", "_per_hour", "_people")
# not model inputs: citations and labels, a milestone's measure, a level's actions, and the
# calibration targets a scenario is checked against (their bands may be assumed too)
SKIP_KEYS = {
    "assumed",
    "reason",
    "source",
    "label",
    "id",
    "kind",
    "text",
    "title",
    "measure",
    "actions",
    "calibration",
}

# zh names of the keys found in assumed blocks (en: the key itself, with spaces)
KEY_ZH = {
    "size_people": "人数",
    "on_duty_people": "在岗人数",
    "call_in_min": "召集用时",
    "arrival_min": "到达用时",
    "capacity_people": "容量",
    "open_min": "开放用时",
    "travel_min": "路程用时",
    "service_min": "办理用时",
    "share": "分流比例",
    "initial_reply_min": "初步答复用时",
    "package_solution_min": "一揽子方案用时",
    "statement_min": "回应稿用时",
    "cordon_people": "警戒人数",
    "standby_people": "医疗待命人数",
    "liaison_min": "单位或家属到场用时",
    "support_min": "增援用时",
    "support_fraction": "增援比例",
    "deadline_min": "时限",
    "head_count_at_least_people": "触发人数",
    "agitation_at_least": "触发情绪值",
    "heat_at_least": "触发热度",
    "patience_min": "耐心时长",
    "representatives_min": "推选代表用时",
    "initial_agitation": "初始情绪",
    "reply_drop": "答复后情绪下降",
    "package_drop": "方案后情绪下降",
    "answered_leave_per_hour": "答复后离开率",
    "helped_leave_per_hour": "劝离率",
    "escalation_per_hour": "升级率",
    "heat_threshold": "热度阈值",
    "waiting_rise_per_hour": "等候时情绪上升",
    "no_official_rise_per_hour": "无领导到场时情绪上升",
    "dialogue_calm_per_hour": "对话平复",
    "family_drop": "家属到场后情绪下降",
    "legal_aid_calm_per_hour": "法律援助平复",
    "escalation_agitation": "升级情绪阈值",
    "escalation_calm_min": "升级后平复用时",
    "injury_chance_no_medical": "无医疗时受伤概率",
    "injury_chance_with_medical": "有医疗时受伤概率",
    "heat_events_per_escalation": "每次升级引发的网络事件",
    "outside_rise_per_hour": "室外情绪上升",
    "cordon_escalation_factor": "警戒下升级系数",
    "escalation_with_order_min": "有秩序维护时升级用时",
    "arrival_spread_min": "到达分散时长",
    "base_events_per_hour": "基础发帖率",
    "excitation": "自激强度",
    "kernel_decay_per_hour": "自激衰减率",
    "heat_per_event": "每帖热度",
    "heat_decay_per_hour": "热度衰减率",
    "statement_excitation_factor": "回应后自激系数",
    "statement_base_factor": "回应后基础发帖系数",
    "statement_timely_min": "及时回应时限",
    "min_gap_min": "聚集最短间隔",
    "max_gatherings": "最多聚集次数",
    "initial_heat": "初始热度",
    "policy_work": "政策攻坚工作",
    "site_work": "现场工作",
}


@dataclass(frozen=True)
class Assumption:
    path: str  # the --set path
    label_zh: str
    label_en: str
    value: float  # as in the files (a distribution: its mean)
    low: float
    high: float
    integer: bool
    rule: str  # "x0.5-x2" or "halfway to 0 and 1"
    clipped: bool = False  # an end was brought in to what the schema accepts
    milestone: str | None = None  # the milestone whose deadline this is

    def label(self, lang: str) -> str:
        return self.label_zh if lang == "zh" else self.label_en


def dist_mean(d: dict[str, Any]) -> float | None:
    kind = d.get("dist")
    if kind == "fixed":
        return float(d["value"])
    if kind == "uniform":
        return (float(d["low"]) + float(d["high"])) / 2
    if kind == "triangular":
        return (float(d["low"]) + float(d["mode"]) + float(d["high"])) / 3
    if kind == "exponential":
        return float(d["mean"])
    if kind == "lognormal":
        return float(d.get("low", 0.0)) + float(d["median"]) * math.exp(float(d["sigma"]) ** 2 / 2)
    return None


def _range(key: str, value: float, integer: bool) -> tuple[float, float, str]:
    if not key.endswith(UNIT_SUFFIXES) and 0 < value <= 1 and not integer:
        return value / 2, (1 + value) / 2, "halfway to 0 and 1"
    low, high = sorted((value * 0.5, value * 2))  # a negative deadline (before its clock) too
    if integer:
        low, high = max(1 if value >= 1 else 0, round(low)), round(high)
    return low, high, "x0.5-x2"


@dataclass
class _Found:
    path: str
    key: str
    value: float
    integer: bool
    owner: tuple[str, str]  # labels of what the number belongs to (zh, en)
    milestone: str | None


def _walk(data: Any, path: list[str], assumed: bool, owner: tuple[str, str], out: list[_Found]) -> None:
    if isinstance(data, list):
        for i, item in enumerate(data):
            if isinstance(item, dict) and item.get("id"):
                _walk(item, [*path, str(item["id"])], assumed, owner, out)
            else:  # addressed by position; named by its number from 1
                _walk(item, [*path, str(i)], assumed, (f"{owner[0]} #{i + 1}", f"{owner[1]} #{i + 1}"), out)
        return
    if not isinstance(data, dict):
        return
    here = assumed or data.get("assumed") is True
    label = data.get("label")
    if isinstance(label, dict) and "zh" in label:
        owner = (str(label["zh"]), str(label["en"]))
    elif len(path) == 2:  # a section of the file without a label: policy_work, site_work
        owner = (KEY_ZH.get(path[1], path[1]), path[1].replace("_", " "))
    if "dist" in data:
        mean = dist_mean(data)
        if here and mean is not None:
            out.append(_Found(".".join([*path, "mean"]), path[-1], mean, False, owner, None))
        return
    milestone = str(data["id"]) if "measure" in data and "deadline_min" in data else None
    for key, value in data.items():
        if key in SKIP_KEYS:
            continue
        if isinstance(value, bool):
            continue
        if isinstance(value, int | float):
            if here:
                found = _Found(".".join([*path, key]), key, float(value), isinstance(value, int), owner, None)
                found.milestone = milestone if key == "deadline_min" else None
                out.append(found)
        elif isinstance(value, dict | list):
            _walk(value, [*path, key], here, owner, out)


def _accepted(plan: Plan, scenario: Scenario, path: str, value: float) -> bool:
    try:
        P.apply(plan, scenario, {path: value})
    except SpecError:
        return False
    return True


def _bring_in(plan: Plan, scenario: Scenario, f: _Found, end: float) -> float | None:
    for _ in range(9):
        candidate = round(end) if f.integer else end
        if candidate == f.value:
            return None
        if _accepted(plan, scenario, f.path, candidate):
            return candidate
        end = f.value + (end - f.value) / 2
    return None


def assumptions(plan: Plan, scenario: Scenario) -> tuple[list[Assumption], list[tuple[str, str]]]:
    """(factors, skipped as (path, why)) over every assumed number of the plan and the scenario."""
    found: list[_Found] = []
    _walk(plan.model_dump(by_alias=True), ["plan"], False, ("", ""), found)
    _walk(scenario.model_dump(by_alias=True), ["scenario"], False, ("", ""), found)
    out: list[Assumption] = []
    skipped: list[tuple[str, str]] = []
    seen: set[str] = set()
    for f in found:
        if f.path in seen:
            continue
        seen.add(f.path)
        if f.value == 0:
            skipped.append((f.path, "0 in the file: no relative range"))
            continue
        low, high, rule = _range(f.key, f.value, f.integer)
        lo, hi = _bring_in(plan, scenario, f, low), _bring_in(plan, scenario, f, high)
        if lo is None and hi is None:
            skipped.append((f.path, "the schema accepts no other value near it"))
            continue
        clipped = (low != f.value and lo != low) or (high != f.value and hi != high)
        key_en = (
            f.key.removesuffix("_min").removesuffix("_people").removesuffix("_per_hour").replace("_", " ")
        )
        unit = next((s[1:].replace("_", " ") for s in UNIT_SUFFIXES if f.key.endswith(s)), "")
        unit_en = f" ({unit})" if unit and unit != "people" else ""
        name_zh = KEY_ZH.get(f.key, f.key)
        out.append(
            Assumption(
                f.path,
                f"{f.owner[0]}：{name_zh}" if f.owner[0] else name_zh,
                f"{f.owner[1]}: {key_en}{unit_en}" if f.owner[1] else f"{key_en}{unit_en}",
                f.value,
                f.value if lo is None else float(lo),
                f.value if hi is None else float(hi),
                f.integer,
                rule,
                clipped,
                f.milestone,
            )
        )
    return out, skipped
