"""Scorecards and outcome figures as text people read, in zh or en (rich tables).

Shared by ``drill run``, ``drill replay`` and the other headless commands.
"""

from __future__ import annotations

import math
from typing import Any

from rich.table import Table

from .engine.scorecard import Scorecard
from .labels import decision_text, label
from .spec.common import Text

STATUS = {
    "met": ("达成", "met"),
    "missed": ("未达成", "missed"),
    "pending": ("未到期", "pending"),
    "undecided": ("推演内未定", "undecided in the drill"),
    "untimed": ("预案未定时限", "no limit in the plan"),
    "not_yet": ("尚未适用", "not yet"),
    "not_applicable": ("不适用", "n/a"),
    "beyond": ("超出推演时长", "beyond drill"),
    "beyond_model": ("超出推演时长", "beyond drill"),
}
STYLE = {
    "met": "green",
    "missed": "red",
    "pending": "yellow",
    "undecided": "yellow",
    "not_applicable": "dim",
    "untimed": "dim",
    "beyond": "dim",
    "beyond_model": "dim",
}

OUTCOMES = {
    "peak_crowd": ("现场峰值人数", "peak crowd on site"),
    "peak_heat": ("网络热度峰值", "peak online heat"),
    "escalations": ("过激行为次数", "escalations"),
    "injuries": ("受伤人数", "injuries"),
    "left_unanswered": ("未获答复离开", "left unanswered"),
    "claims_registered": ("登记诉求数", "claims registered"),
    "people_arrived": ("到场总人数", "people who came"),
    "copycat_gatherings": ("跟风聚集", "copycat gatherings"),
    "self_harm_acts": ("自伤行为", "self-harm acts"),
    "resolved_safely": ("安全化解", "resolved safely"),
    "statements": ("发布信息次数", "statements published"),
    "decisions": ("决策次数", "decisions taken"),
    "level": ("响应级别", "response level"),
}


def status_text(status: str, lang: str) -> str:
    zh, en = STATUS.get(status, (status, status))
    return zh if lang == "zh" else en


def minutes(value: float | None) -> str:
    if value is None:
        return "–"
    return f"{value:.0f}"


def scorecard_table(
    card: Scorecard, lang: str, title: str = "", plan: Any = None, wall_start: str | None = None
) -> Table:
    """The milestone table. With the plan and the scenario's wall-clock start, each
    result reads as a person says it ("met 09:15 — 45 of 60 min after the first
    report"): a moment as the time of day, a span from its named clock start."""
    zh = lang == "zh"
    clocks = {m.id: str(m.clock) for _level, m in plan.all_milestones()} if plan is not None else {}
    told = bool(clocks) and wall_start is not None
    table = Table(title=title or ("里程碑" if zh else "Milestones"), title_justify="left")
    for col in (
        ("级别" if zh else "level"),
        ("里程碑" if zh else "milestone"),
        ("时限(分)" if zh else "limit (min)"),
        *(() if told else (("用时(分)" if zh else "took (min)"),)),
        ("结果" if zh else "result"),
    ):
        table.add_column(col)
    for m in card.milestones:
        limit = "–" if m.deadline_min == float("inf") else f"{m.deadline_min:g}"  # untimed: no limit
        limit += "*" if m.assumed else ""
        style = STYLE.get(m.status, "")
        if told and m.id in clocks:
            assert wall_start is not None
            result = milestone_result_text(
                m.status, m.met_at, m.after_min, m.deadline_min, clocks[m.id], wall_start, lang
            )
            table.add_row(m.level or "–", m.label(lang), limit, f"[{style}]{result}[/]")
            continue
        table.add_row(
            m.level or "–",
            m.label(lang),
            limit,
            "–" if m.after_min is None else str(ceil_min(m.after_min)),  # rounded up: 30.4 of 30 shows 31
            f"[{style}]{status_text(m.status, lang)}[/]",
        )
    table.caption = "* 预案未写明时限，按假设取值" if zh else "* no limit in the plan: an assumed value"
    return table


