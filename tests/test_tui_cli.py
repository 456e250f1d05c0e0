"""``drill play`` on the command line: help, bad names, and run_app's signature."""

from __future__ import annotations

import inspect
import subprocess
import sys
from pathlib import Path

DRILL = [sys.executable, "-c", "from sim.cli import main; main()"]


def test_play_help_lists_the_options() -> None:
    out = subprocess.run([*DRILL, "play", "--help"], capture_output=True, text=True, check=True).stdout
    for option in ("--plan", "--seed", "--journal", "--resume", "--lang"):
        assert option in out


def test_unknown_scenario_is_a_clear_error_without_starting_the_ui() -> None:
    out = subprocess.run([*DRILL, "play", "no-such-scenario"], capture_output=True, text=True)
    assert out.returncode == 2
    assert "no shipped scenario" in out.stderr and "Traceback" not in out.stderr


def test_resume_of_a_missing_or_bad_journal_is_a_clear_error(tmp_path: Path) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text("not a journal\n", encoding="utf-8")
    out = subprocess.run([*DRILL, "play", "--resume", str(bad)], capture_output=True, text=True)
    assert out.returncode == 2 and "journal" in out.stderr and "Traceback" not in out.stderr


def test_run_app_signature() -> None:
    from tui.app import run_app

    params = inspect.signature(run_app).parameters
    assert list(params) == ["lang", "scenario", "plan", "seed", "journal", "resume"]
