"""End-to-end in a real terminal: start ``drill play`` in tmux, send keys
(Chinese text too), read the screen with ``capture-pane -p`` and check what
a person would see. Skipped when tmux is absent.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

pytestmark = [
    pytest.mark.tmux,
    pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed"),
]

DRILL = Path(sys.executable).with_name("drill")


class Tmux:
    def __init__(self, cwd: Path, *args: str) -> None:
        self.name = f"drill-e2e-{uuid.uuid4().hex[:8]}"
        env = {**os.environ, "DRILL_LANG": "zh", "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8"}
        # pytest-xdist workers carry COLUMNS=80 LINES=24, and Textual believes them
        # over the pane's real size: a person's tmux has neither
        command = " ".join(["env", "-u", "COLUMNS", "-u", "LINES", str(DRILL), "play", *args])
        subprocess.run(
            ["tmux", "new-session", "-d", "-s", self.name, "-x", "120", "-y", "40", "-c", str(cwd), command],
            check=True,
            env=env,
            timeout=10,
        )

    def keys(self, *keys: str, literal: bool = False) -> None:
        extra = ["-l"] if literal else []
        subprocess.run(["tmux", "send-keys", "-t", self.name, *extra, *keys], check=True, timeout=10)

    def screen(self) -> str:
        out = subprocess.run(
            ["tmux", "capture-pane", "-p", "-t", self.name], capture_output=True, text=True, timeout=10
        )
        return out.stdout

    def wait_for(self, text: str, timeout: float = 30.0) -> str:
        deadline = time.monotonic() + timeout
        shown = ""
        while time.monotonic() < deadline:
            shown = self.screen()
            if text in shown:
                return shown
            time.sleep(0.2)
        raise AssertionError(f"{text!r} not on screen after {timeout}s:\n{shown}")

    def wait_gone(self, timeout: float = 15.0) -> None:
        """Until the app has quit (the session ends with it)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            alive = subprocess.run(["tmux", "has-session", "-t", self.name], capture_output=True)
            if alive.returncode != 0:
                return
            time.sleep(0.2)
        raise AssertionError("drill play did not quit")

    def close(self) -> None:
        subprocess.run(["tmux", "kill-session", "-t", self.name], capture_output=True, timeout=10)


def test_drill_play_in_a_real_terminal(tmp_path: Path) -> None:
    """A trainee's session at 120×40: every wait is on what the screen shows, never on
    a fixed delay, and keys that must arrive together (q q) are sent together."""
    term = Tmux(tmp_path, "--lang", "zh", "--journal", "e2e.jsonl")
    try:
        shown = term.wait_for("50人以上集体访")
        assert "group-visit-50" in shown and "选择推演情景和预案" in shown
        term.keys("Enter")
        shown = term.wait_for("可能适用的里程碑")
        assert "接待分流组" in shown and "联合接访室" in shown
        term.keys("Enter")
        shown = term.wait_for("已暂停")
        assert "里程碑" in shown and "5分钟内完成初筛" in shown and "推演记录：e2e.jsonl" in shown
        term.keys("4")  # ×5, the clock stays paused
        term.wait_for("速度×5")
        term.keys("Space")
        term.wait_for("达成：08:3")  # the screening milestone met, shown as a time of day
        term.keys("Space")
        term.wait_for("已暂停（速度×5）")  # the clock bar, not the opening toast
        # summon an official from the command palette, searched in Chinese
        term.keys("C-p")
        term.wait_for("Search for commands")
        term.keys("通知领导", literal=True)
        term.wait_for("通知领导到场")
        term.keys("Enter")
        term.wait_for("时钟继续走动")
        term.keys("Down", "Down", "Down", "Down")  # the responsible unit's leader
        term.wait_for("现在可以执行")
        term.keys("C-s")  # take it (the footer shows ^s)
        term.wait_for("决策：通知涉事")  # in the feed, worded as the report words it
        # a facilitator inject typed in Chinese
        term.keys("i")
        term.wait_for("导调员临时注入")
        term.keys("电视台记者到达现场", literal=True)
        term.keys("Enter")
        term.wait_for("情况通报：电视台记者到达现场")
        term.keys("q", "q")
        shown = term.wait_for("按预案策略：达成", timeout=60)
        assert "复盘" in shown and "本组决策" in shown
        term.keys("s")
        term.wait_for("事件日志已保存到")
        term.keys("q", "q")
        term.wait_gone()
    finally:
        term.close()
    records = [json.loads(line) for line in (tmp_path / "e2e.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [r["decision"]["kind"] for r in records if r["type"] == "decision"] == ["summon"]
    assert [r["action"]["zh"] for r in records if r["type"] == "facilitator"] == ["电视台记者到达现场"]
    assert (tmp_path / "e2e.log.jsonl").is_file()
