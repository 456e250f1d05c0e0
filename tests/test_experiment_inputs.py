"""A study runs what it was given when it started: the plan and scenario go to
the workers as content with their SHA-256 and are snapshotted into the output
folder, so editing a file mid-sweep, or before a resume, changes nothing; a
damaged copy or another model version is refused, never computed; one study
per folder; evaluations keep their rows and resume like sweeps."""

from __future__ import annotations

import dataclasses
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from cli_helpers import drill, drill_here

from sim.engine.version import MODEL_VERSION
from sim.experiment.design import make_design, parse_vary
from sim.experiment.evaluate import evaluate
from sim.experiment.executors import open_executor
from sim.experiment.inputs import FileContent, Inputs, InputsMismatch
from sim.experiment.sweep import Interrupted, Study, run_study
from sim.experiment.tasks import WorkerMismatch, make_tasks, run_task
from sim.spec import catalog

SLOW_LEADER = ("arrival_min: {dist: triangular, low: 8, mode: 18, high: 45}", "arrival_min: 44")


def copies(tmp_path: Path) -> tuple[Path, Path]:
    (tmp_path / "files" / "plans").mkdir(parents=True)
    plan = tmp_path / "files" / "plans" / "city.yaml"
    scenario = tmp_path / "files" / "group-visit-50.yaml"
    shutil.copy(catalog.plan_path("city"), plan)
    shutil.copy(catalog.scenario_path("group-visit-50"), scenario)
    assert SLOW_LEADER[0] in plan.read_text(encoding="utf-8")
    return plan, scenario


def slow_the_leader(plan: Path) -> None:
    plan.write_text(plan.read_text(encoding="utf-8").replace(*SLOW_LEADER), encoding="utf-8")


def study(plan: Path, scenario: Path, reps: int = 6) -> Study:
    design = make_design("grid", [parse_vary("teams.reception.on_duty=1..2")])
    return Study(plan, scenario, design, reps, master=7, batch=2)


def rows(out: Path) -> pd.DataFrame:
    return pd.read_parquet(out / "runs.parquet").sort_values(["point", "rep"]).reset_index(drop=True)


@pytest.fixture(scope="module")
def reference(tmp_path_factory) -> Path:
    tmp = tmp_path_factory.mktemp("ref")
    plan, scenario = copies(tmp)
    with open_executor("serial") as h:
        run_study(study(plan, scenario), h, tmp / "out")
    return tmp / "out"


def test_editing_the_plan_during_a_sweep_changes_none_of_its_rows(tmp_path: Path, reference: Path) -> None:
    plan, scenario = copies(tmp_path)
    edited = []

    def progress(done: int, total: int) -> None:
        if done and not edited:  # after the first chunk: someone edits the file
            slow_the_leader(plan)
            edited.append(done)

    with open_executor("serial") as h:
        run_study(study(plan, scenario), h, tmp_path / "out", progress=progress)
    assert edited and done_with_slow_leader(plan)
    pd.testing.assert_frame_equal(rows(tmp_path / "out"), rows(reference))
    meta = json.loads((tmp_path / "out" / "meta.json").read_text(encoding="utf-8"))
    snapshot = tmp_path / "out" / meta["inputs"][""]["plan"]["file"]
    assert snapshot.read_bytes() == catalog.plan_path("city").read_bytes()  # what was run, not the edit


def done_with_slow_leader(plan: Path) -> bool:
    return SLOW_LEADER[1] in plan.read_text(encoding="utf-8")


def test_resume_runs_from_the_snapshot_and_says_the_file_changed(tmp_path: Path, reference: Path) -> None:
    plan, scenario = copies(tmp_path)
    out = tmp_path / "out"
    with open_executor("serial") as h:
        with pytest.raises(Interrupted):
            run_study(study(plan, scenario), h, out, stop_after=2)
        slow_the_leader(plan)
        result = run_study(study(plan, scenario), h, out, resume=True)
    assert result.chunks_skipped == 2
    assert any("plan file city.yaml has changed" in line for line in result.changed)
    pd.testing.assert_frame_equal(rows(out), rows(reference))


