"""Browser seats, in a real browser: ``drill host --web`` serves every seat
through textual-serve; headless Chromium (Debian's, driven by Playwright's
Python package through ``executable_path``) takes a decision in the order
seat, and a seat in another process sees it. A screenshot of the browser seat
is saved (``DRILL_SCREENSHOT`` names where; the README's picture is made so).

Skipped without /usr/bin/chromium or Playwright. Every process is bounded by a
timeout and ended by the test."""

from __future__ import annotations

import asyncio
import os
import re
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not installed")
sync_api = pytest.importorskip("playwright.sync_api")

FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
TIMEOUT_S = 90.0


class HostProcess:
    """``drill host`` in a subprocess; its output read in a thread (never blocking the test)."""

    def __init__(self, cwd: Path, *args: str) -> None:
        env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES")}
        self.proc = subprocess.Popen(
            [sys.executable, "-c", "from sim.cli import main; main()", "host", *args],
            cwd=cwd,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            env=env,
        )
        self.lines: list[str] = []
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.lines.append(line.rstrip("\n"))

    def wait_for(self, pattern: str, timeout: float = TIMEOUT_S) -> re.Match[str]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for line in list(self.lines):
                m = re.search(pattern, line)
                if m:
                    return m
            if self.proc.poll() is not None:
                break
            time.sleep(0.1)
        raise AssertionError(f"{pattern!r} not printed by the host:\n" + "\n".join(self.lines))

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)


def test_a_decision_taken_in_a_browser_seat_reaches_another_seat(tmp_path: Path) -> None:
    from sim.room.client import SeatClient

    host = HostProcess(tmp_path, "compound-peaks", "--port", "0", "--web", "--web-port", "0", "--lang", "en")
    try:
        url = host.wait_for(r"Drill host running: (ws://\S+)").group(1)
        fac_token = host.wait_for(r"--seat facilitator --token (\w+)").group(1)
        page_url = host.wait_for(r"(http://\S+/seat/order_group\?token=\w+)").group(1)
        host.wait_for(r"The clock is paused")

        seen: list[str] = []

        async def watch() -> None:
            client = SeatClient(url, "facilitator", fac_token)
            state = await client.start(timeout=TIMEOUT_S)
            deadline = time.monotonic() + TIMEOUT_S
            while time.monotonic() < deadline:
                seen[:] = [e.subject for e in state.entries if e.kind == "decision"]
                if seen:
                    break
                await asyncio.sleep(0.2)
            await client.close()

        watcher = threading.Thread(target=lambda: asyncio.run(watch()), daemon=True)
        with sync_api.sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=FLAGS, timeout=TIMEOUT_S * 1000)
            try:
                page = browser.new_page(viewport={"width": 1500, "height": 1000})
                page.goto(page_url, timeout=TIMEOUT_S * 1000)
                host.wait_for(r"seat order_group joined")  # the seat's own `drill join` reached the host
                watcher.start()
                # the seat's app draws its first picture in its own time (a loaded machine is slow):
                # try the keys until the decision reaches the other seat, a bounded number of times
                for _attempt in range(6):
                    page.mouse.click(700, 500)
                    for key in ("Escape", "c", "ArrowDown", "Enter", "Enter"):
                        page.keyboard.press(key)
                        page.wait_for_timeout(700)
                    for _ in range(20):
                        if seen or not watcher.is_alive():
                            break
                        page.wait_for_timeout(500)
                    if seen or not watcher.is_alive():
                        break
                watcher.join(TIMEOUT_S)
                page.wait_for_timeout(9000)  # the toasts fade: the picture shows the screen itself
                shot = Path(os.environ.get("DRILL_SCREENSHOT", tmp_path / "browser-seat.png"))
                page.screenshot(path=str(shot))
                assert shot.stat().st_size > 10_000
            finally:
                browser.close()
        assert seen == ["call_in"], host.lines[-20:]
    finally:
        host.stop()
    assert host.proc.returncode is not None
    leftover = subprocess.run(
        ["pgrep", "-f", f"join {re.escape(url)}"], capture_output=True, text=True, timeout=10
    )
    assert leftover.stdout.strip() == "", "no seat process outlives the host"


def test_the_browser_page_of_a_seat_needs_its_token(tmp_path: Path) -> None:
    import urllib.error
    import urllib.request

    host = HostProcess(tmp_path, "compound-peaks", "--port", "0", "--web", "--web-port", "0", "--lang", "en")
    try:
        page_url = host.wait_for(r"(http://\S+/seat/order_group\?token=\w+)").group(1)
        base = page_url.split("/seat/")[0]
        with pytest.raises(urllib.error.HTTPError) as err:
            urllib.request.urlopen(f"{base}/seat/order?token={'0' * 32}", timeout=20)
        assert err.value.code == 403
        with urllib.request.urlopen(page_url, timeout=20) as ok:
            assert ok.status == 200
    finally:
        host.stop()
