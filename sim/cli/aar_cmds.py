"""After-action commands: ``drill replay``, ``drill resume``, ``drill compare``
and ``drill report``, all working from a drill journal."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click
from rich.markup import escape

from .base import REPS, ProgressBar, UserError, lang_option, pick_lang

if TYPE_CHECKING:
    from ..journal import Journal

JOURNAL = click.Path(dir_okay=False, path_type=Path)


def register(group: click.Group) -> None:
    for cmd in (replay_cmd, resume_cmd, compare_cmd, report_cmd):
        group.add_command(cmd)


@contextmanager
def _user_errors() -> Iterator[None]:
    from ..journal import JournalError
    from ..report.errors import ReportError

    try:
        yield
    except (JournalError, ReportError) as exc:
        raise UserError(str(exc)) from None


def _read(path: Path) -> Journal:
    from ..journal import read_journal

    if not path.exists():
        raise UserError(f"{path}: no such journal")
    with _user_errors():
        return read_journal(path)


def _forced_note(console: Any, changes: list[str], lang: str) -> None:
    if not changes:
        return
    head = (
        "已强制运行（--force），推演以来已改变："
        if lang == "zh"
        else "FORCED (--force): changed since the drill: "
    )
    # soft_wrap: a file path must stay whole (and copyable), not be broken by rich
    console.print(f"[bold yellow]{head}[/]" + escape("; ".join(changes)), soft_wrap=True)


@click.command("replay")
@click.argument("journal", type=JOURNAL)
@click.option(
    "--log",
    "log_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the event log (JSON Lines).",
)
@click.option(
    "--force", is_flag=True, help="Replay even if the plan or scenario file, or the model, changed since."
)
@lang_option
@click.pass_context
def replay_cmd(
    ctx: click.Context, journal: Path, log_path: Path | None, force: bool, sub_lang: str | None
) -> None:
    """Re-run the drill in JOURNAL headless and print its scorecard."""
    from rich.console import Console

    from ..files import probe_output
    from ..present import minutes, print_scorecard
    from ..replay import rebuild

    lang = pick_lang(ctx, sub_lang)
    j = _read(journal)
    if log_path is not None:
        probe_output(log_path)
    with _user_errors():
        out = rebuild(j, force=force, until_end=True)
    console = Console()
    _forced_note(console, out.changes, lang)
    for t, kind, reason in out.refused:
        console.print(f"[yellow]{'拒绝' if lang == 'zh' else 'refused'}[/] {minutes(t)} min {kind}: {reason}")
    drill = out.drill
    if log_path is not None:
        from ..files import atomic_output

        with atomic_output(log_path, "w") as fh:
            drill.write_log(fh)  # type: ignore[arg-type]  # an open text file is a TextIO
    zh = lang == "zh"
    heading = f"[bold]{drill.scenario.title.get(lang)}[/] · {drill.plan.unit.get(lang)} · " + (
        f"种子 {j.seed} · 决策 {len(j.decisions)} 项"
        if zh
        else f"seed {j.seed} · {len(j.decisions)} decisions"
    )
    print_scorecard(console, drill.scorecard(), lang, heading, drill.plan, drill.scenario.wall_start)
    if out.changes:
        console.print(
            "[bold yellow]"
            + ("（本次结果基于已修改的文件）" if zh else "(these results come from the changed files)")
            + "[/]"
        )


@click.command("resume")
@click.argument("journal", type=JOURNAL)
@click.option(
    "--headless",
    is_flag=True,
    help="No UI: show where the drill stands and run it to the end with no further decisions.",
)
@click.option(
    "--force", is_flag=True, help="Resume even if the plan or scenario file, or the model, changed since."
)
@lang_option
@click.pass_context
def resume_cmd(ctx: click.Context, journal: Path, headless: bool, force: bool, sub_lang: str | None) -> None:
    """Reopen the drill in JOURNAL where it stood, in the TUI (or headless: then run it to the end)."""
    lang = pick_lang(ctx, sub_lang)
    _read(journal)  # a missing or broken journal: a clear message before anything opens
    if not headless:
        try:
            from tui.app import run_app
        except ImportError as exc:
            raise UserError(f"the terminal UI is not available ({exc}); use --headless") from None
        run_app(lang=lang, resume=Path(journal))
        return
    from rich.console import Console

    from ..engine.milestones import MET, MISSED
    from ..present import outcome_table, scorecard_table, status_text
    from ..room.room import resume_room

    with _user_errors():
        # where the drill stood when it stopped (its last clock record), not its last decision
        out = resume_room(Path(journal), force=force, reopen=False)
    drill = out.room.port
    console = Console()
    _forced_note(console, out.changes, lang)
    zh = lang == "zh"
    snap = drill.snapshot()
    done = [m for m in snap.milestones if m.status in (MET, MISSED)]
    console.print(
        f"已恢复至 {snap.wall}，响应级别 {snap.level or '无'}，现场 {snap.head_count} 人"
        if zh
        else f"Resumed at {snap.wall}, level {snap.level or 'none'}, {snap.head_count} people on site"
    )
    for m in done:
        console.print(f"  {m.label.get(lang)}: {status_text(m.status, lang)}")
    console.print("无后续决策，运行至结束：" if zh else "No further decisions; running to the end:")
    drill.advance(drill.horizon)
    card = drill.scorecard()
    console.print(scorecard_table(card, lang))
    console.print(outcome_table(card.outcomes, lang))


@click.command("compare")
@click.argument("journal", type=JOURNAL)
@click.option("--reps", default=100, show_default=True, type=REPS, help="Replications.")
@click.option("--force", is_flag=True, help="Compare even if the plan or scenario file changed since.")
@click.option(
    "--target",
    type=click.FloatRange(0.0, 1.0, min_open=True, max_open=True),
    default=0.9,
    show_default=True,
    help="Required P(met) for the verdict on your decisions (kept: Wilson lower bound reaches it).",
)
@lang_option
@click.pass_context
def compare_cmd(
    ctx: click.Context, journal: Path, reps: int, force: bool, target: float, sub_lang: str | None
) -> None:
    """Your decisions against the plan-following and passive responses in the same situations."""
    from rich.console import Console
    from rich.table import Table

    from ..counterfactual import compare
    from ..fairness import is_system
    from ..present import id_labels, p_value, status_text, wall_clock
    from ..report.document import decision_label, final_status, pct_short, verdict_sentence
    from ..report.findings import system_by
    from ..stats.verdicts import STYLE, Verdict, interval_verdict
    from ..stats.verdicts import text as verdict_text

    lang = pick_lang(ctx, sub_lang)
    zh = lang == "zh"
    j = _read(journal)
    console = Console()
    with _user_errors(), ProgressBar("重复推演" if zh else "replicating") as bar:
        cmp = compare(j, reps=reps, force=force, progress=bar)
    _forced_note(console, cmp.changes, lang)
    table = Table(
        title=f"反事实比较（{reps} 次同情景重复）"
        if zh
        else f"Counterfactual ({reps} replications, same situations)",
        title_justify="left",
    )
    for n, col in enumerate(
        ("里程碑", "本次", "本组决策", "结论（本组）", "按预案", "不作为", "p(本组 vs 预案)")
        if zh
        else (
            "milestone",
            "your drill",
            "your decisions",
            "verdict (yours)",
            "plan",
            "passive",
            "p (you vs plan)",
        )
    ):
        table.add_column(col, min_width=24 if n == 0 else None, no_wrap=n > 0)
    plan, scen = cmp.actual_drill.plan, cmp.actual_drill.scenario
    labels = id_labels(plan, scen)
    specs = {m.id: m for _level, m in plan.all_milestones()}
    for m in cmp.milestones:
        system = is_system(specs.get(m.id), plan)
        team = m.arms["team"]
        v = Verdict.SYSTEM if system and team.n else interval_verdict(team.k, team.n, target)
        table.add_row(
            m.label(lang) + (("（系统环节）" if zh else " (the system's)") if system else ""),
            status_text(final_status(m.actual), lang),
            pct_short(team),
            f"[{STYLE[v]}]{verdict_text(v, lang)}[/]" if team.n else "–",
            pct_short(m.arms["plan"]),
            pct_short(m.arms["passive"]),
            p_value(m.vs_plan.p_value) if m.vs_plan.n else "–",
        )
    table.caption = (
        f"结论：本组决策达成率的 Wilson 95% 区间对目标 {target:g}（可达成 / 有风险 / 达不到）；推演结束时尚未到时限的重复计为未达成；"
        "系统环节不计入本组"
        if zh
        else f"verdict: the Wilson 95% interval of your decisions' P(met) against target {target:g} (kept / at risk / "
        "not kept); replications whose deadline fell after the drill ended count as not met; the system's steps "
        "are not scored against the team"
    )
    console.print(table)
    for m in cmp.milestones:
        s = verdict_sentence(m, lang, system_by(specs.get(m.id), plan, labels, lang))
        if s and m.actual == MISSED_STATUS:
            console.print(f"• {m.label(lang)}{'：' if zh else ': '}{s}")

    def at(t: float | None) -> str:  # a moment as the scenario's time of day
        return "–" if t is None else wall_clock(scen.wall_start, t)

    c = cmp.costly
    if c is not None and c.gain > 0:
        what = decision_label(c.decision, lang, plan, labels=labels)
        if c.variant == "earlier":
            console.print(
                f"代价最大的决策：{at(c.t)}的“{what}”；提前到 {at(c.new_t)}，平均多达成 {c.gain:.2f} 项（{c.reps} 次重复）"
                if zh
                else f"Most costly decision: \u201c{what}\u201d at {at(c.t)}; at {at(c.new_t)} instead it gains {c.gain:.2f} milestones on average ({c.reps} replications)"
            )
        else:
            console.print(
                f"代价最大的决策：{at(c.t)}的“{what}”；去掉它平均多达成 {c.gain:.2f} 项（{c.reps} 次重复）"
                if zh
                else f"Most costly decision: \u201c{what}\u201d at {at(c.t)}; without it {c.gain:.2f} more milestones on average ({c.reps} replications)"
            )
    elif c is not None:
        console.print(
            "没有哪一项决策去掉或提前后能多达成时限。"
            if zh
            else "No single decision, removed or taken earlier, gains any milestone."
        )
    for i, t, _kind, k in cmp.refused:
        what = decision_label(cmp.decisions[i].decision, lang, plan, labels=labels)
        console.print(f"[dim]{'无法执行' if zh else 'refused'}: {at(t)} {escape(what)} ({k}/{reps})[/]")
    console.print(f"[dim]{cmp.seconds:.1f} s[/]")


MISSED_STATUS = "missed"


@click.command("report")
@click.argument("journal", type=JOURNAL)
@click.option("--format", "fmt", type=click.Choice(["md", "html", "docx"]), default="docx", show_default=True)
@click.option(
    "--out",
    "out",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Report file (default: beside the journal).",
)
@click.option(
    "--reps",
    default=100,
    show_default=True,
    type=REPS,
    help="Replications for the counterfactual.",
)
@click.option(
    "--force", is_flag=True, help="Report even if the plan or scenario file changed since (and say so)."
)
@lang_option
@click.pass_context
def report_cmd(
    ctx: click.Context,
    journal: Path,
    fmt: str,
    out: Path | None,
    reps: int,
    force: bool,
    sub_lang: str | None,
) -> None:
    """Write the after-action report of the drill in JOURNAL."""
    from ..files import probe_output
    from ..report import build_report

    lang = pick_lang(ctx, sub_lang)
    _read(journal)
    probe_output(out if out is not None else journal.with_name(f"{journal.stem}-report-{lang}.{fmt}"))
    with _user_errors(), ProgressBar("重复推演" if lang == "zh" else "replicating") as bar:
        path = build_report(journal, fmt, lang, out, reps=reps, force=force, progress=bar)
    click.echo(str(path))
