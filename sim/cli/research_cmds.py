"""``drill evaluate``, ``drill sweep``, ``drill staff``: many replications for
plan evaluation and research. Heavy libraries (pandas, scipy, matplotlib, dask)
are imported inside the commands."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from ..files import display
from ..spec.limits import MAX_DESIGN_POINTS, MAX_REPLICATIONS
from .base import REPS, SEED, ProgressBar, UserError, lang_option, pick_lang

if TYPE_CHECKING:
    from ..experiment.executors import Handle

POINTS = click.IntRange(1, MAX_DESIGN_POINTS)
TARGET = click.FloatRange(0, 1, min_open=True, max_open=True)
EXECUTOR_HELP = "serial, local[:N] (process pool, default: all cores) or dask[:tcp://host:port]."


def register(group: click.Group) -> None:
    group.add_command(evaluate_cmd)
    group.add_command(sweep_cmd)
    group.add_command(staff_cmd)


def _open(uri: str) -> Handle:
    from ..experiment.executors import open_executor

    return open_executor(uri)


def _say_changed(changed: list[str]) -> None:
    for line in changed:
        click.echo(f"note: {line}", err=True)


def _console() -> Any:
    from rich.console import Console

    console = Console()
    return console if console.is_terminal else Console(width=160)


def _files(scenario: str, plan_name: str | None) -> tuple[Path, Path]:
    from ..spec import catalog
    from ..spec.loader import load_scenario_file

    scenario_file = catalog.scenario_path(scenario)
    scen, _ = load_scenario_file(scenario_file)
    plan_file = catalog.plan_path(plan_name or scen.default_plan)
    return plan_file, scenario_file


# --- sweep --------------------------------------------------------------------------------


@click.command("sweep")
@click.argument("scenario", required=False)
@click.option("--plan", "plan_name", default=None, help="Plan id or file (default: the scenario's own).")
@click.option(
    "--vary",
    "varies",
    multiple=True,
    metavar="PATH=SPEC",
    help="A parameter and its values: 1..8, 1..8:2, 10,20,30, 10.0..40.0.",
)
@click.option(
    "--design",
    "design_kind",
    type=click.Choice(["grid", "lhs", "sobol", "salib-sobol", "salib-morris"]),
    default="grid",
    show_default=True,
)
@click.option(
    "--points",
    type=POINTS,
    default=16,
    show_default=True,
    help="Design points (lhs, sobol) or SALib's base sample N.",
)
@click.option("--reps", type=REPS, default=100, show_default=True, help="Replications per design point.")
@click.option(
    "--seed",
    "master",
    type=SEED,
    default=1,
    show_default=True,
    help="Master seed (replication r: SeedSequence(seed, spawn_key=(r,))).",
)
@click.option("--policy", type=click.Choice(["plan", "passive"]), default="plan", show_default=True)
@click.option("--executor", "executor_uri", default="local", show_default=True, help=EXECUTOR_HELP)
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("sweep-out"),
    show_default=True,
)
@click.option(
    "--resume",
    is_flag=True,
    help="Finish a killed sweep in --out without recomputing finished chunks "
    "(SCENARIO and the other options may then be left out).",
)
@click.option("--batch", type=REPS, default=None, help="Replications per task (default: automatic).")
@click.option(
    "--target", type=TARGET, default=0.95, show_default=True, help="Target P(met) drawn on the plots."
)
@click.option("--no-plots", is_flag=True, help="Skip the PNG figures.")
@click.option("--quiet", is_flag=True, help="No progress bar.")
@lang_option
@click.pass_context
def sweep_cmd(
    ctx: click.Context,
    scenario: str,
    plan_name: str | None,
    varies: tuple[str, ...],
    design_kind: str,
    points: int,
    reps: int,
    master: int,
    policy: str,
    executor_uri: str,
    out_dir: Path,
    resume: bool,
    batch: int | None,
    target: float,
    no_plots: bool,
    quiet: bool,
    sub_lang: str | None,
) -> None:
    """Run SCENARIO over a design of parameter values, many replications each."""
    from ..experiment.design import make_design, parse_vary
    from ..experiment.sweep import Study, run_study

    lang = pick_lang(ctx, sub_lang)
    zh = lang == "zh"
    if scenario is None:
        if not resume:
            raise UserError("a SCENARIO is needed (or --resume --out DIR to finish a sweep)")
        study = Study.from_folder(out_dir)
    else:
        factors = [parse_vary(v) for v in varies]
        design = make_design(design_kind, factors, points, master)
        plan_file, scenario_file = _files(scenario, plan_name)
        study = Study(plan_file, scenario_file, design, reps, master, policy, batch)
    with _open(executor_uri) as handle, ProgressBar("扫描" if zh else "sweep", enabled=not quiet) as bar:
        result = run_study(study, handle, out_dir, resume=resume, progress=bar)
    _say_changed(result.changed)
    plots = []
    if not no_plots:
        from ..experiment.plots import sweep_plots

        plots = sweep_plots(out_dir, target, lang)
    design = study.design
    click.echo(
        (
            f"{result.rows} 行（{len(design.points)} 个设计点 × {study.reps} 次重复），用时 {result.seconds:.1f} 秒"
            if zh
            else f"{result.rows} rows ({len(design.points)} design points × {study.reps} replications) in {result.seconds:.1f} s"
        )
        + (f"; {result.chunks_skipped} chunks resumed" if result.chunks_skipped and not zh else "")
        + (f"；续跑 {result.chunks_skipped} 块" if result.chunks_skipped and zh else "")
    )
    for path in [result.runs, result.summary, result.meta, *plots]:
        click.echo(f"  {display(path)}")


# --- evaluate -------------------------------------------------------------------------------


@click.command("evaluate")
@click.argument("plan_name", metavar="PLAN")
@click.option(
    "--scenarios", default="all", show_default=True, help="all, or scenario ids separated by commas."
)
@click.option("--reps", type=REPS, default=200, show_default=True, help="Replications per scenario.")
@click.option("--policy", type=click.Choice(["plan", "passive"]), default="plan", show_default=True)
@click.option("--seed", "master", type=SEED, default=1, show_default=True, help="Master seed.")
@click.option(
    "--target",
    type=TARGET,
    default=0.9,
    show_default=True,
    help="Required P(met): a limit is kept when the Wilson lower bound reaches it.",
)
@click.option("--executor", "executor_uri", default="local", show_default=True, help=EXECUTOR_HELP)
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Folder for the replications (runs.parquet, meta.json), report.md, report.html and plots "
    "(default: evaluation-PLAN).",
)
@click.option(
    "--resume", is_flag=True, help="Finish a killed evaluation in --out without recomputing what was done."
)
@click.option(
    "--extend/--no-extend",
    default=True,
    show_default=True,
    help="Run each replication on past the scenario's horizon up to the latest deadline that can apply, "
    "so that its limits are decided (the output says so and to when); limits still open are undecided.",
)
@click.option(
    "--attribute",
    "attribution_reps",
    type=click.IntRange(0, MAX_REPLICATIONS),
    default=0,
    show_default=True,
    help="Attribute each milestone's misses in the first N replications: the single change to the plan "
    "that turns most of them into meets on the same replications (costs about 40 x N runs per scenario).",
)
@click.option("--quiet", is_flag=True, help="No progress bar.")
@lang_option
@click.pass_context
def evaluate_cmd(
    ctx: click.Context,
    plan_name: str,
    scenarios: str,
    reps: int,
    policy: str,
    master: int,
    target: float,
    executor_uri: str,
    out_dir: Path | None,
    resume: bool,
    extend: bool,
    attribution_reps: int,
    quiet: bool,
    sub_lang: str | None,
) -> None:
    """Which of PLAN's time limits can be kept, and with what probability."""
    from ..experiment.evaluate import evaluate, pick_scenarios, terminal_tables, write_report

    lang = pick_lang(ctx, sub_lang)
    from ..spec import catalog

    plan_file = catalog.plan_path(plan_name)
    try:
        scenario_files = pick_scenarios(plan_file, scenarios)
    except ValueError as exc:
        raise UserError(str(exc)) from None
    if out_dir is None:
        out_dir = Path(f"evaluation-{plan_file.stem}")
    _static_report(plan_file, scenario_files, lang)
    with (
        _open(executor_uri) as handle,
        ProgressBar("推演" if lang == "zh" else "evaluate", enabled=not quiet) as bar,
    ):
        report = evaluate(
            plan_file,
            scenario_files,
            reps,
            master,
            policy,
            target,
            handle,
            progress=bar,
            out_dir=out_dir,
            resume=resume,
            extend=extend,
            attribution_reps=attribution_reps,
        )
    console = _console()
    for table in terminal_tables(report, lang):
        console.print(table)
    for path in [out_dir / "runs.parquet", out_dir / "meta.json", *write_report(report, out_dir, lang)]:
        if path.exists():
            click.echo(f"  {display(path)}")


