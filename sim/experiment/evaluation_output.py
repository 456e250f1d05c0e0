"""A plan evaluation shown: terminal tables, the P(met) figure, report.md and
report.html. Every verdict's words and colour come from ``sim.stats.verdicts``."""

from __future__ import annotations

import math
import re
from pathlib import Path
from typing import Any

from ..engine.version import MODEL_VERSION
from ..stats import Verdict
from ..stats.verdicts import STYLE, TEXT
from ..stats.verdicts import text as verdict_text
from .evaluation import MilestoneEval, Report, ScenarioEval


def _wall(s: ScenarioEval, minutes: float) -> str:
    if not s.wall_start:
        return f"{minutes:g} min"
    from ..present import wall_clock

    return wall_clock(s.wall_start, minutes)


def horizon_note(s: ScenarioEval, lang: str) -> str:
    """Says the horizon was extended, to when, and what is still undecided."""
    still = sum(1 for e in s.milestones if e.verdict is Verdict.UNDECIDED)
    zh = lang == "zh"
    if s.extended:
        text = (
            f"推演时长已从 {_wall(s, s.window_min)} 延长至 {_wall(s, s.horizon_min)}"
            f"（{s.window_min:g} → {s.horizon_min:g} 分），以判定情景时段内开始计时的时限；"
            "只计情景时段内开始计时的时限"
            if zh
            else f"horizon extended from {_wall(s, s.window_min)} to {_wall(s, s.horizon_min)} "
            f"({s.window_min:g} → {s.horizon_min:g} min) so that limits whose clock starts within the "
            "scenario are decided; only those are scored"
        )
    else:
        text = (
            f"推演至 {_wall(s, s.horizon_min)}（未延长）"
            if zh
            else f"drill ends at {_wall(s, s.horizon_min)} (not extended)"
        )
    if still:
        text += (
            f"；{still} 项时限在推演内未定" if zh else f"; {still} limit(s) still undecided within the drill"
        )
    return text


def _headers(lang: str) -> list[str]:
    if lang == "zh":
        return [
            "级别",
            "里程碑",
            "时限(分)",
            "达成概率 (95%区间)",
            "未定",
            "中位用时",
            "P90用时",
            "结论",
            "瓶颈 / 原因",
        ]
    return [
        "level",
        "milestone",
        "limit (min)",
        "P(met) (95% CI)",
        "undecided",
        "median",
        "p90",
        "verdict",
        "bottleneck / reason",
    ]


def _note(e: MilestoneEval, lang: str, terse: bool = False) -> str:
    """The reason column: why a limit reads as it does. ``terse`` (the narrow
    terminal) leaves out what the row says already: the system's step (its verdict
    and the caption say it) and an assumed limit (its ``*``)."""
    zh = lang == "zh"
    parts = []
    if e.verdict is Verdict.SYSTEM and not terse:
        parts.append(
            "系统环节：本组决策无法改变，不计入本组成绩，不据此提出建议"
            if zh
            else "the system's step: the team's decisions cannot change it; not scored against the team, no advice"
        )
    if e.reason:
        parts.append(("静态检查：" if zh else "static check: ") + e.reason)
    elif e.bottleneck:
        parts.append(e.bottleneck_text[lang])
    if e.undecided:
        parts.append(
            f"{e.undecided}/{e.counts.n} 次推演结束时时限未到（计为未达成）"
            if zh
            else f"{e.undecided} of {e.counts.n} undecided when the drill ended (counted as not met)"
        )
    if e.assumed and not terse:
        parts.append("时限为假定值" if zh else "the limit is an assumed figure")
    return "; ".join(parts)


def _cells(e: MilestoneEval, lang: str) -> list[str]:
    scored = e.counts.n > 0
    return [
        e.level or "–",
        e.label(lang),
        f"{e.limit:g}" if math.isfinite(e.limit) else "–",  # an untimed action has no limit
        e.prop.text() if scored else "–",
        str(e.undecided) if scored else "–",
        e.time.quantile_text(e.median, lang) if scored else "–",
        e.time.quantile_text(e.p90, lang) if scored else "–",
        verdict_text(e.verdict, lang),
        _note(e, lang),
    ]


