"""Seats of a hosted drill in the terminal app (Pilot, on state): the host runs
in the same event loop; the seat joins it over the WebSocket."""

from __future__ import annotations

import asyncio
import functools
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("textual")

from sim.room.clock import ManualTime
from sim.room.host import Host
from sim.room.room import new_room
from sim.room.tokens import new_tokens
from tui.app import SeatApp
from tui.screens.drill import DrillScreen
from tui.screens.modals import DecisionModal, NoteModal
from tui.screens.wall import WallScreen

SIZE = (120, 40)
TIMEOUT_S = 30.0


def synchronously(test):  # type: ignore[no-untyped-def]
    @functools.wraps(test)
    def wrapper(*args, **kwargs):  # type: ignore[no-untyped-def]
        return asyncio.run(asyncio.wait_for(test(*args, **kwargs), 120))

    return wrapper


async def until(pilot: Any, condition: Callable[[], bool]) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + TIMEOUT_S
    while not condition():
        assert loop.time() < deadline, "condition not reached"
        await pilot.pause(0.05)


async def hosted(tmp_path: Path) -> tuple[Host, asyncio.Task[None], dict[str, str]]:
    room = new_room("compound-peaks", None, 1, tmp_path / "room.jsonl", ManualTime())
    room.start()
    room.port.advance(40)
    tokens = new_tokens(room.roles.seat_names())
    host = Host(room, tokens, "127.0.0.1", 0)
    task = asyncio.create_task(host.run())
    await host.ready.wait()
    return host, task, tokens


async def stop(host: Host, task: asyncio.Task[None]) -> None:
    host.stop()
    await task


@synchronously
async def test_the_wall_view_has_no_forms_and_no_hints(tmp_path: Path) -> None:
    host, task, tokens = await hosted(tmp_path)
    app = SeatApp("en", f"ws://127.0.0.1:{host.port}", "wall", tokens["wall"])
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: isinstance(app.screen, WallScreen))
        wall = app.screen
        assert host.room.port.snapshot().recommended is not None, "the situation does call for a level"
        for key in ("c", "l", "d", "i", "e", "y"):
            await pilot.press(key)
            await pilot.pause()
            assert app.screen is wall, key
        shown = str(wall.query_one("#wall-state").render())
        assert "call for" not in shown, "the wall never says which level the situation calls for"
        assert not wall.query("#side") and not wall.query(DecisionModal)
        board = wall.query_one("#wall-board")
        assert board.row_count > 0
    await stop(host, task)


@synchronously
async def test_a_role_seat_sees_another_seats_decision_and_its_own_refusal(tmp_path: Path) -> None:
    from sim.room.engine import D

    host, task, tokens = await hosted(tmp_path)
    app = SeatApp("zh", f"ws://127.0.0.1:{host.port}", "order_group", tokens["order_group"])
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: isinstance(app.screen, DrillScreen))
        screen = app.screen
        assert isinstance(screen, DrillScreen)
        assert {c.kind for c in screen.own_decisions()} == {"call_in", "dispatch", "set_cordon"}
        await pilot.press("l")  # the commander's decision
        await pilot.pause()
        assert app.screen is screen
        assert any("其他席位" in n.message for n in app._notifications)
        room = host.room
        assert room.decide(room.roles.seat("command"), D.Summon("leader")).accepted
        await host.broadcast()
        await until(
            pilot,
            lambda: any(
                "涉事责任单位分管负责人" in line.text and line.kind == "decision"
                for line in screen.feed.lines
            ),
        )
    await stop(host, task)


@synchronously
async def test_an_evaluator_note_is_journaled_with_its_seat_and_milestone(tmp_path: Path) -> None:
    host, task, tokens = await hosted(tmp_path)
    app = SeatApp("zh", f"ws://127.0.0.1:{host.port}", "evaluator", tokens["evaluator"])
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: isinstance(app.screen, DrillScreen))
        await pilot.press("e")
        await until(pilot, lambda: isinstance(app.screen, NoteModal))
        modal = app.screen
        about = modal.query_one("#about")
        judged = next(m for m in host.room.port.snapshot().milestones if m.status in ("met", "missed"))
        milestone = f"milestone:{judged.id}"
        about.value = milestone
        await pilot.press(*"指挥部未在时限内决定级别")
        await pilot.press("enter")
        await until(pilot, lambda: bool(host.room.notes))
    await stop(host, task)
    note = host.room.notes[0]
    assert note.seat == "evaluator" and note.text == "指挥部未在时限内决定级别"
    records = [json.loads(x) for x in (tmp_path / "room.jsonl").read_text(encoding="utf-8").splitlines()]
    journaled = [r for r in records if r["type"] == "note" and r.get("what") == "evaluation"]
    assert journaled and journaled[0]["seat"] == "evaluator"
    assert journaled[0]["about"] == {"milestone": milestone.removeprefix("milestone:")}


@synchronously
async def test_the_facilitators_discussion_pause_shows_its_countdown_on_a_seat(tmp_path: Path) -> None:
    host, task, tokens = await hosted(tmp_path)
    app = SeatApp("en", f"ws://127.0.0.1:{host.port}", "facilitator", tokens["facilitator"])
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: isinstance(app.screen, DrillScreen))
        await pilot.press("w")
        await pilot.pause()
        await pilot.press("backspace", "3", "enter")
        await until(pilot, lambda: host.room.clock.state().discussion_left_s is not None)
        screen = app.screen
        await until(pilot, lambda: "DISCUSSION 3:00" in str(screen.query_one("#clock").render()))
    await stop(host, task)


@synchronously
async def test_a_seat_on_screen_comes_back_when_its_host_is_resumed(tmp_path: Path) -> None:
    import socket

    from sim.room.room import resume_room

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    time = ManualTime()
    room = new_room("compound-peaks", None, 1, tmp_path / "room.jsonl", time)
    room.start()
    room.port.advance(40)
    tokens = new_tokens(room.roles.seat_names())
    host = Host(room, tokens, "127.0.0.1", port)
    task = asyncio.create_task(host.run())
    await host.ready.wait()
    app = SeatApp("en", f"ws://127.0.0.1:{port}", "command", tokens["command"])
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: isinstance(app.screen, DrillScreen))
        screen = app.screen
        clock = screen.query_one("#clock")
        await stop(host, task)  # the host goes away
        await until(pilot, lambda: "reconnecting" in str(clock.render()))
        again = Host(resume_room(tmp_path / "room.jsonl", time).room, tokens, "127.0.0.1", port)
        task = asyncio.create_task(again.run())
        await again.ready.wait()
        await until(pilot, lambda: "reconnecting" not in str(clock.render()))
        assert app.is_running and app.screen is screen
    await stop(again, task)
