"""``drill play``: the trainee's drill in the terminal (Textual app in ``tui``).

Textual is imported inside the command only, so ``import sim.cli`` and the
headless commands never load it.
"""

from __future__ import annotations

from pathlib import Path

import click

from .base import SEED, UserError, lang_option, pick_lang


def register(group: click.Group) -> None:
    group.add_command(play_cmd)


@click.command("play")
@click.argument("scenario", required=False)
@click.option("--plan", "plan_name", default=None, help="Plan id or file (default: the scenario's own).")
@click.option(
    "--seed",
    default=None,
    type=SEED,
    help="Random seed (default 1; settable on the pick screen).",
)
@click.option(
    "--journal",
    "journal_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Where to write the decision journal (default journals/<scenario>-<seed>-<time>.jsonl).",
)
@click.option(
    "--resume",
    "resume_path",
    type=click.Path(dir_okay=False, exists=True, path_type=Path),
    help="Go on with the drill recorded in this journal (appends to it).",
)
@lang_option
@click.pass_context
def play_cmd(
    ctx: click.Context,
    scenario: str | None,
    plan_name: str | None,
    seed: int | None,
    journal_path: Path | None,
    resume_path: Path | None,
    sub_lang: str | None,
) -> None:
    """Play a drill as a trainee team: pick, briefing, drill, debrief.

    Without SCENARIO the pick screen lists every shipped scenario (group-visit-50 on plan city first).
    """
    lang = pick_lang(ctx, sub_lang)
    if journal_path is not None and journal_path.exists():
        raise UserError(f"{journal_path} already exists; a journal is never overwritten")
    if resume_path is not None:
        from ..journal import JournalError, read_journal
        from ..replay import rebuild

        try:
            rebuild(read_journal(resume_path))  # fail here, with a message, not inside the UI
        except JournalError as exc:
            raise UserError(str(exc)) from None
    if scenario is not None:
        from ..spec import catalog
        from ..spec.loader import load_plan_file, load_scenario_file
        from ..spec.pairing import check_pairing

        # load and pair the files here, so a problem is a message, not a crash inside the UI
        scen, _ = load_scenario_file(catalog.scenario_path(scenario))
        plan, _ = load_plan_file(catalog.plan_path(plan_name or scen.default_plan))
        check_pairing(plan, scen)
    elif plan_name is not None:
        raise UserError("--plan needs a SCENARIO to play it with")

    from tui.app import run_app

    run_app(lang, scenario, plan_name, seed, journal_path, resume_path)
