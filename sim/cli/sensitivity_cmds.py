"""``drill sensitivity``: which of a scenario's and its plan's assumed numbers
decide its milestones (a Morris screening; SALib, an optional extra)."""

from __future__ import annotations

from pathlib import Path

import click

from ..files import display
from .base import REPS, SEED, ProgressBar, UserError, lang_option, pick_lang

TRAJECTORIES = click.IntRange(2, 1000)
EXECUTOR_HELP = "serial, local[:N] (process pool, default: all cores) or dask[:tcp://host:port]."


def register(group: click.Group) -> None:
    group.add_command(sensitivity_cmd)


@click.command("sensitivity")
@click.argument("scenario")
@click.option("--plan", "plan_name", default=None, help="Plan id or file (default: the scenario's own).")
@click.option(
    "--trajectories",
    type=TRAJECTORIES,
    default=4,
    show_default=True,
    help="Morris trajectories (each: one design point per assumed number, plus one).",
)
@click.option("--reps", type=REPS, default=4, show_default=True, help="Replications per design point.")
@click.option(
    "--seed",
    "master",
    type=SEED,
    default=1,
    show_default=True,
    help="Master seed of the replications (the same at every design point).",
)
@click.option("--design-seed", type=SEED, default=0, show_default=True, help="Seed of the Morris design.")
@click.option(
    "--top", type=click.IntRange(1, 1000), default=5, show_default=True, help="Factors shown per milestone."
)
@click.option("--executor", "executor_uri", default="local", show_default=True, help=EXECUTOR_HELP)
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Folder for sensitivity.csv and sensitivity.png (default: sensitivity-SCENARIO).",
)
@click.option("--quiet", is_flag=True, help="No progress bar.")
@lang_option
@click.pass_context
def sensitivity_cmd(
    ctx: click.Context,
    scenario: str,
    plan_name: str | None,
    trajectories: int,
    reps: int,
    master: int,
    design_seed: int,
    top: int,
    executor_uri: str,
    out_dir: Path | None,
    quiet: bool,
    sub_lang: str | None,
) -> None:
    """Rank every number marked assumed: true in SCENARIO and its plan by how much
    it moves each milestone's P(met) (Morris μ*, σ)."""
    from rich.console import Console

    from ..experiment.executors import open_executor
    from ..experiment.sensitivity import screen
    from ..experiment.sensitivity_files import terminal_table, write
    from ..files import probe_output

    lang = pick_lang(ctx, sub_lang)
    zh = lang == "zh"
    if not scenario.strip():
        raise UserError("a SCENARIO id or file is needed")
    folder = out_dir or Path(f"sensitivity-{Path(scenario).stem}")
    for name in ("sensitivity.csv", "sensitivity.png"):
        target = folder / name
        if target.exists() and not target.is_file():
            raise UserError(f"{display(target)}: exists and is not a file")
    if folder.exists():
        probe_output(folder / "sensitivity.csv")  # refuse an unwritable folder before computing
    with (
        open_executor(executor_uri) as handle,
        ProgressBar("筛查" if zh else "screening", enabled=not quiet) as bar,
    ):
        result = screen(
            plan_name,
            scenario,
            trajectories,
            reps,
            master=master,
            seed=design_seed,
            handle=handle,
            progress=bar,
        )
    console = Console()
    if not console.is_terminal:
        console = Console(width=160)
    console.print(terminal_table(result, lang, top))
    for name, why in result.skipped:
        click.echo(("未筛查" if zh else "not screened") + f": {name} ({why})")
    for path in write(result, folder, lang):
        click.echo(f"  {display(path)}")