def caption(lang: str) -> str:
    if lang == "zh":
        return (
            "可达成：Wilson 95% 下限不低于目标；达不到：上限低于目标；有风险：区间跨越目标；"
            "推演内未定：推演结束时未到时限的重复（删失）计为达成或未达成会得出不同结论；"
            "系统环节：本组无法改变，不计入本组。用时自该时限起算时刻计（Kaplan–Meier，删失按观察时长计），"
            "“未达到”表示估计从未到达该分位"
        )
    return (
        "kept: Wilson 95% lower bound >= target; not kept: upper bound < target; at risk: the interval "
        "straddles the target; undecided within the drill: the replications still open when the drill ended "
        "(censored) decide it either way; the system's: not the team's to change, not scored against it. "
        "Times from the limit's clock start (Kaplan–Meier, censored runs counted for as long as they were "
        "watched); 'not reached': the estimate never gets there"
    )


# From this console width on, the terminal table has the report's layout (an id
# column and the reasons beside each row); narrower, each label carries its id on a
# dim line of its own and the reasons become numbered notes under the table, so a
# 120-column terminal reads without squeezed columns.
WIDE_MIN_COLUMNS = 160


def _assumed_caption(lang: str) -> str:
    return "* 预案未写时限：假定值" if lang == "zh" else "* no limit in the plan: an assumed value"


# a Chinese (or full-width) character: a line may break before or after any of them
_CJK = "\u2e80-\u9fff\u3000-\u303f\uff00-\uffef"
_PIECES = re.compile(rf"[{_CJK}]|[^\s{_CJK}]+|\s+")


def wrap_zh(text: str, width: int) -> str:
    """Lines of at most ``width`` cells, broken between any two Chinese characters
    as well as at spaces. (rich breaks only at spaces: 'Wilson 95% 下限不低于…'
    would end its first line after '95%' and fold the rest.)"""
    from rich.cells import cell_len

    out: list[str] = []
    for paragraph in text.split("\n"):
        line = ""
        for piece in _PIECES.findall(paragraph):
            if cell_len(line + piece) <= width:
                line += piece
            elif piece.isspace():
                out.append(line.rstrip())
                line = ""
            else:
                if line.strip():
                    out.append(line.rstrip())
                line = piece
        out.append(line.rstrip())
    return "\n".join(out)