def outcome_table(outcomes: dict[str, Any], lang: str) -> Table:
    zh = lang == "zh"
    table = Table(title="结果" if zh else "Outcome", title_justify="left", show_header=False)
    table.add_column()
    table.add_column(justify="right")
    for key, (lzh, len_) in OUTCOMES.items():
        if key not in outcomes:
            continue
        value = outcomes[key]
        if isinstance(value, float):
            value = f"{value:,.0f}"
        table.add_row(lzh if zh else len_, "–" if value is None else str(value))
    return table


def print_scorecard(  # type: ignore[no-untyped-def]
    console, card: Scorecard, lang: str, heading: str, plan: Any = None, wall_start: str | None = None
) -> None:
    """The heading line, the milestone table, the outcome figures and the tally."""
    console.print(heading)
    console.print(scorecard_table(card, lang, plan=plan, wall_start=wall_start))
    console.print(outcome_table(card.outcomes, lang))
    counts = card.counts()
    console.print(
        f"达成 {counts['met']} 项，未达成 {counts['missed']} 项"
        if lang == "zh"
        else f"{counts['met']} met, {counts['missed']} missed"
    )


# --- one meaning of time (CONTRACTS.md): moments as the scenario's time of day,
# durations in whole minutes rounded up, from the milestone's own clock start ---------

CLOCK_STARTS = {
    "first_report": ("首报", "the first report"),
    "previous_step": ("上一研判步骤完成", "the previous alert step"),
    "level_declared": ("宣布响应级别", "the level was declared"),
    "incident_start": ("事件发生", "the incident began"),
}


def wall_clock(start: str, minutes: float) -> str:
    """The scenario's time of day ``minutes`` after its wall-clock ``start``
    ("09:15", or "03-03 09:15" past the first day)."""
    from .engine.snapshot import wall_clock as engine_wall_clock  # lazily: views import this module

    return engine_wall_clock(start, minutes)


def ceil_min(value: float) -> int:
    """Whole minutes rounded up, so a shown duration never looks within a limit it
    missed (30.4 → 31 > 30); a hair above a whole minute from float sums is that minute."""
    return math.ceil(value - 1e-9)


def clock_start_text(clock: str, lang: str) -> str:
    zh, en = CLOCK_STARTS.get(clock, (clock, clock))
    return zh if lang == "zh" else en


def span_text(after: float, clock: str, lang: str) -> str:
    """ "45 min after the first report" / "首报后45分钟"; before it for negative spans."""
    start = clock_start_text(clock, lang)
    n = ceil_min(after)
    if lang == "zh":
        return f"{start}后{n}分钟" if n >= 0 else f"{start}前{-n}分钟"
    return f"{n} min after {start}" if n >= 0 else f"{-n} min before {start}"


def limit_minutes(deadline_min: float, assumed: bool = False) -> str:
    """A limit's minutes for a table's limit column: "60", "45*" (assumed), "–" for an
    action the plan names with no time (its deadline is infinite, never "inf")."""
    if not math.isfinite(deadline_min):
        return "–"
    return f"{deadline_min:g}" + ("*" if assumed else "")


def limit_text(deadline_min: float, clock: str, lang: str) -> str:
    """The limit with its clock start: "limit 60 min after the first report"."""
    start = clock_start_text(clock, lang)
    if not math.isfinite(deadline_min):
        return status_text("untimed", lang)
    if lang == "zh":
        if deadline_min < 0:
            return f"时限：{start}前{-deadline_min:g}分钟"
        return f"时限：{start}后{deadline_min:g}分钟"
    if deadline_min < 0:
        return f"limit {-deadline_min:g} min before {start}"
    return f"limit {deadline_min:g} min after {start}"


