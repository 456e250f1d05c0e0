"""The new incident kinds in ``drill play`` (issue 14), in both languages: the fire
at the station's reception room and the flood surge play from the briefing to
the debrief, their log entries read as sentences in the feed (not raw kinds),
and the fire's limits are on the board. The fire has its own panel once it
breaks out (venue, people inside / out / hurt / to hospital, fire brigade,
ambulance crews), also on a hosted seat and the wall. Time is a ManualTime the
tests move; nothing waits on the wall clock."""

from __future__ import annotations

import json
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


# --- the fire's panel -------------------------------------------------------------------


async def run_to(pilot, screen, time: ManualTime, t: float) -> None:  # type: ignore[no-untyped-def]
    """Play the clock at ×5 (75 s of the drill a tick) until minute ``t``, then pause."""
    room = screen.link.room
    room.clock.set_speed(5)
    room.clock.play()
    while room.port.now < t - 1e-9:
        time.sleep(0.25)
        screen.on_tick()
    room.clock.pause()
    screen.refresh_view()
    await pilot.pause()


def _panel(screen) -> dict[str, str]:  # type: ignore[no-untyped-def]
    """The fire panel as shown: row key -> the value column's text."""
    table = screen.query_one("#emergencies")
    return {str(key.value): str(table.get_cell(key, "value")) for key in table.rows}


PANEL = {
    "zh": {
        "title": "接待场所火灾、爆炸",
        "evacuating": "正在疏散：仍有",
        "out": "已全部疏散",
        "no_report": "尚未报警",
        "called": "已报警，预计",
        "here": "起在现场",
        "off": "未召集（3人备勤）",
        "en_route": "3人在途",
        "on": "3人在岗",
    },
    "en": {
        "title": "Fire or explosion at the premises",
        "evacuating": "EVACUATING:",
        "out": "everyone out at",
        "no_report": "not called",
        "called": "called ",
        "here": "on the scene since",
        "off": "not called (3 off duty)",
        "en_route": "3 on the way",
        "on": "3 on duty",
    },
}


