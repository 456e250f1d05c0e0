"""``drill run``: one drill played headless by a policy, with its scorecard."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from .base import SEED, UserError, lang_option, pick_lang


def register(group: click.Group) -> None:
    group.add_command(run_cmd)


@click.command("run")
@click.argument("scenario")
@click.option("--plan", "plan_name", default=None, help="Plan id or file (default: the scenario's own).")
@click.option("--seed", default=1, show_default=True, type=SEED, help="Random seed.")
@click.option("--policy", type=click.Choice(["plan", "passive"]), default="plan", show_default=True)
@click.option(
    "--set",
    "sets",
    multiple=True,
    metavar="PATH=VALUE",
    help="Override a number, e.g. teams.reception.on_duty=2.",
)
@click.option(
    "--log",
    "log_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the event log (JSON Lines).",
)
@click.option(
    "--journal",
    "journal_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the decision journal.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the flat outcome dict as JSON.")
@lang_option
@click.pass_context
def run_cmd(
    ctx: click.Context,
    scenario: str,
    plan_name: str | None,
    seed: int,
    policy: str,
    sets: tuple[str, ...],
    log_path: Path | None,
    journal_path: Path | None,
    as_json: bool,
    sub_lang: str | None,
) -> None:
    """Play SCENARIO headless with a policy and print its scorecard."""
    from rich.console import Console

    from ..engine import params as P
    from ..engine.batch import flatten
    from ..engine.drill import Drill
    from ..engine.policies import make, play
    from ..journal import JournalWriter
    from ..present import print_scorecard
    from ..spec import catalog
    from ..spec.loader import load_plan_file, load_scenario_file

    lang = pick_lang(ctx, sub_lang)
    scenario_file = catalog.scenario_path(scenario)
    scen, _ = load_scenario_file(scenario_file)
    plan_file = catalog.plan_path(plan_name or scen.default_plan)
    plan, _ = load_plan_file(plan_file)
    params = dict(P.parse_assignment(s) for s in sets)
    plan, scen = P.apply(plan, scen, params)
    if journal_path is not None and journal_path.exists():
        raise UserError(f"{journal_path} already exists; a journal is never overwritten")
    if log_path is not None:
        from ..files import probe_output

        probe_output(log_path)

    drill = Drill(plan, scen, seed)
    writer = None
    if journal_path is not None:
        writer = JournalWriter(journal_path, plan_file, scenario_file, seed, params, {"policy": policy})
    try:
        play(
            drill, make(policy), on_decision=(lambda t, d: writer.record(t, d.to_dict())) if writer else None
        )
        if writer is not None:
            writer.close()
        if log_path is not None:
            from ..files import atomic_output

            with atomic_output(log_path, "w") as fh:
                drill.write_log(fh)  # type: ignore[arg-type]  # an open text file is a TextIO
    except BaseException:
        # a policy's drill is replayed by running the command again: leave no
        # partial journal behind, or the retry would find its path taken
        if writer is not None:
            writer.close()
            journal_path.unlink(missing_ok=True)  # type: ignore[union-attr]
        raise
    if as_json:
        out = {"scenario": scen.id, "plan": plan.id, "seed": seed, "policy": policy, **flatten(drill)}
        json.dump(out, sys.stdout, ensure_ascii=False, indent=1)
        sys.stdout.write("\n")
        return
    heading = f"[bold]{scen.title.get(lang)}[/] · {plan.unit.get(lang)} · " + (
        f"种子 {seed} · 策略 {policy}" if lang == "zh" else f"seed {seed} · policy {policy}"
    )
    print_scorecard(Console(), drill.scorecard(), lang, heading, plan, scen.wall_start)
