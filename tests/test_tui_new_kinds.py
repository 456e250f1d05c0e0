"""The new incident kinds in ``drill play`` (issue 14), in both languages: the fire
at the station's reception room and the flood surge play from the briefing to
the debrief, their log entries read as sentences in the feed (not raw kinds),
and the fire's limits are on the board."""

from __future__ import annotations

from pathlib import Path

import pytest

pytest.importorskip("textual")

from test_tui_play import SIZE, run_minutes, synchronously, to_drill

from sim.room.clock import ManualTime
from tui.app import DrillApp
from tui.screens.debrief import DebriefScreen

FEED = {
    "zh": (
        "安全事故：接待室电暖器线路起火",
        "人员全部疏散：接待室电暖器线路起火",
        "农村班线客运经营者转移到运管站大门外",
        "洪灾安置户（第1批）",
    ),
    "en": (
        "SAFETY EMERGENCY: Electric heater's wiring on fire in the reception room",
        "Everyone out: Electric heater's wiring on fire in the reception room",
        "Rural line-bus operators moved out to Outside the station's gate",
        "Flood-resettled households, group 1",
    ),
}


@pytest.mark.parametrize("lang", ["zh", "en"])
@synchronously
async def test_fire_and_surge_play_to_the_debrief(
    lang: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    started, out, led_out, surge_group = FEED[lang]
    for scenario, minutes in (("station-reception-fire", 30), ("disaster-surge", 20)):
        app = DrillApp(lang, scenario=scenario, seed=1, time=ManualTime())
        async with app.run_test(size=SIZE) as pilot:
            screen = await to_drill(pilot, app)
            await run_minutes(pilot, screen, app.time, minutes)  # type: ignore[attr-defined]
            texts = [line.text for line in screen.feed.lines]
            assert not [t for t in texts if t.startswith(("emergency_", "evacuation_", "venue_closed"))]
            if scenario == "station-reception-fire":
                assert started in texts and out in texts and led_out in texts
                ids = {m.id for m in screen.picture.snapshot.milestones}
                assert {"fire_reported", "evacuation_done"} <= ids
            else:
                assert any(surge_group in t for t in texts), texts[:10]
            await pilot.press("q")
            await pilot.pause()
            await pilot.press("q")
            await pilot.pause()
            assert isinstance(app.screen, DebriefScreen)
