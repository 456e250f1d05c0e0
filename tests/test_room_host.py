"""The drill room over the wire: a host and seat clients in one event loop on
loopback. Decisions reach the other seats; the host refuses a decision that is
not the seat's role, a wrong token and malformed messages, and goes on; a
seat that rejoins gets the current picture; a host resumed from its journal
takes the seats back."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

from sim.room.client import JoinError, SeatClient
from sim.room.clock import ManualTime
from sim.room.host import Host
from sim.room.room import new_room, resume_room
from sim.room.tokens import new_tokens

TIMEOUT_S = 20.0


async def until(condition: Callable[[], bool], timeout: float = TIMEOUT_S) -> None:
    """Wait on state, never on a fixed sleep."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not condition():
        if loop.time() > deadline:
            raise AssertionError("condition not reached")
        await asyncio.sleep(0.02)


def run(coro: Callable[[], Awaitable[None]]) -> None:
    asyncio.run(asyncio.wait_for(coro(), 60))


async def start_host(journal: Path, time: ManualTime) -> tuple[Host, asyncio.Task[None], dict[str, str]]:
    room = new_room("compound-peaks", None, 1, journal, time)
    room.start()
    tokens = new_tokens(room.roles.seat_names())
    host = Host(room, tokens, "127.0.0.1", 0)
    task = asyncio.create_task(host.run())
    await host.ready.wait()
    return host, task, tokens


def test_a_decision_reaches_every_seat_and_another_roles_decision_is_refused(tmp_path: Path) -> None:
    async def main() -> None:
        time = ManualTime()
        host, task, tokens = await start_host(tmp_path / "j.jsonl", time)
        url = f"ws://127.0.0.1:{host.port}"
        seats = {
            name: SeatClient(url, name, tokens[name])
            for name in ("command", "order_group", "wall", "facilitator")
        }
        for client in seats.values():
            await client.start()
        host.room.port.advance(20)  # the crowd has gathered
        reply = await seats["order_group"].request(
            {"type": "decide", "decision": {"kind": "declare_level", "level": "IV"}}
        )
        assert reply["accepted"] is False and "City command" in reply["reason"]["en"]
        assert "指挥部" in reply["reason"]["zh"]
        reply = await seats["order_group"].request(
            {"type": "decide", "decision": {"kind": "call_in", "team": "order"}}
        )
        assert reply["accepted"] is True
        for name in ("command", "wall", "facilitator"):
            state = seats[name].state
            assert state is not None
            await until(
                lambda s=state: any(e.kind == "decision" and e.subject == "call_in" for e in s.entries)
            )
        records = [json.loads(x) for x in (tmp_path / "j.jsonl").read_text(encoding="utf-8").splitlines()]
        assert [(r["decision"]["kind"], r["seat"]) for r in records if r["type"] == "decision"] == [
            ("call_in", "order_group")
        ]
        reply = await seats["wall"].request({"type": "note", "text": "x"})
        assert reply["accepted"] is False
        for client in seats.values():
            await client.close()
        host.stop()
        await task

    run(main)


def test_wrong_tokens_and_malformed_messages_get_an_error_and_the_drill_goes_on(tmp_path: Path) -> None:
    async def main() -> None:
        time = ManualTime()
        host, task, tokens = await start_host(tmp_path / "j.jsonl", time)
        url = f"ws://127.0.0.1:{host.port}"
        with pytest.raises(JoinError):
            await SeatClient(url, "facilitator", tokens["order_group"]).start(timeout=TIMEOUT_S)
        order = SeatClient(url, "order_group", tokens["order_group"])
        await order.start()
        for bad in (
            {"type": "decide", "decision": {"kind": "call_in", "team": ["order"]}},
            {"type": "decide", "decision": {"kind": "facilitator_inject", "zh": "x"}},
            {"type": "decide", "decision": {"kind": "call_in", "team": "order", "exec": "rm -rf /"}},
            {"type": "clock", "speed": -1},
            {"type": "shell", "cmd": "id"},
        ):
            reply = await order.request(bad)
            assert reply["type"] == "error", bad
        async with connect(url) as raw:
            await raw.send("{not json")
            answer: dict[str, Any] = json.loads(await asyncio.wait_for(raw.recv(), TIMEOUT_S))
            assert answer["type"] == "error"
        async with connect(url, max_size=None) as raw:
            await raw.send(
                json.dumps({"type": "hello", "seat": "order_group", "token": tokens["order_group"]})
            )
            await asyncio.wait_for(raw.recv(), TIMEOUT_S)
            await raw.send("x" * 200_000)  # over the size limit: the host closes that connection only
            with pytest.raises(ConnectionClosed):
                for _ in range(10):
                    await asyncio.wait_for(raw.recv(), TIMEOUT_S)
        reply = await order.request({"type": "decide", "decision": {"kind": "call_in", "team": "order"}})
        assert reply["accepted"] is True, "the drill goes on"
        await order.close()
        host.stop()
        await task

    run(main)


