"""``drill play``, ``drill host``, ``drill join`` and ``drill debrief`` on the command line."""

from __future__ import annotations

import inspect
import subprocess
import sys
from pathlib import Path

DRILL = [sys.executable, "-c", "from sim.cli import main; main()"]
TIMEOUT_S = 120


def drill(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*DRILL, *args], capture_output=True, text=True, timeout=TIMEOUT_S, cwd=cwd)


def test_play_help_lists_the_options() -> None:
    out = drill("play", "--help")
    for option in ("--plan", "--seed", "--journal", "--resume", "--lang"):
        assert option in out.stdout


def test_host_help_lists_the_options() -> None:
    out = drill("host", "--help")
    for option in ("--plan", "--seed", "--seats", "--bind", "--port", "--web", "--resume"):
        assert option in out.stdout
    assert "127.0.0.1" in out.stdout, "the host binds to loopback unless told otherwise"


def test_unknown_scenario_is_a_clear_error_without_starting_the_ui() -> None:
    out = drill("play", "no-such-scenario")
    assert out.returncode == 2
    assert "no shipped scenario" in out.stderr and "Traceback" not in out.stderr


def test_resume_of_a_missing_or_bad_journal_is_a_clear_error(tmp_path: Path) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text("not a journal\n", encoding="utf-8")
    for args in (("play", "--resume", str(bad)), ("debrief", str(bad)), ("host", "--resume", str(bad))):
        out = drill(*args)
        assert out.returncode == 2 and "journal" in out.stderr and "Traceback" not in out.stderr, (
            args,
            out.stderr,
        )


def test_host_refuses_an_unknown_seat_and_join_a_bad_address(tmp_path: Path) -> None:
    out = drill("host", "compound-peaks", "--seats", "command,janitor", "--port", "0", cwd=tmp_path)
    assert out.returncode == 2 and "janitor" in out.stderr and "command" in out.stderr
    out = drill("join", "http://example", "--seat", "wall", "--token", "0" * 32)
    assert out.returncode == 2 and "ws://" in out.stderr


def test_run_app_signature() -> None:
    from tui.app import run_app

    params = inspect.signature(run_app).parameters
    assert list(params) == ["lang", "scenario", "plan", "seed", "journal", "resume"]


def test_drill_list_at_80_columns_shows_chinese_titles_whole() -> None:
    import os
    import re

    from sim.spec import catalog
    from sim.spec.loader import load_scenario

    env = {**os.environ, "COLUMNS": "80"}
    out = subprocess.run(
        [*DRILL, "list", "--lang", "zh"], capture_output=True, text=True, timeout=TIMEOUT_S, env=env
    )
    assert out.returncode == 0 and max(len(line) for line in out.stdout.splitlines()) <= 80
    # the title column's text, cell by cell, joined back across its folded lines
    cells = "".join(line.split("│")[2].strip() for line in out.stdout.splitlines() if line.count("│") >= 5)
    for sid in catalog.shipped_scenario_ids():
        title = load_scenario(sid).title.zh
        assert re.sub(r"\s", "", title) in cells, title


def test_resume_headless_goes_on_from_where_the_drill_stood_and_prints_the_outcomes(tmp_path: Path) -> None:
    from sim.room.clock import ManualTime
    from sim.room.engine import D
    from sim.room.room import new_room

    room = new_room("group-visit-50", None, 1, tmp_path / "j.jsonl", ManualTime())
    room.start()
    room.port.advance(20)
    seat = room.roles.play_seat()
    assert room.decide(seat, D.Summon("leader")).accepted
    room.port.advance(47)  # the drill ran on, then was stopped (the clock is journaled)
    room.close()
    out = drill("resume", str(tmp_path / "j.jsonl"), "--headless", "--lang", "en")
    assert out.returncode == 0, out.stderr
    assert "Resumed at 09:17" in out.stdout, out.stdout  # 08:30 + 47 min, not the decision's 08:50
    assert "Outcome" in out.stdout and "peak crowd on site" in out.stdout
