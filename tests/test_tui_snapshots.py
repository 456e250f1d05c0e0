"""A few SVG snapshots, each named for the one state it shows.

Deterministic: fixed seed, a ManualTime clock (the timer is stopped, the drill
is driven by ``on_tick``), fixed terminal size, a fixed journal path, and no
toasts (they would cover the feed). Regenerate with
``pytest tests/test_tui_snapshots.py --snapshot-update`` and look at the SVGs.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("pytest_textual_snapshot")

from sim.room.clock import ManualTime
from sim.room.engine import D
from tui.app import DrillApp
from tui.screens.drill import DrillScreen

SIZE = (120, 40)


async def _drill_at_60_min_after_three_decisions(pilot: Any, time: ManualTime) -> DrillScreen:
    await pilot.press("enter")  # briefing -> drill
    await pilot.pause()
    screen = pilot.app.screen
    assert isinstance(screen, DrillScreen)
    screen.timer.pause()
    room = pilot.app.room
    room.clock.set_speed(60)
    for t, decision in ((12, D.Summon("leader")), (15, D.CallIn("reception")), (25, D.DeclareLevel("IV"))):
        room.clock.play()
        while room.port.now < t:
            time.sleep(0.05)
            screen.on_tick()
        room.clock.pause()
        await screen.take(decision)
    room.clock.play()
    while room.port.now < 60:
        time.sleep(0.05)
        screen.on_tick()
    room.clock.pause()
    screen.refresh_view()
    await pilot.pause()
    pilot.app.clear_notifications()
    await pilot.pause()
    await pilot.pause()
    return screen


def _app(lang: str, time: ManualTime) -> DrillApp:
    return DrillApp(
        lang, scenario="group-visit-50", plan="city", seed=1, journal=Path("snap.jsonl"), time=time
    )


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_drill_screen_at_120x40_one_hour_in_after_three_decisions_paused_no_toasts(
    lang: str, snap_compare: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    time = ManualTime()

    async def run_before(pilot: Any) -> None:
        await _drill_at_60_min_after_three_decisions(pilot, time)

    assert snap_compare(_app(lang, time), terminal_size=SIZE, run_before=run_before)


def test_debrief_after_ending_at_one_hour_with_the_plan_policy_computed_no_toasts(
    snap_compare: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    time = ManualTime()

    async def run_before(pilot: Any) -> None:
        await _drill_at_60_min_after_three_decisions(pilot, time)
        await pilot.press("q", "q")
        await pilot.pause()
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        pilot.app.clear_notifications()
        await pilot.pause()

    assert snap_compare(_app("en", time), terminal_size=(160, 48), run_before=run_before)
