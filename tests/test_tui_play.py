"""Pilot tests of ``drill play`` on state: pick to debrief with keys only, in
both languages, and the trainee's screen as fixed in issue 12.

Real time comes from a ManualTime the test moves: nothing waits on the wall
clock (the app's timer is paused; ``on_tick`` is called after moving time).
"""

from __future__ import annotations

import asyncio
import functools
import json
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("textual")

from sim.room.clock import ManualTime
from sim.room.engine import D
from tui.app import DrillApp
from tui.screens.briefing import BriefingScreen
from tui.screens.debrief import DebriefScreen
from tui.screens.drill import DrillScreen
from tui.screens.modals import DecisionModal, InjectModal
from tui.screens.pick import PickScreen

SIZE = (120, 40)


def synchronously(test):  # type: ignore[no-untyped-def]
    """Run an async test with asyncio.run (no async pytest plugin is required)."""

    @functools.wraps(test)
    def wrapper(*args, **kwargs):  # type: ignore[no-untyped-def]
        return asyncio.run(test(*args, **kwargs))

    return wrapper


def board(screen: DrillScreen) -> dict[str, str]:
    """Milestone id -> the text a trainee sees."""
    table = screen.query_one("#milestones")
    return {str(key.value): str(table.get_cell(key, "countdown")) for key in table.rows}


def notes(app: Any) -> list[str]:
    return [n.message for n in app._notifications]


async def run_seconds(pilot, screen: DrillScreen, time: ManualTime, seconds: float) -> None:  # type: ignore[no-untyped-def]
    """Move real time on in ticks (the clock must be running to move the drill)."""
    for _ in range(round(seconds / 0.25)):
        time.sleep(0.25)
        screen.on_tick()
    await pilot.pause()


async def run_minutes(pilot, screen: DrillScreen, time: ManualTime, minutes: float) -> None:  # type: ignore[no-untyped-def]
    """Play the clock at ×60 for ``minutes`` simulated minutes, then pause."""
    room = screen.link.room  # type: ignore[attr-defined]
    room.clock.set_speed(60)
    room.clock.play()
    target = room.port.now + minutes
    while room.port.now < target - 1e-9 and not room.port.finished:
        time.sleep(0.25)
        screen.on_tick()
    room.clock.pause()
    screen.refresh_view()
    await pilot.pause()


async def to_drill(pilot, app: DrillApp) -> DrillScreen:  # type: ignore[no-untyped-def]
    if isinstance(app.screen, PickScreen):
        await pilot.press("enter")
        await pilot.pause()
    assert isinstance(app.screen, BriefingScreen)
    await pilot.press("enter")
    await pilot.pause()
    screen = app.screen
    assert isinstance(screen, DrillScreen)
    screen.timer.pause()
    assert screen.picture.clock.paused, "the clock starts paused so trainees read the briefing"
    return screen


async def decide_with_keys(pilot, screen: DrillScreen, *keys: str) -> None:  # type: ignore[no-untyped-def]
    """Open a decision by its key, then the keys given (choices), then Enter until it is taken."""
    await pilot.press(keys[0])
    await pilot.pause()
    assert isinstance(screen.app.screen, DecisionModal), notes(screen.app)
    await pilot.press(*keys[1:])
    for _ in range(4):
        if screen.app.screen is screen:
            break
        await pilot.press("enter")
        await pilot.pause()
    await pilot.pause()
    assert screen.app.screen is screen


