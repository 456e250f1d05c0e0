"""``drill attribute``: which single change to the plan turns a scenario's missed
milestones into met ones, on the same replications (counterfactual under common
random numbers; ``sim.experiment.attribution``)."""

from __future__ import annotations

import click

from .base import REPS, SEED, UserError, lang_option, pick_lang

EXECUTOR_HELP = "serial, local[:N] (process pool, default: all cores) or dask[:tcp://host:port]."


def register(group: click.Group) -> None:
    group.add_command(attribute_cmd)


@click.command("attribute")
@click.argument("scenario")
@click.option("--plan", "plan_name", default=None, help="Plan id or file (default: the scenario's own).")
@click.option(
    "--milestones", default="", help="Milestone ids separated by commas (default: every one missed)."
)
@click.option("--reps", type=REPS, default=100, show_default=True, help="Replications (0 .. N-1).")
@click.option(
    "--seed",
    "master",
    type=SEED,
    default=1,
    show_default=True,
    help="Master seed (as in evaluate and sweep).",
)
@click.option(
    "--sooner-min",
    type=click.FloatRange(0, 1440, min_open=True),
    default=15.0,
    show_default=True,
    help="How much sooner an arrival, a call-in, travel or drafting is made.",
)
@click.option("--only", default="", help="Try only changes whose key starts with one of these (commas).")
@click.option("--executor", "executor_uri", default="local", show_default=True, help=EXECUTOR_HELP)
@click.option("--all", "show_all", is_flag=True, help="Also list the runner-up changes.")
@lang_option
@click.pass_context
def attribute_cmd(
    ctx: click.Context,
    scenario: str,
    plan_name: str | None,
    milestones: str,
    reps: int,
    master: int,
    sooner_min: float,
    only: str,
    executor_uri: str,
    show_all: bool,
    sub_lang: str | None,
) -> None:
    """For each milestone SCENARIO misses, the single change to the plan that turns
    most misses into meets on the same replications, with an exact interval;
    or "no single change helps"."""
    from rich.console import Console
    from rich.table import Table

    from ..experiment.attribution import attribute
    from ..experiment.executors import open_executor
    from ..spec import catalog
    from ..spec.loader import load_scenario_file

    lang = pick_lang(ctx, sub_lang)
    zh = lang == "zh"
    scen, _ = load_scenario_file(catalog.scenario_path(scenario))
    plan = plan_name or scen.default_plan
    ids = [m.strip() for m in milestones.split(",") if m.strip()] or None
    prefixes = [p.strip() for p in only.split(",") if p.strip()] or None
    with open_executor(executor_uri) as handle:
        from ..spec.loader import load_plan_file

        known = {m.id for _l, m in load_plan_file(catalog.plan_path(plan))[0].all_milestones()}
        unknown = sorted(set(ids or []) - known)
        if unknown:
            raise UserError(f"--milestones: plan {plan} has no milestone {', '.join(unknown)}")
        result = attribute(
            plan,
            scenario,
            ids,
            range(reps),
            master=master,
            only=prefixes,
            sooner_min=sooner_min,
            handle=handle,
        )
    table = Table(
        title=(
            f"{scen.title.zh} · {plan}：{reps} 次重复（主种子 {master}），每项改变在相同重复上对照"
            if zh
            else f"{scen.title.en} · {plan}: {reps} replications (master seed {master}), each change on the same ones"
        ),
        title_justify="left",
    )
    for h in (
        ["里程碑", "未达成", "单项改变的作用"] if zh else ["milestone", "misses", "what a single change does"]
    ):
        table.add_column(h)
    for mid, m in result.milestones.items():
        if not m.misses:
            continue
        table.add_row(mid, f"{m.misses}/{m.reps}", m.text(lang))
        if show_all:
            for e in m.effects[1:4]:
                if e.turned or e.broken:
                    table.add_row(
                        "",
                        "",
                        f"  {e.change.label(lang)}: +{e.turned} −{e.broken} (p {e.p_adjusted:.2g})",
                    )
    table.caption = (
        "转为达成数的区间为 Clopper–Pearson 精确 95% 区间；是否有帮助按精确 McNemar 检验（对所试改变作 Bonferroni–Tarone 校正，α=0.05）"
        if zh
        else "intervals: exact (Clopper–Pearson) 95 %; 'helps' by an exact McNemar test, Bonferroni–Tarone "
        "corrected over the changes tried (alpha 0.05)"
    )
    console = Console()
    if not console.is_terminal:
        console = Console(width=160)
    console.print(table)
