"""``drill list``, ``drill validate``, ``drill schema``: the data files."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from ..spec import catalog
from ..spec.loader import load_plan_file, load_scenario_file, validate_paths
from ..spec.plan import Plan
from ..spec.scenario import Scenario
from .base import EXIT_USAGE, lang_option, pick_lang, print_problems


def _number_or_dist(node: object) -> object:
    """A bare number may stand for a fixed distribution (``arrival_min: 0``); the
    generated schema only knows the mapping form, so offer both to editors."""
    if isinstance(node, dict):
        disc = node.get("discriminator")
        if isinstance(disc, dict) and disc.get("propertyName") == "dist":
            return {"anyOf": [{"type": "number", "minimum": 0}, node]}
        return {k: _number_or_dist(v) for k, v in node.items()}
    if isinstance(node, list):
        return [_number_or_dist(v) for v in node]
    return node


def schemas() -> dict[str, dict[str, Any]]:
    return {
        "plan.schema.json": _number_or_dist(Plan.model_json_schema(by_alias=True)),  # type: ignore[dict-item]
        "scenario.schema.json": _number_or_dist(Scenario.model_json_schema(by_alias=True)),  # type: ignore[dict-item]
    }


def register(group: click.Group) -> None:
    group.add_command(list_cmd)
    group.add_command(validate_cmd)
    group.add_command(schema_cmd)


@click.command("list")
@lang_option
@click.pass_context
def list_cmd(ctx: click.Context, sub_lang: str | None) -> None:
    """List the shipped plans and scenarios."""
    from rich.console import Console
    from rich.table import Table

    lang = pick_lang(ctx, sub_lang)
    zh = lang == "zh"
    console = Console()
    plans = Table(title="预案 Plans" if zh else "Plans", title_justify="left")
    plans.add_column("id", no_wrap=True)
    # Chinese text has no spaces to wrap at: fold it, never cut it to a few characters (80 columns)
    plans.add_column("单位" if zh else "unit", overflow="fold", ratio=1)
    plans.add_column("来源" if zh else "source", no_wrap=True)
    plans.add_column("级别" if zh else "levels")
    for pid in catalog.shipped_plan_ids():
        plan, _ = load_plan_file(catalog.plan_path(pid))
        plans.add_row(pid, plan.unit.get(lang), plan.source, " ".join(plan.levels))
    console.print(plans)
    scen = Table(title="情景 Scenarios" if zh else "Scenarios", title_justify="left")
    scen.add_column("id", no_wrap=True)
    scen.add_column("标题" if zh else "title", overflow="fold", ratio=1)
    scen.add_column("来源" if zh else "source", overflow="fold", max_width=16)
    scen.add_column("适用预案" if zh else "plans", no_wrap=True)  # the default first
    scen.add_column("预期级别" if zh else "level", no_wrap=True)
    for sid in catalog.shipped_scenario_ids():
        scenario, _ = load_scenario_file(catalog.scenario_path(sid))
        scen.add_row(
            sid,
            scenario.title.get(lang),  # in the language asked for: half the rows at 80 columns
            scenario.source,
            "\n".join(scenario.plans()),
            scenario.expected_level,
        )
    console.print(scen)


@click.command("validate")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
def validate_cmd(paths: tuple[Path, ...]) -> None:
    """Check plan and scenario files; print every problem as file:line field: message.

    Exit status 0 when every file is valid (warnings allowed), 2 otherwise.
    """
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files.extend(sorted(path.glob("*.yaml")) + sorted((path / "plans").glob("*.yaml")))
        else:
            files.append(path)
    problems = validate_paths(files)
    print_problems(problems)
    errors = [p for p in problems if p.severity == "error"]
    bad = {p.file for p in errors}
    click.echo(f"{len(files) - len(bad)} of {len(files)} files valid", err=bool(errors))
    if errors:
        raise click.exceptions.Exit(EXIT_USAGE)


@click.command("schema")
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("schemas"),
    show_default=True,
    help="Folder to write plan.schema.json and scenario.schema.json into.",
)
def schema_cmd(out: Path) -> None:
    """Write the JSON Schema of plan and scenario files (for editors)."""
    from ..files import atomic_write, display, make_folders

    make_folders(out)
    for name, schema in schemas().items():
        atomic_write(out / name, json.dumps(schema, ensure_ascii=False, indent=2) + "\n")
        click.echo(display(out / name))