def journal_records(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


@pytest.mark.parametrize("lang", ["zh", "en"])
@synchronously
async def test_play_group_visit_pick_to_debrief(
    lang: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    time = ManualTime()
    app = DrillApp(lang, time=time)
    async with app.run_test(size=SIZE) as pilot:
        screen = await to_drill(pilot, app)
        room = app.room
        assert room is not None and room.journal_path is not None
        journal = tmp_path / room.journal_path
        assert journal.is_file() and journal.parent.name == "journals"
        assert journal.name.startswith("group-visit-50-1-")

        # n: on to the next event worth narrating; the clock stays paused
        before = room.port.now
        await pilot.press("n")
        await pilot.pause()
        assert room.port.now > before and screen.picture.clock.paused

        await run_minutes(pilot, screen, time, 12)
        assert next(m for m in screen.picture.snapshot.milestones if m.id == "screen_5").status == "met"
        assert board(screen)["screen_5"].startswith("✓")

        await decide_with_keys(pilot, screen, "o", *["down"] * 4)  # summon the responsible leader (4th)
        assert room.port.team_decisions()[-1][1].kind == "summon"
        await decide_with_keys(pilot, screen, "c", "down")  # call in: the first team
        assert room.port.team_decisions()[-1][1].kind == "call_in"
        await run_minutes(pilot, screen, time, 8)
        await decide_with_keys(pilot, screen, "l", "down")  # the level form pre-selects nothing: choose one
        assert isinstance(room.port.team_decisions()[-1][1], D.DeclareLevel)
        await run_minutes(pilot, screen, time, 60)
        marks = board(screen)
        for m in screen.picture.snapshot.milestones:
            if m.status == "met":
                assert marks[m.id].startswith("✓"), (m.id, marks[m.id])
            elif m.status == "missed":
                assert marks[m.id].startswith("✗"), (m.id, marks[m.id])

        records = journal_records(journal)
        taken = [r for r in records if r["type"] == "decision"]
        assert [r["decision"]["kind"] for r in taken] == [d.kind for _, d, _ in room.port.team_decisions()]
        assert all(r["seat"] for r in taken), "every decision record names the role that took it"
        assert any(r["type"] == "clock" for r in records)

        await pilot.press("q")
        await pilot.pause()
        assert isinstance(app.screen, DrillScreen), "one q only asks for confirmation"
        await pilot.press("q")
        await pilot.pause()
        debrief = app.screen
        assert isinstance(debrief, DebriefScreen) and room.port.finished
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert debrief.plan_card is not None
        card = debrief.query_one("#scorecard")
        for key in card.rows:
            assert "…" not in str(card.get_cell(key, "plan"))
        assert debrief.query_one("#taken").row_count == len(taken)

        await pilot.press("s")
        await pilot.pause()
        assert debrief.log_path is not None and debrief.log_path.is_file()
        assert len(debrief.log_path.read_text(encoding="utf-8").splitlines()) == len(room.port.entries)
        assert sorted(p.name for p in debrief.log_path.parent.iterdir() if p.name.startswith(".")) == [], (
            "written whole through a temporary file that is renamed away"
        )

        await pilot.press("q")
        await pilot.pause()
        assert app.is_running, "after the drill too, q asks before it quits"
        time.sleep(10)  # too late for a second press
        await pilot.press("q")
        await pilot.pause()
        assert app.is_running
        await pilot.press("q")
        await pilot.pause()
    assert not app.is_running


@pytest.mark.parametrize(
    ("lang", "reason"), [("en", "no response level is in force"), ("zh", "尚未启动应急响应")]
)
@synchronously
async def test_a_key_for_a_decision_not_possible_now_says_why_and_changes_nothing(
    lang: str, reason: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    app = DrillApp(lang, scenario="group-visit-50", time=ManualTime())
    async with app.run_test(size=SIZE) as pilot:
        screen = await to_drill(pilot, app)
        room = app.room
        assert room is not None
        assert "end_response" not in screen.picture.available
        before = (len(room.port.entries), room.port.now)
        await pilot.press("x")  # end the response: not possible before a level is declared
        await pilot.pause()
        assert app.screen is screen, "no form opens for a decision that cannot be taken"
        assert any(reason in m for m in notes(app)), notes(app)
        assert (len(room.port.entries), room.port.now) == before
        assert room.journal_path is not None
        assert [r["type"] for r in journal_records(room.journal_path)] == ["header"]


@synchronously
async def test_speed_keys_do_not_start_a_paused_clock_and_pause_stops_it_at_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    time = ManualTime()
    app = DrillApp("en", scenario="group-visit-50", time=time)
    async with app.run_test(size=SIZE) as pilot:
        screen = await to_drill(pilot, app)
        room = app.room
        assert room is not None
        t0 = room.port.now
        await pilot.press("6")  # ×60, but paused
        await run_seconds(pilot, screen, time, 2)
        assert room.port.now == t0 and screen.picture.clock.paused and screen.picture.clock.speed == 60
        await pilot.press("space")
        await run_seconds(pilot, screen, time, 1)
        assert room.port.now == pytest.approx(t0 + 60)
        await pilot.press("space")
        stopped = room.port.now
        await run_seconds(pilot, screen, time, 3)
        assert room.port.now == stopped, "a pause takes effect at the key, not a tick later"


@synchronously
async def test_a_form_opens_on_its_first_field_and_the_level_form_chooses_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    time = ManualTime()
    app = DrillApp("en", scenario="group-visit-50", time=time)
    async with app.run_test(size=SIZE) as pilot:
        screen = await to_drill(pilot, app)
        await run_minutes(pilot, screen, time, 30)
        assert screen.picture.snapshot.recommended is not None
        await pilot.press("l")
        await pilot.pause()
        modal = app.screen
        assert isinstance(modal, DecisionModal)
        assert modal.focused is modal.query_one("#f-level")
        assert modal.query_one("#f-level").highlighted is None, "the form must not give the answer"
        await pilot.press("enter")  # Enter with nothing chosen takes nothing
        await pilot.pause()
        assert app.screen is modal
        await pilot.press("tab", "tab", "enter")  # Tab then Enter never cancels silently
        await pilot.pause()
        assert app.screen is modal or app.room.port.team_decisions() == []  # type: ignore[union-attr]
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is screen


@synchronously
async def test_a_facilitator_inject_is_journaled_as_the_facilitators_not_a_team_decision(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    time = ManualTime()
    app = DrillApp("zh", scenario="group-visit-50", journal=Path("inject.jsonl"), time=time)
    async with app.run_test(size=SIZE) as pilot:
        screen = await to_drill(pilot, app)
        room = app.room
        assert room is not None
        await run_minutes(pilot, screen, time, 10)
        await pilot.press("i")
        await pilot.pause()
        assert isinstance(app.screen, InjectModal)
        await pilot.press(*"又来一批[red]群众")
        modal = app.screen
        modal.query_one("#effect").value = "join"
        await pilot.pause()
        assert modal.query_one("#amount").value == "10"
        modal.query_one("#amount").value = "15"
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is screen
        joined = [e for e in room.port.entries if e.kind == "joined"][-1]
        assert joined.data["people"] == 15
        assert room.port.team_decisions() == [], "an inject is not the team's decision"
        assert room.port.facilitator_injects()[-1][1] == "又来一批[red]群众"
        assert any(
            "又来一批[red]群众" in line.text for line in screen.feed.lines
        )  # shown as text, never markup
        records = journal_records(tmp_path / "inject.jsonl")
        assert records[-1]["type"] == "facilitator" and records[-1]["action"]["effect"]["people"] == 15


@synchronously
async def test_palette_finds_decisions_by_chinese_label_and_alias(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    time = ManualTime()
    app = DrillApp("en", scenario="group-visit-50", time=time)
    async with app.run_test(size=SIZE) as pilot:
        screen = await to_drill(pilot, app)
        await run_minutes(pilot, screen, time, 20)
        for query, cls in (("召集", D.CallIn), ("tongzhi", D.Summon)):
            await pilot.press("ctrl+p")
            await pilot.pause()
            await pilot.press(*query)
            await pilot.pause(0.3)
            await pilot.press("enter")
            await pilot.pause()
            modal = app.screen
            assert isinstance(modal, DecisionModal) and modal.cls is cls, (query, modal)
            await pilot.press("escape")
            await pilot.pause()
            assert app.screen is screen


@synchronously
async def test_resume_comes_back_where_the_drill_stood_with_its_trends(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    time = ManualTime()
    app = DrillApp("en", scenario="group-visit-50", journal=Path("j.jsonl"), time=time)
    async with app.run_test(size=SIZE) as pilot:
        screen = await to_drill(pilot, app)
        await run_minutes(pilot, screen, time, 15)
        await decide_with_keys(pilot, screen, "o", *["down"] * 4)
        await run_minutes(pilot, screen, time, 25)  # then the terminal is closed without a word
        assert app.room is not None
        stood = app.room.port.now
        first = [(t, d.to_dict()) for t, d, _ in app.room.port.team_decisions()]
        history = next(i for i in screen.picture.snapshot.incidents if i.started).history
    again = DrillApp("en", resume=Path("j.jsonl"), time=time)
    async with again.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = again.screen
        assert isinstance(screen, DrillScreen) and screen.picture.clock.paused
        screen.timer.pause()
        assert again.room is not None
        assert [(t, d.to_dict()) for t, d, _ in again.room.port.team_decisions()] == first
        assert again.room.port.now == pytest.approx(stood), (
            "resume restores the time, not the last decision's"
        )
        assert first[-1][0] < stood - 20
        resumed = next(i for i in screen.picture.snapshot.incidents if i.started).history
        # the trends are the log's samples (one every 5 minutes of the 40 played) and the value now
        assert resumed[: len(history)] == history and len(history) >= 8, "the trends come back too"
        await decide_with_keys(pilot, screen, "v", "down", "down")  # hall B (the first room is open)
    kinds = [r["decision"]["kind"] for r in journal_records(tmp_path / "j.jsonl") if r["type"] == "decision"]
    assert kinds[-1] == "open_venue"


@synchronously
async def test_pick_screen_sets_the_seed_and_lists_every_shipped_scenario(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from sim.spec import catalog

    monkeypatch.chdir(tmp_path)
    app = DrillApp("en", time=ManualTime())
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        table = app.screen.query_one("#scenarios")
        shown = [str(key.value) for key in table.rows]
        assert set(shown) <= set(catalog.shipped_scenario_ids()) and "group-visit-50" in shown
        await pilot.press("tab", "tab")
        assert app.screen.focused is app.screen.query_one("#seed")
        await pilot.press("backspace", "7", "enter")
        await pilot.pause()
        assert isinstance(app.screen, BriefingScreen)
        assert app.room is not None and app.room.seed == 7
        assert app.room.port.scenario.id == "group-visit-50" and app.room.port.plan.id == "city"


@synchronously
async def test_debrief_report_in_a_worker_with_progress_and_a_message_when_the_module_is_missing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import sys
    import types

    monkeypatch.chdir(tmp_path)
    calls = []

    def fake_build_report(
        journal_path: Path, fmt: str, lang: str, out: Path | None, progress: Any = None
    ) -> Path:
        calls.append((journal_path, fmt, lang, out))
        for done in range(1, 4):
            progress(done, 3)
        target = Path("report.md")
        target.write_text("# report\n", encoding="utf-8")
        return target

    app = DrillApp("zh", scenario="group-visit-50", journal=Path("r.jsonl"), time=ManualTime())
    async with app.run_test(size=SIZE) as pilot:
        screen = await to_drill(pilot, app)
        await pilot.press("q", "q")
        await pilot.pause()
        debrief = app.screen
        assert isinstance(debrief, DebriefScreen) and screen is not debrief
        monkeypatch.setitem(sys.modules, "sim.report", types.SimpleNamespace(build_report=fake_build_report))
        await pilot.press("r")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert calls == [(Path("r.jsonl"), "md", "zh", None)]
        assert debrief.report_path == Path("report.md")
        bar = debrief.query_one("#report-progress")
        assert bar.total == 3 and bar.progress == 3, "the report's progress is shown in the app"
        monkeypatch.setitem(sys.modules, "sim.report", None)
        await pilot.press("r")
        await pilot.pause()
        assert any("复盘报告模块暂不可用" in n for n in notes(app))
        assert app.is_running
