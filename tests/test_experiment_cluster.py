"""A sweep on a real Dask cluster — a scheduler and workers that are separate
processes on 127.0.0.1 — gives the serial table exactly, even when a worker
sees other files than the driver at the same paths (another city.yaml) or no
files at all: the tasks carry the plan and scenario, never their paths.

The workers' different views of the disk are made with private mount
namespaces (``unshare -m``), so the test needs root and util-linux's unshare;
it is skipped elsewhere."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from cli_helpers import can_mount, wait_for

from sim.experiment.design import make_design, parse_vary
from sim.experiment.executors import open_executor
from sim.experiment.sweep import Study, run_study
from sim.spec import catalog

pytest.importorskip("distributed")
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not can_mount(), reason="needs root and unshare -m to give a worker other files"),
]

WAIT_S = 180.0
DASK = [sys.executable, "-m", "distributed.cli.dask_worker"]


def _workers(scheduler_file: Path) -> dict[str, str]:
    """name -> address of the workers the scheduler knows."""
    from distributed import Client

    with Client(scheduler_file=str(scheduler_file), timeout="30s") as client:
        return {str(w["name"]): addr for addr, w in client.scheduler_info()["workers"].items()}


@pytest.fixture
def cluster(tmp_path: Path):  # type: ignore[no-untyped-def]
    """A scheduler and three single-thread workers, each its own process: ``same``
    sees the driver's files, ``other`` sees a different city.yaml at the driver's
    path (a slower leader), ``none`` sees an empty folder there."""
    files = tmp_path / "files"
    (files / "plans").mkdir(parents=True)
    plan = files / "plans" / "city.yaml"
    shutil.copy(catalog.plan_path("city"), plan)
    shutil.copy(catalog.scenario_path("group-visit-50"), files / "group-visit-50.yaml")
    other = tmp_path / "other-city.yaml"
    text = plan.read_text(encoding="utf-8")
    slow = text.replace("arrival_min: {dist: triangular, low: 8, mode: 18, high: 45}", "arrival_min: 44")
    assert slow != text
    other.write_text(slow, encoding="utf-8")
    empty = tmp_path / "empty"
    empty.mkdir()

    scheduler_file = tmp_path / "scheduler.json"
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "distributed.cli.dask_scheduler", "--host", "127.0.0.1", "--port", "0",
             "--no-dashboard", "--scheduler-file", str(scheduler_file)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
        )
    ]  # fmt: skip
    wait_for(lambda: scheduler_file.exists() and scheduler_file.stat().st_size > 0, "the scheduler")
    worker = " ".join(
        f"'{a}'"
        for a in [
            *DASK,
            "--scheduler-file",
            str(scheduler_file),
            "--nthreads",
            "1",
            "--no-nanny",
            "--no-dashboard",
        ]
    )
    views = {
        "same": "",
        "other": f"mount --bind '{other}' '{plan}' && ",
        "none": f"mount --bind '{empty}' '{files}' && ",
    }
    for name, view in views.items():
        procs.append(
            subprocess.Popen(
                ["unshare", "-m", "bash", "-c", f"{view}exec {worker} --name {name}"],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                start_new_session=True,
            )
        )
    try:
        wait_for(lambda: len(_workers(scheduler_file)) == 3, "three workers")
        address = json.loads(scheduler_file.read_text(encoding="utf-8"))["address"]
        yield address, plan, files / "group-visit-50.yaml", scheduler_file
    finally:
        for proc in procs:
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            proc.wait(timeout=WAIT_S)


def test_a_dask_cluster_whose_workers_see_other_files_gives_the_serial_table(cluster, tmp_path: Path) -> None:
    address, plan, scenario, scheduler_file = cluster
    design = make_design("grid", [parse_vary("teams.reception.on_duty=1..3")])

    def study() -> Study:
        return Study(plan, scenario, design, 12, master=5, batch=1)

    with open_executor("serial") as h:
        run_study(study(), h, tmp_path / "serial")
    from distributed import Client

    with open_executor(f"dask:{address}") as h:
        assert h.workers == 3
        run_study(study(), h, tmp_path / "dask")

    def view_of(path: str) -> str | None:
        """What this process sees at ``path``: the SHA-256 of its bytes, or None."""
        import hashlib

        try:
            with open(path, "rb") as fh:
                return hashlib.sha256(fh.read()).hexdigest()
        except OSError:
            return None

    with Client(address, timeout="30s") as client:
        executed = client.run(lambda dask_worker: dask_worker.state.executed_count)
        seen = client.run(view_of, str(plan))
    names = _workers(scheduler_file)
    # the workers really do see different things at the driver's path
    mine = view_of(str(plan))
    assert seen[names["same"]] == mine
    assert seen[names["other"]] not in (mine, None)
    assert seen[names["none"]] is None
    # every worker took part, the ones that see other files or none included
    assert all(executed[names[n]] > 0 for n in ("same", "other", "none")), executed

    def rows(p: Path) -> pd.DataFrame:
        return pd.read_parquet(p / "runs.parquet").sort_values(["point", "rep"]).reset_index(drop=True)

    pd.testing.assert_frame_equal(rows(tmp_path / "dask"), rows(tmp_path / "serial"))
    meta = json.loads((tmp_path / "dask" / "meta.json").read_text(encoding="utf-8"))
    assert (
        meta["inputs"][""]["plan"]["sha256"]
        == json.loads((tmp_path / "serial" / "meta.json").read_text(encoding="utf-8"))["inputs"][""]["plan"][
            "sha256"
        ]
    )
