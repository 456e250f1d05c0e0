"""Pilot tests: play group-visit-50 from pick to debrief with keys only, in both languages."""

from __future__ import annotations

import asyncio
import functools
import json
from pathlib import Path

import pytest

pytest.importorskip("textual")

from sim.engine import decisions as D
from tui.app import DrillApp
from tui.screens.briefing import BriefingScreen
from tui.screens.debrief import DebriefScreen
from tui.screens.drill import DrillScreen
from tui.screens.modals import DecisionModal, InjectModal
from tui.screens.pick import PickScreen

SIZE = (160, 48)


def synchronously(test):  # type: ignore[no-untyped-def]
    """Run an async test with asyncio.run (no async pytest plugin is required)."""

    @functools.wraps(test)
    def wrapper(*args, **kwargs):  # type: ignore[no-untyped-def]
        return asyncio.run(test(*args, **kwargs))

    return wrapper


def board(screen: DrillScreen) -> dict[str, str]:
    """Milestone id -> the countdown text a trainee sees."""
    table = screen.query_one("#milestones")
    return {str(key.value): str(table.get_cell(key, "countdown")) for key in table.rows}


def status(screen: DrillScreen) -> dict[str, str]:
    return {m.id: m.status for m in screen.session.drill.snapshot().milestones}


async def run_minutes(pilot, screen: DrillScreen, minutes: float) -> None:  # type: ignore[no-untyped-def]
    """Drive the clock by calling advance() (the timer is stopped in tests)."""
    target = screen.drill.now + minutes
    screen.paused = False
    while screen.drill.now < target - 1e-9 and not screen.drill.finished:
        screen.advance()
    screen.paused = True
    await pilot.pause()


async def to_drill(pilot, app: DrillApp) -> DrillScreen:  # type: ignore[no-untyped-def]
    assert isinstance(app.screen, PickScreen)
    await pilot.press("enter")
    await pilot.pause()
    assert isinstance(app.screen, BriefingScreen)
    await pilot.press("enter")
    await pilot.pause()
    screen = app.screen
    assert isinstance(screen, DrillScreen)
    screen.timer.pause()
    assert screen.paused, "the clock starts paused so trainees read the briefing"
    return screen


async def decide_with_key(pilot, screen: DrillScreen, key: str) -> None:  # type: ignore[no-untyped-def]
    await pilot.press(key)
    await pilot.pause()
    assert isinstance(screen.app.screen, DecisionModal)
    await pilot.pause(0.05)
    await pilot.press("enter")  # the Confirm button has the focus
    await pilot.pause()
    assert screen.app.screen is screen