def test_resume_needs_only_the_folder(tmp_path: Path, reference: Path) -> None:
    plan, scenario = copies(tmp_path)
    out = tmp_path / "out"
    with open_executor("serial") as h, pytest.raises(Interrupted):
        run_study(study(plan, scenario), h, out, stop_after=3)
    shutil.rmtree(tmp_path / "files")  # the original files are gone: the snapshot is enough
    code, out_text, err = drill_here(
        "sweep", "--resume", "--out", str(out), "--executor", "serial", "--quiet", "--no-plots"
    )
    assert code == 0, err
    assert "3 chunks resumed" in out_text
    pd.testing.assert_frame_equal(rows(out), rows(reference))


def test_a_sweep_in_progress_cannot_be_resumed_without_resume(tmp_path: Path) -> None:
    plan, scenario = copies(tmp_path)
    out = tmp_path / "out"
    with open_executor("serial") as h, pytest.raises(Interrupted):
        run_study(study(plan, scenario), h, out, stop_after=1)
    code, _out, err = drill_here("sweep", str(scenario), "--plan", str(plan), "--out", str(out), "--quiet")
    assert code == 2 and "already holds a sweep; use --resume" in err


def test_damaged_content_is_refused_by_the_worker(tmp_path: Path) -> None:
    inputs = Inputs.read(catalog.plan_path("city"), catalog.scenario_path("group-visit-50"))
    plan = inputs.plan
    damaged = dataclasses.replace(
        inputs,
        plan=FileContent(
            plan.name,
            plan.data.replace(
                b"arrival_min: {dist: triangular, low: 8", b"arrival_min: {dist: triangular, low: 9"
            ),
            plan.sha256,
        ),
    )
    assert damaged.plan.data != plan.data
    (task,) = make_tasks([{}], 1, 1, damaged, master=1)
    with pytest.raises(InputsMismatch, match="does not match the SHA-256"):
        run_task(task)


def test_a_worker_of_another_model_version_refuses(tmp_path: Path) -> None:
    inputs = Inputs.read(catalog.plan_path("city"), catalog.scenario_path("group-visit-50"))
    (task,) = make_tasks([{}], 1, 1, inputs, master=1)
    with pytest.raises(WorkerMismatch, match="model version"):
        run_task(dataclasses.replace(task, model=MODEL_VERSION + 1))


def test_a_new_sweep_that_fails_before_any_result_leaves_no_folder(tmp_path: Path) -> None:
    inputs = Inputs.read(catalog.plan_path("city"), catalog.scenario_path("group-visit-50"))
    bad = dataclasses.replace(
        inputs,
        scenario=FileContent(inputs.scenario.name, inputs.scenario.data + b"\n#", inputs.scenario.sha256),
    )
    s = study(catalog.plan_path("city"), catalog.scenario_path("group-visit-50"))
    s.inputs = bad
    with open_executor("serial") as h, pytest.raises(InputsMismatch):
        run_study(s, h, tmp_path / "out")
    assert list(tmp_path.iterdir()) == []


def test_a_second_study_on_the_same_folder_is_refused_naming_the_first(tmp_path: Path) -> None:
    out = tmp_path / "busy"
    out.mkdir()
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys; from sim.experiment.lock import FolderLock\n"
            f"with FolderLock({str(out)!r}, 'sweep'):\n    print('locked', flush=True)\n    sys.stdin.read()",
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
        code, _out, err = drill_here(
            "sweep", "group-visit-50", "--reps", "1", "--out", str(out), "--resume", "--quiet"
        )
        assert code == 2
        assert f"is in use by another sweep (pid {holder.pid}" in err
        code, _out, err = drill_here(
            "evaluate", "city", "--scenarios", "group-visit-50", "--reps", "1", "--out", str(out)
        )
        assert code == 2 and f"pid {holder.pid}" in err
    finally:
        assert holder.stdin is not None
        holder.stdin.close()
        holder.wait(timeout=60)
    # the lock went with its holder: the folder is usable again
    code, _out, err = drill_here(
        "sweep",
        "group-visit-50",
        "--reps",
        "1",
        "--out",
        str(out),
        "--executor",
        "serial",
        "--quiet",
        "--no-plots",
    )
    assert code == 0, err