@pytest.mark.parametrize("lang", ["zh", "en"])
@synchronously
async def test_the_fire_panel_follows_the_fire(
    lang: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Hidden until the outbreak (nobody knows a fire is coming); then, from the
    snapshot's public facts: the venue, who is inside, out, hurt and gone to
    hospital, the fire brigade (called with the report, due, there) and the
    ambulance crews (not called, on the way, on duty), in the screen's language."""
    from sim.room.engine import D
    from tui.model import emergency_rows

    monkeypatch.chdir(tmp_path)
    words = PANEL[lang]
    app = DrillApp(lang, scenario="station-reception-fire", seed=1, time=ManualTime())
    async with app.run_test(size=SIZE) as pilot:
        screen = await to_drill(pilot, app)
        table = screen.query_one("#emergencies")
        assert table.border_title == words["title"]
        await run_to(pilot, screen, app.time, 15)  # type: ignore[attr-defined]
        assert screen.picture.snapshot.emergencies == () and not table.display

        await run_to(pilot, screen, app.time, 21)  # type: ignore[attr-defined]
        (em,) = screen.picture.snapshot.emergencies
        assert table.display and em.inside > 0 and em.reported_at is None
        shown = _panel(screen)
        # the panel says what the snapshot says, row by row
        assert shown == {r.key: r.value for r in emergency_rows(em, screen.link.scenario, lang)}
        assert words["evacuating"] in shown["heater_fire:state"]
        assert (
            str(em.inside) in shown["heater_fire:people"] and str(em.evacuated) in shown["heater_fire:people"]
        )
        assert words["no_report"] in shown["heater_fire:brigade"]
        assert shown["heater_fire:medical"] == words["off"]

        assert await screen.take(D.CallIn("medical"))
        await run_to(pilot, screen, app.time, 30)  # type: ignore[attr-defined]
        (em,) = screen.picture.snapshot.emergencies
        shown = _panel(screen)
        assert em.inside == 0 and em.reported_at is not None and em.brigade_at is None
        assert words["out"] in shown["heater_fire:state"]
        assert words["called"] in shown["heater_fire:brigade"]
        assert words["en_route"] in shown["heater_fire:medical"]

        await run_to(pilot, screen, app.time, 70)  # type: ignore[attr-defined]
        (em,) = screen.picture.snapshot.emergencies
        shown = _panel(screen)
        assert em.brigade_at is not None and em.to_hospital == em.injured
        assert words["here"] in shown["heater_fire:brigade"]
        assert shown["heater_fire:medical"] == words["on"]
        assert shown == {r.key: r.value for r in emergency_rows(em, screen.link.scenario, lang)}


def _view(**changes: object):  # type: ignore[no-untyped-def]
    from dataclasses import replace

    from sim.engine.snapshot import EmergencyView, Label

    base = EmergencyView(
        id="blast",
        label=Label("锅炉房爆炸", "Boiler-room explosion"),
        hazard="explosion",
        venue="reception_room",
        venue_label=Label("信访接待室", "Petition reception room"),
        assembly_point="gate",
        assembly_label=Label("大门外", "Outside the gate"),
        started_at=20.0,
        inside=0,
        evacuated=10,
        injured=3,
        to_hospital=1,
        awaiting_ambulance=2,
        evacuated_at=24.0,
        reported_at=21.0,
        brigade_eta=33.0,
        brigade_at=None,
        medical_on_duty=0,
        medical_en_route=0,
        medical_eta=None,
        medical_off_duty=0,
    )
    return replace(base, **changes)


def test_the_fire_rows_say_each_state_in_both_languages() -> None:
    """Without Textual: casualties still to take, a plan with no ambulance crew,
    crews on duty and on the way at once, and an explosion named as one."""
    from sim import load_scenario
    from tui.model import emergency_rows

    scenario = load_scenario("station-reception-fire")  # starts 09:10
    rows = {r.key: r for r in emergency_rows(_view(), scenario, "en")}
    assert list(rows) == [f"blast:{k}" for k in ("what", "state", "venue", "people", "brigade", "medical")]
    assert rows["blast:what"].what == "EXPLOSION" and rows["blast:what"].value == "Boiler-room explosion"
    assert rows["blast:state"].value == "everyone out at 09:34; 2 hurt still to go to hospital"
    assert rows["blast:state"].style == "bold yellow"
    assert rows["blast:people"].value == "inside 0 · out 10 · hurt 3 · to hospital 1"
    assert rows["blast:brigade"].value == "called 09:31, due 09:43"
    assert rows["blast:medical"].value == "the plan has no ambulance crew"
    zh = {r.key: r for r in emergency_rows(_view(), scenario, "zh")}
    assert zh["blast:what"].what == "爆炸" and zh["blast:state"].value == "09:34已全部疏散；2名伤员尚待送医"
    assert zh["blast:venue"].value == "信访接待室已关闭；疏散人员在大门外等候"

    both = _view(medical_on_duty=1, medical_en_route=2, medical_eta=40.0, to_hospital=3, brigade_at=33.0)
    rows = {r.key: r for r in emergency_rows(both, scenario, "en")}
    assert rows["blast:medical"].value == "1 on duty, 2 on the way, first due 09:50"
    assert rows["blast:state"].value == "everyone out at 09:34" and rows["blast:state"].style == "green"
    assert rows["blast:brigade"].value == "on the scene since 09:43"
    zh = {r.key: r for r in emergency_rows(both, scenario, "zh")}
    assert zh["blast:medical"].value == "1人在岗，2人在途，最早09:50到达"

    burning = _view(inside=4, evacuated_at=None, reported_at=None, brigade_eta=None, medical_off_duty=3)
    rows = {r.key: r for r in emergency_rows(burning, scenario, "en")}
    assert (
        rows["blast:state"].value == "EVACUATING: 4 still inside" and rows["blast:state"].style == "bold red"
    )
    assert rows["blast:brigade"].value == "not called: the duty room has no report yet"
    assert rows["blast:medical"].value == "not called (3 off duty)"
    assert rows["blast:medical"].style == "bold yellow"  # someone is hurt and nobody is coming


def test_a_fire_survives_the_wire() -> None:
    """A hosted drill sends the snapshot as JSON: the fire comes back whole."""
    from sim.engine.snapshot import Snapshot
    from sim.room.codec import decode, encode
    from sim.room.room import new_room

    room = new_room("station-reception-fire", None, 1, None, ManualTime())
    room.start()
    room.port.advance(21)
    snap = room.port.snapshot()
    assert snap.emergencies and snap.emergencies[0].inside > 0
    back = decode(Snapshot, json.loads(json.dumps(encode(snap))))
    assert back == snap and back.emergencies[0].status == "evacuating"
    older = encode(snap)
    del older["emergencies"]  # a host without the field: no fire panel, no error
    assert decode(Snapshot, older).emergencies == ()


@synchronously
async def test_the_wall_and_a_role_seat_show_the_fire(tmp_path: Path) -> None:
    """Over the WebSocket: the wall lists the fire with the people still inside,
    and a role seat has the fire panel (the host's snapshot, decoded)."""
    import asyncio

    from test_tui_seats import stop, until

    from sim.room.host import Host
    from sim.room.room import new_room
    from sim.room.tokens import new_tokens
    from tui.app import SeatApp
    from tui.screens.drill import DrillScreen
    from tui.screens.wall import WallScreen

    room = new_room("station-reception-fire", None, 1, tmp_path / "room.jsonl", ManualTime())
    room.start()
    room.port.advance(21)
    inside = room.port.snapshot().emergencies[0].inside
    tokens = new_tokens(room.roles.seat_names())
    host = Host(room, tokens, "127.0.0.1", 0)
    task = asyncio.create_task(host.run())
    await host.ready.wait()
    wall = SeatApp("zh", f"ws://127.0.0.1:{host.port}", "wall", tokens["wall"])
    async with wall.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: isinstance(wall.screen, WallScreen))
        figures = wall.screen.query_one("#wall-figures")
        await until(pilot, lambda: "heater_fire" in {str(k.value) for k in figures.rows})
        assert str(figures.get_cell("heater_fire", "heads")) == str(inside)
        assert str(figures.get_cell("heater_fire", "state")) == "正在疏散"
        assert str(figures.get_cell("heater_fire", "incident")).startswith("火灾")
    seat = next(s for s in room.roles.seat_names() if s in room.roles.roles)
    app = SeatApp("en", f"ws://127.0.0.1:{host.port}", seat, tokens[seat])
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: isinstance(app.screen, DrillScreen))
        screen = app.screen
        await until(pilot, lambda: screen.query_one("#emergencies").row_count > 0)
        assert f"EVACUATING: {inside} still inside" in _panel(screen)["heater_fire:state"]
    await stop(host, task)