@pytest.mark.parametrize("lang", ["zh", "en"])
@synchronously
async def test_play_group_visit_pick_to_debrief(
    lang: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    app = DrillApp(lang)
    async with app.run_test(size=SIZE) as pilot:
        screen = await to_drill(pilot, app)
        drill = screen.drill
        assert app.session is not None and app.session.journal_path is not None
        journal = tmp_path / app.session.journal_path
        assert journal.is_file() and journal.parent.name == "journals"
        assert journal.name.startswith("group-visit-50-1-")

        # step to the next event worth narrating (n): time moves and the feed grows
        from sim.engine.log import NARRATED

        before_t, before_n = drill.now, len(drill.log.entries)
        await pilot.press("n")
        await pilot.pause()
        assert drill.now > before_t and any(e.kind in NARRATED for e in drill.log.entries[before_n:])
        assert screen.paused

        await run_minutes(pilot, screen, 12)
        marks = board(screen)
        assert status(screen)["screen_5"] == "met"
        assert marks["screen_5"].startswith("✓")

        # summon the responsible leader (o), then call in reception (c)
        await decide_with_key(pilot, screen, "o")
        assert isinstance(drill.decisions[-1][1], D.Summon)
        summoned = drill.decisions[-1][1].official
        snap = drill.snapshot()
        assert next(o for o in snap.officials if o.id == summoned).status == "en_route"

        await decide_with_key(pilot, screen, "c")
        assert isinstance(drill.decisions[-1][1], D.CallIn)
        await run_minutes(pilot, screen, 8)

        # declare the level the situation requires (l): the form defaults to it
        if "declare_level" in screen.available:
            await decide_with_key(pilot, screen, "l")
            assert isinstance(drill.decisions[-1][1], D.DeclareLevel)
        await run_minutes(pilot, screen, 60)
        assert drill.snapshot().level is not None
        st = status(screen)
        marks = board(screen)
        for mid, s in st.items():
            if s == "met":
                assert marks[mid].startswith("✓"), (mid, marks[mid])
            elif s == "missed":
                assert marks[mid].startswith("✗"), (mid, marks[mid])

        taken = len(drill.decisions)
        records = [json.loads(line) for line in journal.read_text(encoding="utf-8").splitlines()]
        assert [r["decision"]["kind"] for r in records if r["type"] == "decision"] == [
            d.kind for _, d in drill.decisions
        ]
        assert taken >= 3

        await pilot.press("q")
        await pilot.pause()
        assert isinstance(app.screen, DrillScreen), "one q only asks for confirmation"
        await pilot.press("q")
        await pilot.pause()
        assert isinstance(app.screen, DebriefScreen)
        assert drill.finished
        await app.workers.wait_for_complete()
        await pilot.pause()
        debrief = app.screen
        assert debrief.plan_drill is not None
        card = debrief.query_one("#scorecard")
        mine = drill.scorecard().by_id()
        for key in card.rows:
            plan_cell = str(card.get_cell(key, "plan"))
            assert plan_cell and "…" not in plan_cell
            assert str(card.get_cell(key, "milestone")) == mine[str(key.value)].label(lang)
        decisions_table = debrief.query_one("#taken")
        assert decisions_table.row_count == taken

        await pilot.press("s")
        await pilot.pause()
        assert debrief.log_path is not None and debrief.log_path.is_file()
        assert len(debrief.log_path.read_text(encoding="utf-8").splitlines()) == len(drill.log.entries)


@pytest.mark.parametrize(
    ("lang", "reason"), [("en", "no response level is in force"), ("zh", "尚未启动应急响应")]
)
@synchronously
async def test_refused_decision_shows_reason_and_changes_nothing(
    lang: str, reason: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    app = DrillApp(lang)
    async with app.run_test(size=SIZE) as pilot:
        screen = await to_drill(pilot, app)
        drill = screen.drill
        assert "end_response" not in screen.available
        before = (len(drill.log.entries), drill.now, len(drill.decisions))
        await pilot.press("d")  # the decision panel
        await pilot.press("end", "up", "enter")  # "End the response", just above the facilitator inject
        await pilot.pause()
        modal = app.screen
        assert isinstance(modal, DecisionModal) and modal.cls is D.EndResponse
        check = str(modal.query_one("#check").render())
        assert reason in check
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is screen
        shown = [n.message for n in app._notifications]
        assert any(reason in m for m in shown), shown
        assert (len(drill.log.entries), drill.now, len(drill.decisions)) == before
        assert app.session.journal_path is not None
        lines = Path(app.session.journal_path).read_text(encoding="utf-8").splitlines()
        assert len(lines) == 1  # the header only


@synchronously
async def test_facilitator_inject_in_chinese_is_applied_and_journaled(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    app = DrillApp("zh", journal=Path("inject.jsonl"))
    async with app.run_test(size=SIZE) as pilot:
        screen = await to_drill(pilot, app)
        await run_minutes(pilot, screen, 10)
        heads = screen.drill.snapshot().incidents[0].head_count
        await pilot.press("i")
        await pilot.pause()
        assert isinstance(app.screen, InjectModal)
        await pilot.press(*"又来一批[red]群众")
        modal = app.screen
        modal.query_one("#effect").value = "join"
        await pilot.pause()
        assert modal.query_one("#amount").value == "10"  # a sensible default for the effect
        modal.query_one("#amount").value = "15"
        await pilot.pause()
        await pilot.press("enter")  # submit from the text box
        await pilot.pause()
        assert app.screen is screen
        kind, inject = screen.drill.decisions[-1][1].kind, screen.drill.decisions[-1][1]
        assert kind == "facilitator_inject" and inject.zh == inject.en == "又来一批[red]群众"
        joined = [e for e in screen.drill.log.entries if e.kind == "joined"][-1]
        assert joined.data["people"] == 15 and joined.t == screen.drill.now
        await run_minutes(pilot, screen, 12)  # they arrive over the next minutes
        assert screen.drill.snapshot().incidents[0].head_count > heads
        entry = [e for e in screen.drill.log.entries if e.subject.startswith("facilitator:")][-1]
        assert entry.data["zh"] == "又来一批[red]群众"
        feed = "\n".join(str(line.text) for line in screen.query_one("#feed").lines)
        assert "又来一批[red]群众" in feed  # data text is never markup
        records = (tmp_path / "inject.jsonl").read_text(encoding="utf-8").splitlines()
        assert json.loads(records[-1])["decision"]["kind"] == "facilitator_inject"


@synchronously
async def test_palette_finds_decisions_by_chinese_label_and_alias(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    app = DrillApp("en")
    async with app.run_test(size=SIZE) as pilot:
        screen = await to_drill(pilot, app)
        for query, cls in (("警戒", D.SetCordon), ("zhaoji", D.CallIn)):
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
async def test_resume_goes_straight_to_the_drill_paused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    app = DrillApp("en", journal=Path("j.jsonl"))
    async with app.run_test(size=SIZE) as pilot:
        screen = await to_drill(pilot, app)
        await run_minutes(pilot, screen, 15)
        await decide_with_key(pilot, screen, "o")
        await run_minutes(pilot, screen, 5)
        await decide_with_key(pilot, screen, "c")
        first = [(t, d.to_dict()) for t, d in screen.drill.decisions]
    again = DrillApp("en", resume=Path("j.jsonl"))
    async with again.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = again.screen
        assert isinstance(screen, DrillScreen) and screen.paused
        screen.timer.pause()
        assert [(t, d.to_dict()) for t, d in screen.drill.decisions] == first
        assert screen.drill.now == pytest.approx(first[-1][0])
        await decide_with_key(pilot, screen, "v")
    lines = [json.loads(x) for x in (tmp_path / "j.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [r["decision"]["kind"] for r in lines if r["type"] == "decision"][-1] == "open_venue"


@synchronously
async def test_pick_screen_sets_the_seed_and_lists_every_shipped_scenario(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from sim.spec import catalog

    monkeypatch.chdir(tmp_path)
    app = DrillApp("en")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        table = app.screen.query_one("#scenarios")
        shown = [str(key.value) for key in table.rows]
        assert set(shown) <= set(catalog.shipped_scenario_ids()) and "group-visit-50" in shown
        await pilot.press("tab", "tab")  # to the seed (past the plan list)
        assert app.screen.focused is app.screen.query_one("#seed")
        await pilot.press("backspace", "7", "enter")
        await pilot.pause()
        assert isinstance(app.screen, BriefingScreen)
        assert app.session is not None and app.session.seed == 7
        assert app.session.drill.scenario.id == "group-visit-50" and app.session.drill.plan.id == "city"


@synchronously
async def test_debrief_report_in_a_worker_and_a_message_when_the_module_is_missing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import sys
    import types

    monkeypatch.chdir(tmp_path)
    calls = []

    def fake_build_report(journal_path: Path, fmt: str, lang: str, out: Path | None) -> Path:
        calls.append((journal_path, fmt, lang, out))
        target = Path("report.md")
        target.write_text("# report\n", encoding="utf-8")
        return target

    app = DrillApp("zh", scenario="group-visit-50", journal=Path("r.jsonl"))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter")
        await pilot.pause()
        app.screen.timer.pause()
        await pilot.press("q", "q")
        await pilot.pause()
        debrief = app.screen
        assert isinstance(debrief, DebriefScreen)
        monkeypatch.setitem(sys.modules, "sim.report", types.SimpleNamespace(build_report=fake_build_report))
        await pilot.press("r")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert calls == [(Path("r.jsonl"), "md", "zh", None)]
        assert debrief.report_path == Path("report.md")
        monkeypatch.setitem(sys.modules, "sim.report", None)  # import fails: a clear message
        await pilot.press("r")
        await pilot.pause()
        assert any("复盘报告模块暂不可用" in n.message for n in app._notifications)
        assert app.is_running