def test_an_evaluation_keeps_its_rows_and_resumes(tmp_path: Path) -> None:
    plan = catalog.plan_path("city")
    scenarios = [catalog.scenario_path("group-visit-50"), catalog.scenario_path("extreme-individual")]
    args = (plan, scenarios, 6, 3, "plan", 0.9)
    with open_executor("serial") as h:
        whole = evaluate(*args, h, batch=2, out_dir=tmp_path / "whole")
        with pytest.raises(Interrupted):
            evaluate(*args, h, batch=2, out_dir=tmp_path / "killed", stop_after=3)
        assert not (tmp_path / "killed" / "runs.parquet").exists()
        resumed = evaluate(*args, h, batch=2, out_dir=tmp_path / "killed", resume=True)
    a, b = rows(tmp_path / "whole"), rows(tmp_path / "killed")
    a = a.sort_values(["scenario", "rep"]).reset_index(drop=True)
    b = b.sort_values(["scenario", "rep"]).reset_index(drop=True)
    pd.testing.assert_frame_equal(a, b)
    assert sorted(a.scenario.unique()) == ["extreme-individual", "group-visit-50"]
    assert {"status_leader_30", "t_leader_30_min"} <= set(a.columns)
    assert not any(c.startswith("cause_") for c in a.columns)  # causes: by counterfactual, not per row
    for x, y in zip(whole.scenarios, resumed.scenarios, strict=True):
        assert [m.prop for m in x.milestones] == [m.prop for m in y.milestones]
    meta = json.loads((tmp_path / "whole" / "meta.json").read_text(encoding="utf-8"))
    assert meta["kind"] == "evaluation" and meta["scenarios"] == ["group-visit-50", "extreme-individual"]
    assert set(meta["inputs"]) == {"group-visit-50", "extreme-individual"}


def test_progress_is_plain_lines_when_stderr_is_not_a_terminal(tmp_path: Path) -> None:
    code, _out, err = drill(
        "sweep",
        "group-visit-50",
        "--reps",
        "3",
        "--executor",
        "serial",
        "--out",
        str(tmp_path / "o"),
        "--no-plots",
    )
    assert code == 0, err
    last = err.strip().splitlines()[-1]
    assert last.startswith("sweep: 3/3 reps (100 %)") and "done in" in last
    assert "\x1b[" not in err and "━" not in err  # no bar, no cursor movement in a log file


def test_plain_progress_prints_every_few_seconds_with_the_time_left() -> None:
    from io import StringIO

    from sim.cli.base import PlainProgress

    now = [100.0]
    stream = StringIO()
    with PlainProgress("sweep", stream=stream, every_s=5.0, clock=lambda: now[0]) as p:
        for done in range(0, 101, 10):
            p(done, 100)
            now[0] += 2.0  # 10 reps every 2 s: 5 reps/s
    # one line once 5 s have passed since the last, and one at the end
    assert stream.getvalue().splitlines() == [
        "sweep: 30/100 reps (30 %), 5.0 reps/s, about 14 s left",
        "sweep: 60/100 reps (60 %), 5.0 reps/s, about 8 s left",
        "sweep: 90/100 reps (90 %), 5.0 reps/s, about 2 s left",
        "sweep: 100/100 reps (100 %), 4.5 reps/s, done in 22 s",
    ]
