"""``drill run``: one drill headless, its scorecard read as a person reads it."""

from __future__ import annotations

import re

import pytest
from cli_helpers import drill_here

from sim.engine.batch import play_policy
from sim.present import wall_clock
from sim.spec import catalog
from sim.spec.loader import load_plan_file, load_scenario_file


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_run_names_each_result_by_time_of_day_and_its_clock_start(
    lang: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A met milestone reads "met 08:33 — 4 of 5 min after the first report": the
    moment as the scenario's wall clock (not a minute count) and the span from its
    named clock start — the one meaning of time used by every screen."""
    monkeypatch.setenv("COLUMNS", "200")
    code, out, err = drill_here("run", "group-visit-50", "--seed", "3", "--lang", lang)
    assert code == 0, err
    scen, _ = load_scenario_file(catalog.scenario_path("group-visit-50"))
    plan, _ = load_plan_file(catalog.plan_path(scen.default_plan))
    card = play_policy(plan, scen, 3).scorecard()
    screened = next(m for m in card.milestones if m.status == "met" and m.met_at is not None)
    at = wall_clock(scen.wall_start, screened.met_at or 0.0)
    assert re.match(r"^\d\d:\d\d$", at)
    expected = "first report" if lang == "en" else "首报后"
    line = next(row for row in out.splitlines() if screened.label(lang)[:12] in row)
    assert at in line and expected in line, line
