"""A unit plays the shipped scenarios against its own plan file.

Copy a shipped plan, give it the unit's id (the file name), edit it, validate
it, and pass its path with --plan. A plan that lacks a place a scenario uses
is refused with the reason, before anything runs.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sim.cli import main_group
from sim.cli.base import run_cli
from sim.spec import catalog


@pytest.fixture
def own_plan(tmp_path: Path) -> Path:
    text = catalog.plan_path("city").read_text(encoding="utf-8")
    text = text.replace("id: city\n", "id: my-unit\n").replace(
        "    size_people: 12\n    on_duty_people: 4", "    size_people: 6\n    on_duty_people: 2"
    )
    path = tmp_path / "my-unit.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_units_own_plan_validates_and_runs(own_plan, capsys):
    assert run_cli(main_group, ["validate", str(own_plan)]) == 0
    capsys.readouterr()
    assert (
        run_cli(main_group, ["run", "group-visit-50", "--plan", str(own_plan), "--json", "--seed", "4"]) == 0
    )
    out = json.loads(capsys.readouterr().out)
    assert out["plan"] == "my-unit" and out["people_arrived"] > 0


def test_a_plan_without_the_scenarios_places_is_refused_with_the_reason(tmp_path, capsys):
    text = (
        catalog.plan_path("coal-mine")
        .read_text(encoding="utf-8")
        .replace("id: coal-mine\n", "id: mine-two\n")
    )
    plan = tmp_path / "mine-two.yaml"
    plan.write_text(text, encoding="utf-8")
    for command in (
        ["run", "group-visit-50", "--plan", str(plan)],
        ["play", "group-visit-50", "--plan", str(plan)],
    ):
        assert run_cli(main_group, command) == 2
        err = capsys.readouterr().err
        assert "incidents[0].location: location 'gate' is not a venue or site of plan mine-two" in err
        assert "Traceback" not in err
