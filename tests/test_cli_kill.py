"""Killing a command loses nothing and leaves nothing running: no worker
outlives its sweep's driver however the driver ends (SIGKILL, SIGTERM, the
terminal closing), a report being rewritten is never left truncated, and a
killed evaluation resumes to the rows of an uninterrupted one.

Every wait is on state (processes listed in /proc, a file's identity), each
bounded by a generous timeout; nothing depends on how fast the machine is."""

from __future__ import annotations

import os
import signal
import subprocess
import time
import zipfile
from pathlib import Path

import pandas as pd
import pytest
from cli_helpers import DRILL, drill, make_journal, wait_for

WAIT_S = 180.0


def children(pid: int) -> set[int]:
    """Live (not zombie) processes whose parent is ``pid``."""
    out = set()
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", encoding="utf-8") as fh:
                fields = fh.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        state, ppid = fields[0], int(fields[1])
        if ppid == pid and state != "Z":
            out.add(int(entry))
    return out


def alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat", encoding="utf-8") as fh:
            return fh.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def pool_workers(driver: int) -> set[int]:
    """The driver's process-pool workers (multiprocessing's spawned children)."""
    out = set()
    for pid in children(driver):
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as fh:
                if b"spawn_main" in fh.read():
                    out.add(pid)
        except OSError:
            continue
    return out


@pytest.mark.slow
@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGTERM, signal.SIGHUP], ids=lambda s: s.name)
def test_no_worker_outlives_a_killed_sweep_driver(tmp_path: Path, sig: signal.Signals) -> None:
    driver = subprocess.Popen(
        [
            *DRILL,
            "sweep",
            "group-visit-50",
            "--reps",
            "5000",
            "--executor",
            "local:2",
            "--out",
            str(tmp_path / "o"),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    workers: set[int] = set()
    try:
        wait_for(lambda: len(pool_workers(driver.pid)) >= 2, "two pool workers")
        workers = pool_workers(driver.pid)
        wait_for(lambda: list((tmp_path / "o" / "chunks").glob("chunk-*")), "the first finished chunk")
        os.kill(driver.pid, sig)
        code = driver.wait(timeout=WAIT_S)
        wait_for(lambda: not any(alive(p) for p in workers), f"the workers {sorted(workers)} to end")
        err = driver.stderr.read().decode("utf-8", "replace") if driver.stderr else ""
        if sig == signal.SIGKILL:
            assert code == -signal.SIGKILL
        else:
            assert code == 128 + sig, err
            assert f"stopped by signal {int(sig)}" in err and "Traceback" not in err
    finally:
        for pid in [driver.pid, *workers]:
            if alive(pid):
                os.kill(pid, signal.SIGKILL)
        driver.wait(timeout=WAIT_S)
    # what was finished is kept: the sweep resumes
    assert list((tmp_path / "o" / "chunks").glob("chunk-*"))


def _valid(path: Path, fmt: str) -> bool:
    data = path.read_bytes()
    if fmt == "docx":
        try:
            with zipfile.ZipFile(path) as z:
                return z.testzip() is None and "word/document.xml" in z.namelist()
        except zipfile.BadZipFile:
            return False
    text = data.decode("utf-8")
    return text.rstrip().endswith("</html>") if fmt == "html" else "## " in text and len(text) > 1000


@pytest.mark.slow
@pytest.mark.parametrize("fmt", ["docx", "html", "md"])
def test_killing_report_never_truncates_the_report_it_replaces(tmp_path: Path, fmt: str) -> None:
    """Watch the report file and SIGKILL the writer the instant it changes: the
    file is then either the old report or the whole new one. (Before reports
    were written atomically, the change seen first was the truncation to 0 bytes.)"""
    journal = make_journal(tmp_path / "j.jsonl", seed=5)
    out = tmp_path / f"r.{fmt}"
    code, _o, err = drill("report", str(journal), "--format", fmt, "--reps", "2", "--out", str(out))
    assert code == 0, err
    old = out.read_bytes()
    assert _valid(out, fmt)

    def identity() -> tuple[int, int, int]:
        st = os.stat(out)
        return st.st_ino, st.st_size, st.st_mtime_ns

    before = identity()
    proc = subprocess.Popen(
        [*DRILL, "report", str(journal), "--format", fmt, "--reps", "3", "--out", str(out), "--lang", "zh"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + WAIT_S
        while identity() == before and proc.poll() is None and time.monotonic() < deadline:
            pass  # spin: the window between truncation and the last byte is short
        proc.kill()
        proc.wait(timeout=WAIT_S)
    finally:
        if proc.poll() is None:
            proc.kill()
    data = out.read_bytes()
    assert data == old or _valid(out, fmt), f"{len(data)} bytes: neither the old nor a whole new report"


@pytest.mark.slow
def test_a_killed_evaluation_resumes_to_the_uninterrupted_rows(tmp_path: Path) -> None:
    args = [
        "evaluate",
        "city",
        "--scenarios",
        "group-visit-50",
        "--reps",
        "80",
        "--executor",
        "serial",
        "--quiet",
    ]
    code, _o, err = drill(*args, "--out", str(tmp_path / "whole"))
    assert code == 0, err
    killed = tmp_path / "killed"
    proc = subprocess.Popen(
        [*DRILL, *args, "--out", str(killed)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        wait_for(
            lambda: len(list((killed / "chunks").glob("chunk-*"))) >= 1 or proc.poll() is not None, "a chunk"
        )
        proc.kill()
        proc.wait(timeout=WAIT_S)
    finally:
        if proc.poll() is None:
            proc.kill()
    code, _o, err = drill(*args, "--out", str(killed), "--resume")
    assert code == 0, err

    def rows(p: Path) -> pd.DataFrame:
        return pd.read_parquet(p / "runs.parquet").sort_values("rep").reset_index(drop=True)

    pd.testing.assert_frame_equal(rows(killed), rows(tmp_path / "whole"))