def milestone_result_text(
    status: str,
    met_at: float | None,
    after: float | None,
    deadline_min: float,
    clock: str,
    start: str,
    lang: str,
) -> str:
    """A milestone's result as a person reads it: "met 09:15 — 45 of 60 min after
    the first report"; a miss says when it was done, if it was, and the limit."""
    word = status_text(status, lang)
    zh = lang == "zh"
    origin = clock_start_text(clock, lang)
    if met_at is not None and after is not None:
        at = wall_clock(start, met_at)
        n = ceil_min(after)
        if deadline_min == float("inf"):  # untimed: done, never scored
            span = span_text(after, clock, lang)
            return f"{word}：{at}完成，{span}" if zh else f"{word} — done {at}, {span}"
        if zh:
            limit = (
                f"时限{deadline_min:g}分钟" if deadline_min >= 0 else f"时限为{origin}前{-deadline_min:g}分钟"
            )
            done = "" if status == "met" else "才完成"
            return f"{word}：{at}{done}，{span_text(after, clock, lang)}（{limit}）"
        if status == "met" and n >= 0 and deadline_min >= 0:
            return f"met {at} — {n} of {deadline_min:g} min after {origin}"
        limit = f"limit {deadline_min:g} min" if deadline_min >= 0 else limit_text(deadline_min, clock, lang)
        return f"{word} — done {at}, {span_text(after, clock, lang)} ({limit})"
    if status == "untimed":
        return f"{word}：未完成" if zh else f"{word} — not done"
    if status in ("missed", "pending", "undecided"):
        return (
            f"{word}（{limit_text(deadline_min, clock, lang)}）"
            if zh
            else (f"{word} ({limit_text(deadline_min, clock, lang)})")
        )
    return word


def p_value(p: float) -> str:
    """A p-value's number as a table prints it: "< 0.001", "0.004", "0.25"."""
    if p < 0.001:
        return "< 0.001"
    return f"{p:.3f}" if p < 0.01 else f"{p:.2f}"


def p_text(p: float) -> str:
    """A p-value as a sentence prints it: "p < 0.001", never "3.5e-18"."""
    shown = p_value(p)
    return f"p {shown}" if shown.startswith("<") else f"p = {shown}"


# --- ids by their labels --------------------------------------------------------------


Label = Text  # an id's zh/en label


BASE_LABEL = Label(zh="本单位", en="the unit")
SEATS = {
    "facilitator": Label(zh="导调员", en="Facilitator"),
    "evaluator": Label(zh="评估员", en="Evaluator"),
    "wall": Label(zh="大屏", en="Wall view"),
}
ALL_ROLES = Label(zh="全体角色", en="All roles")


def id_labels(plan: Any, scenario: Any) -> dict[str, Label]:
    """Every id a plan and its scenario define (teams, officials, venues, sites,
    channels, incidents, roles), by its zh/en label."""
    out: dict[str, Label] = {"base": BASE_LABEL}
    tables = [plan.teams, plan.officials, plan.venues, plan.sites, plan.channels]
    roles = getattr(plan, "roles", None)  # the drill room's roles (plan files may not have them yet)
    if isinstance(roles, dict):
        tables.append(roles)
    for table in tables:
        for key, item in table.items():
            out[key] = item.label
    for inc in scenario.incidents:
        out[inc.id] = inc.label
    return out


def seat_label(seat: str | None, labels: dict[str, Label], lang: str) -> str:
    if seat is None:
        return ALL_ROLES.get(lang)
    known = labels.get(seat) or SEATS.get(seat)
    return known.get(lang) if known else seat


def unit_and_plan_title(plan: Any, lang: str) -> tuple[str, str]:
    """The unit's name and its plan's title from the plan's ``unit`` text, which
    reads "某煤矿（信访工作应急预案）" / "A coal-mine enterprise (petition emergency
    plan)"; a bracket that is not a plan's title (an abbreviation) stays in the name."""
    full = str(plan.unit.get(lang)).strip()
    for open_, close in (("（", "）"), (" (", ")")):
        if full.endswith(close) and open_ in full:
            name, _, inner = full[: -len(close)].rpartition(open_)
            if name and ("预案" in inner or "plan" in inner.lower()):
                return name.strip(), inner.strip()
    return full, ("信访工作应急预案" if lang == "zh" else "petition emergency plan")


def _level_name(level: str, plan: Any, lang: str) -> str:
    """ "Ⅲ级响应（黄色）": the plan's own name of the level, with its number when
    the name does not carry it."""
    spec = {str(k): v for k, v in plan.levels.items()}.get(level) if plan is not None else None
    roman = {"IV": "Ⅳ", "III": "Ⅲ", "II": "Ⅱ", "I": "Ⅰ"}.get(level, level)
    if spec is None:
        return f"{roman}级响应" if lang == "zh" else f"level {level}"
    label = str(spec.label.get(lang))
    if lang == "zh":
        return label if roman in label else f"{roman}级响应（{label}）"
    return label if f"level {level}".lower() in label.lower() else f"level {level} ({label})"


