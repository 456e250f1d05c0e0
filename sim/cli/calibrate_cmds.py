"""``drill calibrate``: each figure a seed states about a scenario's behaviour
beside the model's figure and its 95 % interval over many seeds."""

from __future__ import annotations

import json
import math
import sys

import click

from .base import REPS, SEED, UserError, lang_option, pick_lang


def register(group: click.Group) -> None:
    group.add_command(calibrate_cmd)


STATISTICS = {
    "median_h": ("时长中位数（小时）", "median duration (h)"),
    "share": ("比例", "share"),
    "mean_people": ("平均人数", "mean people"),
    "mean_peak_people": ("在场峰值均数", "mean peak on site"),
    "median_reach": ("累计触达中位数", "median cumulative reach"),
    "reduction": ("接待加倍后减少的比例", "fall with reception doubled"),
    "mean_unanswered_people": ("未获答复离开的平均人数", "mean people gone unanswered"),
}
POLICY = {"plan": ("按预案", "plan-following"), "passive": ("无人回应", "nobody responding")}


def _num(value: float, statistic: str) -> str:
    if math.isinf(value):
        return "∞"
    if math.isnan(value):
        return "–"
    if statistic in ("share", "reduction"):
        return f"{100 * value:.0f} %"
    if statistic == "median_reach":
        return f"{value / 1e6:,.1f} M"
    if statistic == "median_h":
        return f"{value:.2f}"
    return f"{value:.1f}"


def _band(band: tuple[float, float], statistic: str) -> str:
    low, high = band
    if math.isinf(high) or (statistic in ("share", "reduction") and high >= 1.0 and low < 1.0):
        return f"≥ {_num(low, statistic)}"
    if low == high:
        return f"= {_num(low, statistic)}"
    return f"{_num(low, statistic)} – {_num(high, statistic)}"


@click.command("calibrate")
@click.argument("scenario")
@click.option("--plan", "plan_name", default=None, help="Plan id or file (default: the scenario's own).")
@click.option("--reps", default=100, show_default=True, type=REPS, help="Replications (seeds) per figure.")
@click.option("--first-seed", default=0, show_default=True, type=SEED, help="Seeds first-seed .. +reps-1.")
@click.option("--target", "only", default=None, help="Only the calibration entry with this id.")
@click.option("--json", "as_json", is_flag=True, help="Print the rows as JSON.")
@lang_option
@click.pass_context
def calibrate_cmd(
    ctx: click.Context,
    scenario: str,
    plan_name: str | None,
    reps: int,
    first_seed: int,
    only: str | None,
    as_json: bool,
    sub_lang: str | None,
) -> None:
    """Compare SCENARIO's calibration targets (figures the seed plans state) with the model."""
    from rich.console import Console
    from rich.table import Table

    from ..calibration import calibrate
    from ..spec import catalog
    from ..spec.loader import load_plan_file, load_scenario_file

    lang = pick_lang(ctx, sub_lang)
    zh = lang == "zh"
    scen, _ = load_scenario_file(catalog.scenario_path(scenario))
    plan, _ = load_plan_file(catalog.plan_path(plan_name or scen.default_plan))
    if only is not None and all(t.id != only for t in scen.calibration):
        have = ", ".join(t.id for t in scen.calibration) or "-"
        raise UserError(f"{scen.id}: no calibration entry {only!r} (have: {have})")
    rows = calibrate(plan, scen, reps, first_seed, only)
    if as_json:
        out = [
            {
                "target": r.target.id,
                "measure": r.target.measure,
                "source": r.target.source,
                "policy": r.target.policy.value,
                "statistic": r.statistic,
                "model": None if math.isnan(r.model) else r.model,
                "interval": [r.low, r.high],
                "band": [r.band[0], None if math.isinf(r.band[1]) else r.band[1]],
                "n": r.n,
                "within": r.within,
            }
            for r in rows
        ]
        json.dump(
            {"scenario": scen.id, "plan": plan.id, "reps": reps, "rows": out},
            sys.stdout,
            ensure_ascii=False,
            indent=1,
        )
        sys.stdout.write("\n")
        return
    console = Console()
    title = scen.title.get(lang)
    if not rows:
        console.print(
            f"{title}：没有种子预案给出的行为数字可对照。"
            if zh
            else f"{title}: no figure a seed plan states applies to this scenario."
        )
        return
    table = Table(
        title=f"{title} · {plan.unit.get(lang)} · "
        + (f"{reps} 次运行（种子 {first_seed} 起）" if zh else f"{reps} runs (seeds from {first_seed})"),
    )
    heads = [("条目", "entry"), ("统计量", "statistic"), ("目标", "target"), ("模型", "model")]
    heads += [("95% 区间", "95 % interval"), ("", "")]
    for head in heads:
        table.add_column(head[0] if zh else head[1])
    for r in rows:
        table.add_row(
            r.target.id,
            STATISTICS[r.statistic][0 if zh else 1],
            _band(r.band, r.statistic),
            _num(r.model, r.statistic),
            f"{_num(r.low, r.statistic)} – {_num(r.high, r.statistic)}",
            ("符合" if r.within else "不符") if zh else ("agrees" if r.within else "differs"),
        )
    console.print(table)
    for t in scen.calibration:
        if only is not None and t.id != only:
            continue
        policy = POLICY[t.policy.value][0 if zh else 1]
        if zh:
            console.print(f"[bold]{t.id}[/]（{t.source}）{t.figure.zh}")
            console.print(f"  模型量度（{policy}）：{t.measures.zh}")
            console.print(f"  容差：{t.why_tolerance.zh}")
        else:
            console.print(f"[bold]{t.id}[/] ({t.source}) {t.figure.en}")
            console.print(f"  model measures ({policy}): {t.measures.en}")
            console.print(f"  tolerance: {t.why_tolerance.en}")