def _static_report(plan_file: Path, scenario_files: list[Path], lang: str) -> None:
    """The static check, before any replication runs."""
    from ..experiment.evaluate import static_check
    from ..spec.loader import load_plan_file, load_scenario_file

    plan, _ = load_plan_file(plan_file)
    for sfile in scenario_files:
        scen, _ = load_scenario_file(sfile)
        for mid, reason in static_check(plan, scen).items():
            click.echo(
                f"{scen.id}: {mid} "
                + ("不可行（静态检查）：" if lang == "zh" else "infeasible (static check): ")
                + reason
            )


# --- staff -------------------------------------------------------------------------------------


@click.command("staff")
@click.argument("scenario")
@click.option("--plan", "plan_name", default=None, help="Plan id or file (default: the scenario's own).")
@click.option(
    "--target",
    type=TARGET,
    default=0.95,
    show_default=True,
    help="Required P(met) of every target milestone (decided by exact bounds with the error spent over the looks).",
)
@click.option(
    "--roles",
    default=None,
    help="Teams whose on-duty count to search, by id, comma-separated (default: every team a level calls in).",
)
@click.option(
    "--max-reps", type=REPS, default=400, show_default=True, help="Most replications per candidate."
)
@click.option(
    "--step",
    "step_reps",
    type=REPS,
    default=40,
    show_default=True,
    help="Replications added per look at a candidate.",
)
@click.option("--seed", "master", type=SEED, default=1, show_default=True)
@click.option("--policy", type=click.Choice(["plan", "passive"]), default="plan", show_default=True)
@click.option("--executor", "executor_uri", default="local", show_default=True, help=EXECUTOR_HELP)
@click.option(
    "--extend/--no-extend",
    default=True,
    show_default=True,
    help="Run each replication on past the scenario's horizon up to the latest deadline that can apply, "
    "so that its limits are decided (the output says so and to when); limits still open are undecided.",
)
@lang_option
@click.pass_context
def staff_cmd(
    ctx: click.Context,
    scenario: str,
    plan_name: str | None,
    target: float,
    roles: str | None,
    max_reps: int,
    step_reps: int,
    master: int,
    policy: str,
    executor_uri: str,
    extend: bool,
    sub_lang: str | None,
) -> None:
    """The smallest on-duty staffing for which every target milestone reaches --target
    (the target set and what is left out of it are printed)."""
    from ..experiment.staffing import StaffingError, search, staffing_tables

    lang = pick_lang(ctx, sub_lang)
    plan_file, scenario_file = _files(scenario, plan_name)
    role_list = [r.strip() for r in roles.split(",") if r.strip()] if roles else None
    console = _console()
    with _open(executor_uri) as handle:
        try:
            result = search(
                plan_file,
                scenario_file,
                target,
                role_list,
                handle,
                max_reps=max_reps,
                step=step_reps,
                master=master,
                policy=policy,
                log=(lambda line: console.print(line, highlight=False)),
                lang=lang,
                extend=extend,
            )
        except StaffingError as exc:
            raise UserError(str(exc)) from None
    for table in staffing_tables(result, lang):
        console.print(table)