def test_a_seat_that_rejoins_gets_the_current_picture_and_a_resumed_host_takes_it_back(
    tmp_path: Path,
) -> None:
    async def main() -> None:
        time = ManualTime()
        journal = tmp_path / "j.jsonl"
        host, task, tokens = await start_host(journal, time)
        url = f"ws://127.0.0.1:{host.port}"
        fac = SeatClient(url, "facilitator", tokens["facilitator"])
        await fac.start()
        assert (await fac.request({"type": "clock", "paused": False, "speed": 60}))["accepted"]
        for _ in range(8):
            time.sleep(0.25)
            await asyncio.sleep(0.3)  # the host's own ticker moves the drill on the manual time
        await until(
            lambda: fac.state is not None and fac.state.picture is not None and fac.state.picture.t > 10
        )
        assert (await fac.request({"type": "clock", "paused": True}))["accepted"]
        stood = host.room.port.now
        await fac.close()
        host.stop()
        await task
        host.room.close()
        # the host is gone; it comes back from its journal on the same port, with the same tokens
        room = resume_room(journal, time).room
        assert room.port.now == pytest.approx(stood)
        again = Host(room, tokens, "127.0.0.1", 0)
        task = asyncio.create_task(again.run())
        await again.ready.wait()
        back = SeatClient(f"ws://127.0.0.1:{again.port}", "facilitator", tokens["facilitator"])
        state = await back.start()
        assert state.picture is not None and state.picture.t == pytest.approx(stood)
        assert len(state.entries) > 5, "the feed so far comes with the picture"
        await back.close()
        again.stop()
        await task

    run(main)


def test_a_seat_rejoins_by_itself_when_a_killed_host_is_resumed_on_its_port(tmp_path: Path) -> None:
    import socket

    async def main() -> None:
        with socket.socket() as probe:  # a free port for both hosts
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        time = ManualTime()
        journal = tmp_path / "j.jsonl"
        room = new_room("compound-peaks", None, 1, journal, time)
        room.start()
        tokens = new_tokens(room.roles.seat_names())
        host = Host(room, tokens, "127.0.0.1", port)
        task = asyncio.create_task(host.run())
        await host.ready.wait()
        seat = SeatClient(f"ws://127.0.0.1:{port}", "order_group", tokens["order_group"])
        state = await seat.start()
        reply = await seat.request({"type": "decide", "decision": {"kind": "call_in", "team": "order"}})
        assert reply["accepted"]
        host.stop()  # the host goes away (as if killed: its journal is all that is left)
        await task
        await until(lambda: seat.state is not None and not seat.state.connected)
        again = Host(resume_room(journal, time).room, tokens, "127.0.0.1", port)
        task = asyncio.create_task(again.run())
        await again.ready.wait()
        # a rejoin brings a new welcome: the state is the resumed host's, with the picture and feed so far
        await until(lambda: seat.state is not None and seat.state is not state and seat.state.connected)
        assert seat.state.picture is not None and any(e.subject == "call_in" for e in seat.state.entries)
        reply = await seat.request(
            {"type": "decide", "decision": {"kind": "dispatch", "team": "order", "people": 1, "to": "gate"}}
        )
        assert reply["type"] == "reply", "the same seat, reconnected by itself, is heard by the resumed host"
        await seat.close()
        again.stop()
        await task

    run(main)