class EvaluationTable:
    """One scenario's table for the terminal. The milestone is named by its label in
    the user's language (what a drill room reads); its id (the column names of
    runs.parquet, what a researcher looks up) stays beside it, dim. The layout is
    picked for the console's width when it is printed (``WIDE_MIN_COLUMNS``)."""

    def __init__(self, report: Report, scenario: ScenarioEval, lang: str):
        self.report = report
        self.scenario = scenario
        self.lang = lang

    def title(self) -> str:
        s, report = self.scenario, self.report
        reps = (
            f"{s.reps} 次独立重复，目标 {report.target:g}"
            if self.lang == "zh"
            else f"{s.reps} independent replications, target {report.target:g}"
        )
        return f"{s.title[self.lang]} · {report.unit[self.lang]} · {reps}\n{horizon_note(s, self.lang)}"

    def render(self, width: int) -> list[Any]:
        """What is printed for a console ``width`` wide: the title, the table, the
        caption and, in the narrow layout, the notes. Title and caption are printed
        beside the table, not in it, so that they wrap at the console's width (a
        table's own title wraps at the table's, unknown until it is laid out)."""
        from rich.table import Table
        from rich.text import Text

        lang = self.lang
        wide = width >= WIDE_MIN_COLUMNS
        headers = _headers(lang)

        def wrapped(text: str) -> str:
            return wrap_zh(text, width) if lang == "zh" else text

        table = Table()
        # narrow: the figures' columns wrap their headers and words ('not reached')
        # so that the label keeps the room; a header or an id is folded, never cut
        # (a Chinese header has no space to wrap at)
        narrow = None if wide else 8
        table.add_column(headers[0], no_wrap=True)
        table.add_column(headers[1], overflow="fold")
        if wide:
            table.add_column("id", style="dim", no_wrap=True)
        table.add_column(headers[2], justify="right", max_width=narrow, overflow="fold")
        table.add_column(headers[3], justify="right", no_wrap=True)
        table.add_column(headers[4], justify="right", max_width=None if wide else 9, overflow="fold")
        for h in headers[5:7]:
            table.add_column(h, justify="right", max_width=narrow, overflow="fold")
        table.add_column(headers[7], max_width=None if wide else 12)
        if wide:
            table.add_column(headers[8], overflow="fold")
        notes: list[str] = []
        for e in self.scenario.milestones:
            cells = _cells(e, lang)
            verdict = Text(cells[7], style=STYLE[e.verdict])
            if wide:
                table.add_row(cells[0], cells[1], e.id, *cells[2:7], verdict, cells[8])
                continue
            note = _note(e, lang, terse=True)
            if note:
                notes.append(f"[{len(notes) + 1}] {e.id}: {note}")
                verdict.append(f" [{len(notes)}]", style="default")
            limit = cells[2] + ("*" if e.assumed and cells[2] != "–" else "")
            name = Text(cells[1])
            name.append("\n" + e.id, style="dim")
            table.add_row(cells[0], name, limit, *cells[3:7], verdict)
        below = caption(lang) + ("" if wide else "\n" + _assumed_caption(lang))
        out: list[Any] = [
            Text(wrapped(self.title()), style="table.title"),
            table,
            Text(wrapped(below), style="table.caption"),
        ]
        if notes:
            out.append(Text(wrapped("\n".join(notes))))
        return out

    def __rich_console__(self, console: Any, options: Any) -> Any:
        yield from self.render(options.max_width)


def terminal_tables(report: Report, lang: str) -> list[Any]:
    """One table per scenario (rich renderables, laid out when printed)."""
    return [EvaluationTable(report, s, lang) for s in report.scenarios]


_COLOURS = {
    Verdict.KEPT: "tab:green",
    Verdict.NOT_KEPT: "tab:red",
    Verdict.AT_RISK: "tab:orange",
    Verdict.INFEASIBLE: "darkred",
    Verdict.UNDECIDED: "tab:purple",
    Verdict.SYSTEM: "tab:blue",
}


def _plot(s: ScenarioEval, target: float, lang: str) -> bytes:
    """P(met) per milestone with its Wilson interval, as PNG bytes."""
    from .plots import _plt, figure_style

    with figure_style(lang) as drawn:
        return _draw(s, target, drawn, _plt())


def _draw(s: ScenarioEval, target: float, lang: str, plt: Any) -> bytes:
    import io

    from .plots import word

    zh = lang == "zh"
    ms = [e for e in s.milestones if e.counts.n]
    fig, ax = plt.subplots(figsize=(7.5, 0.35 * len(ms) + 1.6))
    ys = list(range(len(ms)))[::-1]
    for y, e in zip(ys, ms, strict=True):
        p = e.prop
        colour = _COLOURS.get(e.verdict, "grey")
        ax.errorbar(
            p.p,
            y,
            xerr=[[max(0.0, p.p - p.low)], [max(0.0, p.high - p.p)]],
            fmt="o",
            color=colour,
            capsize=3,
        )
        if e.undecided:  # how far the censored replications could still move it
            high = e.counts.if_undecided_met()[1]
            ax.plot([p.high, high], [y, y], ":", color=colour, lw=1)
    ax.axvline(target, color="red", linestyle="--", lw=1, label=word("target", lang, t=target))
    for v, colour in _COLOURS.items():
        if any(e.verdict is v for e in ms):
            ax.plot([], [], "o", color=colour, label=TEXT[v][0 if zh else 1])
    ax.set_yticks(ys, [f"{e.id} (n={e.counts.n})" for e in ms])
    ax.set_xlim(-0.02, 1.02)
    ax.set_xlabel(word("pmet_axis", lang))
    ax.set_ylabel("里程碑" if zh else "milestone")
    ax.set_title(
        f"{s.title[lang]}：各里程碑达成概率（{s.reps} 次重复）"
        if zh
        else f"{s.id}: P(met) per milestone ({s.reps} replications)"
    )
    ax.grid(alpha=0.3, axis="x")
    ax.legend(fontsize=8, loc="lower left")
    fig.tight_layout()
    buf = io.BytesIO()
    fig.savefig(buf, dpi=110, format="png")
    plt.close(fig)
    return buf.getvalue()


