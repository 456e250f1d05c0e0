"""Scorecards and outcome figures as text people read, in zh or en (rich tables).

Shared by ``drill run``, ``drill replay`` and the other headless commands.
"""

from __future__ import annotations

from typing import Any

from rich.table import Table

from .engine.scorecard import Scorecard

STATUS = {
    "met": ("达成", "met"),
    "missed": ("未达成", "missed"),
    "pending": ("未到期", "pending"),
    "not_yet": ("尚未适用", "not yet"),
    "not_applicable": ("不适用", "n/a"),
    "beyond_model": ("超出推演时长", "beyond drill"),
}
STYLE = {"met": "green", "missed": "red", "pending": "yellow", "not_applicable": "dim", "beyond_model": "dim"}

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


def scorecard_table(card: Scorecard, lang: str, title: str = "") -> Table:
    zh = lang == "zh"
    table = Table(title=title or ("里程碑" if zh else "Milestones"), title_justify="left")
    for col in (
        ("级别" if zh else "level"),
        ("里程碑" if zh else "milestone"),
        ("时限(分)" if zh else "limit (min)"),
        ("用时(分)" if zh else "took (min)"),
        ("结果" if zh else "result"),
    ):
        table.add_column(col)
    for m in card.milestones:
        limit = f"{m.deadline_min:g}" + ("*" if m.assumed else "")
        table.add_row(
            m.level or "–",
            m.label(lang),
            limit,
            minutes(m.after_min),
            f"[{STYLE.get(m.status, '')}]{status_text(m.status, lang)}[/]",
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


def print_scorecard(console, card: Scorecard, lang: str, heading: str) -> None:  # type: ignore[no-untyped-def]
    """The heading line, the milestone table, the outcome figures and the tally."""
    console.print(heading)
    console.print(scorecard_table(card, lang))
    console.print(outcome_table(card.outcomes, lang))
    counts = card.counts()
    console.print(
        f"达成 {counts['met']} 项，未达成 {counts['missed']} 项"
        if lang == "zh"
        else f"{counts['met']} met, {counts['missed']} missed"
    )
