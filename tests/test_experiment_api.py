"""The Python API for sweeps and evaluations (sim.experiment.run_sweep,
run_evaluation, read_runs) gives what the commands give."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
from cli_helpers import drill_here

from sim.experiment import read_runs, run_evaluation, run_sweep


def test_run_sweep_writes_the_same_table_as_drill_sweep(tmp_path: Path) -> None:
    result = run_sweep(
        "group-visit-50",
        vary={"teams.reception.on_duty": "1..2"},
        reps=3,
        seed=9,
        out=tmp_path / "api",
        executor="serial",
    )
    assert result.rows == 6 and result.runs == tmp_path / "api" / "runs.parquet"
    code, _out, err = drill_here(
        "sweep", "group-visit-50", "--vary", "teams.reception.on_duty=1..2", "--reps", "3", "--seed", "9",
        "--executor", "serial", "--out", str(tmp_path / "cli"), "--quiet", "--no-plots",
    )  # fmt: skip
    assert code == 0, err
    api, cli = read_runs(tmp_path / "api"), read_runs(tmp_path / "cli")
    assert str(api["met_leader_30"].dtype) == "boolean" and api["level"].dtype.ordered
    pd.testing.assert_frame_equal(api, cli)


def test_run_evaluation_keeps_its_rows_and_writes_its_report(tmp_path: Path) -> None:
    report = run_evaluation("city", ["group-visit-50"], reps=4, out=tmp_path / "e", executor="serial")
    (scenario,) = report.scenarios
    assert scenario.id == "group-visit-50" and all(m.prop.n <= 4 for m in scenario.milestones)
    runs = read_runs(tmp_path / "e")
    assert len(runs) == 4 and set(runs["scenario"]) == {"group-visit-50"}
    leader = next(m for m in scenario.milestones if m.id == "leader_30")
    assert leader.prop.k == int((runs["status_leader_30"] == "met").sum())
    assert (tmp_path / "e" / "report.html").read_text(encoding="utf-8").count("data:image/png;base64,") == 1
    assert json.loads((tmp_path / "e" / "meta.json").read_text(encoding="utf-8"))["kind"] == "evaluation"