# one sentence per decision kind: (zh, en) with {team} {official} {venue} {incident}
# {to} {people} {level} filled with labels
_DECISION_SENTENCES: dict[str, tuple[str, str]] = {
    "declare_level": ("宣布{level}", "Declare {level}"),
    "call_in": ("召集{team}的{people}", "Call in {people} of {team}"),
    "dispatch": ("派{team}{people}人前往{to}", "Send {people} of {team} to {to}"),
    "summon": ("通知{official}到{to}", "Summon {official} to {to}"),
    "open_venue": ("启用{venue}", "Open {venue}"),
    "move_group": ("引导{incident}进入{venue}", "Bring {incident} into {venue}"),
    "ask_representatives": (
        "请{incident}推选代表（不超过5人）",
        "Ask {incident} to choose representatives (at most 5)",
    ),
    "start_dialogue": ("与{incident}开展对话{by}", "Open a dialogue with {incident}{by}"),
    "initial_reply": ("对{incident}出具初步答复口径", "Issue the initial reply to {incident}"),
    "package_solution": ("为{incident}形成一揽子方案", "Ask for the package solution for {incident}"),
    "public_statement": ("发布权威信息回应关切", "Publish a public statement"),
    "set_cordon": ("在{incident}处设置警戒", "Set a cordon around {incident}"),
    "medical_standby": ("安排医疗力量在{incident}处待命", "Put medical on standby at {incident}"),
    "legal_aid": ("为{incident}启动法律援助", "Start legal aid for {incident}"),
    "contact_family": ("联系{incident}的所在单位或家属劝导", "Contact the employer or family of {incident}"),
    "request_support": ("请求上级支援", "Request support from the next level up"),
    "end_response": ("终止应急响应", "End the response"),
}


def in_sentence(label: str, lang: str) -> str:
    """An English label inside a sentence starts lower case ("call in the policy
    task force"), unless its first word is an acronym or a name in capitals."""
    first = label.split(" ", 1)[0]
    if lang != "en" or len(first) < 2 or not first[0].isupper() or not first[1:].islower():
        return label
    return label[0].lower() + label[1:]


def decision_sentence(
    kind: str, data: dict[str, Any], labels: dict[str, Label], lang: str, plan: Any = None
) -> str:
    """A decision as a sentence with every id shown by its label: "派保卫科（保卫干警）4人
    前往集团公司机关", never "派遣人员（4, security, parent_company）"."""
    zh = lang == "zh"

    def name(key: Any) -> str:
        if key is None or key == "":
            return ""
        known = labels.get(str(key))
        return in_sentence(known.get(lang), lang) if known else str(key)

    if kind in ("inject", "facilitator_inject"):  # the facilitator's (journaled as a decision before)
        text = str(data.get("zh" if zh else "en") or data.get("en") or data.get("zh") or "")
        return ("导调注入：" if zh else "Facilitator inject: ") + text
    if kind == "msel":
        return decision_text({"kind": kind, **data}, lang)
    template = _DECISION_SENTENCES.get(kind)
    if template is None:  # a decision this module does not know yet: its label and labelled values
        head = label(kind, lang)
        args = ("、" if zh else ", ").join(name(v) for _k, v in sorted(data.items()))
        return f"{head}（{args}）" if (args and zh) else (f"{head} ({args})" if args else head)
    people = data.get("people")
    if kind == "call_in":
        count = (
            (f"{people}名备勤人员" if people else "全部备勤人员")
            if zh
            else (f"{people} off-duty members" if people else "every off-duty member")
        )
    else:
        count = str(people) if people is not None else ""
    to = data.get("to")
    official = data.get("official")
    # an incident as a destination is where it is: "到…处", not "到<the people>"
    at_incident = bool(to) and plan is not None and to not in plan.sites and to not in plan.venues
    place = name(to) + ("处" if zh and at_incident else "") if to else ("现场" if zh else "the scene")
    values = {
        "team": name(data.get("team")),
        "official": name(official),
        "venue": name(data.get("venue")),
        "incident": name(data.get("incident")),
        "to": place,
        "people": count,
        "level": _level_name(str(data.get("level", "")), plan, lang),
        "by": (f"（由{name(official)}主持）" if zh else f", led by {name(official)}") if official else "",
    }
    return template[0 if zh else 1].format(**values)
