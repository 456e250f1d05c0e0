"""A few SVG snapshots: the drill screen and the debrief, zh and en.

Deterministic: fixed seed, paused clock (the timer is stopped and the drill
is driven by ``advance()``), fixed terminal size, a fixed journal path.
Regenerate with ``pytest tests/test_tui_snapshots.py --snapshot-update``.
"""

from __future__ import annotations

from pathlib import Path

import pytest

pytest.importorskip("pytest_textual_snapshot")

from sim.engine import decisions as D
from tui.app import DrillApp
from tui.screens.drill import DrillScreen

SIZE = (160, 48)


async def _drill_to(pilot, minutes: float) -> DrillScreen:  # type: ignore[no-untyped-def]
    await pilot.press("enter")  # briefing -> drill
    await pilot.pause()
    screen = pilot.app.screen
    assert isinstance(screen, DrillScreen)
    screen.timer.pause()
    screen.speed_index = 3
    for t, decision in ((12, D.Summon("leader")), (15, D.CallIn("reception")), (25, D.DeclareLevel("IV"))):
        while screen.drill.now < t:
            screen.paused = False
            screen.advance()
        screen.take(decision)
    while screen.drill.now < minutes:
        screen.paused = False
        screen.advance()
    screen.paused = True
    screen.refresh_view()
    pilot.app.clear_notifications()
    await pilot.pause()
    return screen


def _app(lang: str) -> DrillApp:
    return DrillApp(lang, scenario="group-visit-50", plan="city", seed=1, journal=Path("snap.jsonl"))


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_drill_screen(lang: str, snap_compare, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.chdir(tmp_path)

    async def run_before(pilot) -> None:  # type: ignore[no-untyped-def]
        await _drill_to(pilot, 60)

    assert snap_compare(_app(lang), terminal_size=SIZE, run_before=run_before)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_debrief_screen(lang: str, snap_compare, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.chdir(tmp_path)

    async def run_before(pilot) -> None:  # type: ignore[no-untyped-def]
        await _drill_to(pilot, 60)
        await pilot.press("q", "q")
        await pilot.pause()
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        pilot.app.clear_notifications()
        await pilot.pause()

    assert snap_compare(_app(lang), terminal_size=SIZE, run_before=run_before)