def write_report(report: Report, out_dir: Path, lang: str) -> list[Path]:
    """report.md (PNG figures beside it) and report.html (the same figures
    embedded, one self-contained file) in ``out_dir``, each written atomically."""
    import base64
    import html

    from ..files import atomic_write, make_folders

    out_dir = Path(out_dir)
    make_folders(out_dir)
    zh = lang == "zh"
    title = f"{'预案评估：' if zh else 'Plan evaluation: '}{report.unit[lang]}"
    md = [f"# {title} (`{report.plan_id}`)", ""]
    md.append(
        f"{report.reps} 次独立重复/情景，主种子 {report.master}，策略 {report.policy}，目标达成概率 {report.target:g}"
        f"（Wilson 95% 下限），模型版本 {MODEL_VERSION}。"
        if zh
        else f"{report.reps} independent replications per scenario, master seed {report.master}, policy {report.policy}, "
        f"target P(met) {report.target:g} (Wilson 95 % lower bound), model version {MODEL_VERSION}."
    )
    md += ["", caption(lang) + ("。" if zh else ".")]
    body = [
        f"<h1>{html.escape(title)} ({html.escape(report.plan_id)})</h1>",
        f"<p>{html.escape(md[2])}</p>",
        f"<p>{html.escape(md[4])}</p>",
    ]
    paths = []
    headers = _headers(lang)
    for s in report.scenarios:
        png = out_dir / f"pmet_{s.id}.png"
        data = _plot(s, report.target, lang)
        atomic_write(png, data)
        paths.append(png)
        cap = "达成概率" if zh else "P(met)"
        note = horizon_note(s, lang)
        md += ["", f"## {s.title[lang]} (`{s.id}`)", "", note, "", f"![{cap}]({png.name})", ""]
        md.append("| " + " | ".join(headers) + " |")
        md.append("|" + "---|" * len(headers))
        body.append(f"<h2>{html.escape(s.title[lang])} ({html.escape(s.id)})</h2>")
        body.append(f"<p>{html.escape(note)}</p>")
        body.append(f'<img src="data:image/png;base64,{base64.b64encode(data).decode("ascii")}" alt="{cap}">')
        body.append("<table><tr>" + "".join(f"<th>{html.escape(h)}</th>" for h in headers) + "</tr>")
        for e in s.milestones:
            cells = _cells(e, lang)
            md.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
            body.append(
                f'<tr class="{e.verdict.value}">'
                + "".join(f"<td>{html.escape(c)}</td>" for c in cells)
                + "</tr>"
            )
        body.append("</table>")
    mdp = out_dir / "report.md"
    atomic_write(mdp, "\n".join(md) + "\n")
    css = (
        "body{font-family:sans-serif;max-width:70em;margin:2em auto}table{border-collapse:collapse}"
        "td,th{border:1px solid #ccc;padding:.2em .5em}tr.kept td:nth-child(8){color:green}"
        "tr.at_risk td:nth-child(8){color:#b60}tr.not_kept td:nth-child(8),tr.infeasible td:nth-child(8){color:red}"
        "tr.undecided td:nth-child(8){color:purple}tr.system td:nth-child(8){color:#25a}img{max-width:100%}"
    )
    htmlp = out_dir / "report.html"
    atomic_write(
        htmlp,
        f'<!doctype html><html lang="{"zh-CN" if zh else "en"}"><meta charset="utf-8"><title>{html.escape(title)}</title>'
        f"<style>{css}</style><body>{''.join(body)}</body></html>\n",
    )
    return [mdp, htmlp, *paths]
