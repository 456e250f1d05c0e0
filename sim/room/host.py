"""``drill host``: one room behind a WebSocket server.

Every connection starts with ``hello`` (seat and token); the host answers
with ``welcome`` (the plan, the scenario, the seat) and the seat's picture,
then pushes a new picture and the new feed entries whenever the room changes
(a decision, the clock, a note). Requests are validated (``protocol``) and
checked against the seat (``room``); a malformed or unauthorised message gets
an ``error`` reply and a log line, and the drill goes on.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from dataclasses import dataclass, field
from typing import Any

from websockets.asyncio.server import ServerConnection, serve
from websockets.exceptions import ConnectionClosed

from .codec import encode
from .engine import NARRATED, Outcome
from .protocol import (
    MAX_CLIENT_MESSAGE_BYTES,
    PROTOCOL,
    BadMessage,
    Check,
    Clock,
    Decide,
    Discuss,
    Facilitate,
    Hello,
    Note,
    Package,
    action_from_wire,
    decision_from_wire,
    dumps,
    parse_client,
)
from .roles import Seat
from .room import Room, said
from .tokens import token_ok

log = logging.getLogger("drill.host")

TICK_S = 0.25  # how often the host's clock moves the drill and pushes pictures
HELLO_TIMEOUT_S = 10.0
MAX_SEAT_CONNECTIONS = 64


@dataclass(eq=False)
class Connection:
    ws: ServerConnection
    seat: Seat
    lang: str = "zh"
    version: int = -1
    sent: int = 0  # log entries sent so far
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)


class Host:
    def __init__(self, room: Room, tokens: dict[str, str], bind: str = "127.0.0.1", port: int = 0) -> None:
        self.room = room
        self.tokens = tokens
        self.bind = bind
        self.port = port
        self.connections: set[Connection] = set()
        self.stopped = asyncio.Event()
        self.ready = asyncio.Event()

    # --- running ------------------------------------------------------------------------------
    async def run(self) -> None:
        """Serve until ``stop()``; the clock ticks every TICK_S."""
        async with serve(
            self.handler,
            self.bind,
            self.port,
            max_size=MAX_CLIENT_MESSAGE_BYTES,
            max_queue=16,
            ping_interval=10,
            ping_timeout=20,
        ) as server:
            sock = next(iter(server.sockets))
            self.port = sock.getsockname()[1]
            self.ready.set()
            ticker = asyncio.create_task(self._ticker())
            try:
                await self.stopped.wait()
            finally:
                ticker.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await ticker
                for conn in list(self.connections):
                    with contextlib.suppress(Exception):
                        await conn.ws.close(1001, "the host is shutting down")

    def stop(self) -> None:
        self.stopped.set()

    async def _ticker(self) -> None:
        while True:
            await asyncio.sleep(TICK_S)
            try:
                self.room.tick()
            except Exception:  # the model failed: say so, keep serving what there is
                log.exception("the drill could not advance")
                self.room.clock.pause()
            await self.broadcast()

    async def broadcast(self) -> None:
        for conn in list(self.connections):
            if conn.version != self.room.version:
                await self._push(conn)

    async def _push(self, conn: Connection) -> None:
        async with conn.lock:
            version = self.room.version
            if conn.version == version:
                return
            entries = self.room.entries(conn.sent)
            feed = [
                [conn.sent + n, e.t, e.kind, e.subject, e.data]
                for n, e in enumerate(entries)
                if e.kind in NARRATED
            ]
            conn.sent += len(entries)
            picture = encode(self.room.picture(conn.seat))
            try:
                if feed:
                    await conn.ws.send(dumps({"type": "feed", "entries": feed}))
                await conn.ws.send(dumps({"type": "picture", "picture": picture}))
            except ConnectionClosed:
                self.connections.discard(conn)
                return
            conn.version = version

    # --- one connection ---------------------------------------------------------------------------
    async def handler(self, ws: ServerConnection) -> None:
        peer = ws.remote_address
        try:
            raw = await asyncio.wait_for(ws.recv(), HELLO_TIMEOUT_S)
            hello = parse_client(raw)
        except (TimeoutError, ConnectionClosed):
            return
        except BadMessage as exc:
            log.warning("refused %s: %s", peer, exc)
            await self._error(ws, None, str(exc))
            await ws.close(4400, "bad hello")
            return
        if not isinstance(hello, Hello) or not token_ok(self.tokens, hello.seat, hello.token):
            log.warning(
                "refused %s: %s",
                peer,
                "not a hello" if not isinstance(hello, Hello) else f"bad token for seat {hello.seat!r}",
            )
            await self._error(ws, None, "unknown seat or wrong token")
            await ws.close(4401, "unauthorised")
            return
        if len(self.connections) >= MAX_SEAT_CONNECTIONS:
            await self._error(ws, None, "too many connections")
            await ws.close(4429, "too many connections")
            return
        seat = self.room.roles.seat(hello.seat)
        conn = Connection(ws, seat)
        log.info("seat %s joined from %s", seat.name, peer)
        await ws.send(dumps(self.welcome(seat)))
        self.connections.add(conn)
        await self._push(conn)
        try:
            async for raw in ws:
                await self._handle(conn, raw)
        except ConnectionClosed:
            pass
        finally:
            self.connections.discard(conn)
            log.info("seat %s left", seat.name)

    def welcome(self, seat: Seat) -> dict[str, Any]:
        room = self.room
        roles = room.roles
        return {
            "type": "welcome",
            "protocol": PROTOCOL,
            "seat": encode(seat),
            "seats": {
                name: {"zh": roles.label(name, "zh"), "en": roles.label(name, "en")}
                for name in roles.seat_names()
            },
            "plan": room.port.plan.model_dump(mode="json", by_alias=True),
            "scenario": room.port.scenario.model_dump(mode="json", by_alias=True),
            "seed": room.seed,
            "journal": str(room.journal_path) if room.journal_path else None,
        }

    async def _handle(self, conn: Connection, raw: str | bytes) -> None:
        room, seat = self.room, conn.seat
        msg_id = None
        try:
            msg = parse_client(raw)
            msg_id = getattr(msg, "id", None)
            if isinstance(msg, Hello):
                raise BadMessage("already joined")
            if isinstance(msg, Check):
                decision = decision_from_wire(msg.decision)
                reason, est = room.check(seat, decision)
                estimate = None
                if est is not None:
                    estimate = {"people": est.people, "minutes": est.minutes, "note": said(est.note)}
                await conn.ws.send(
                    dumps({"type": "reply", "id": msg.id, "reason": said(reason), "estimate": estimate})
                )
                return
            if isinstance(msg, Decide):
                outcome = room.decide(seat, decision_from_wire(msg.decision))
                if not outcome.accepted:
                    log.info("seat %s: %s refused: %s", seat.name, msg.decision.get("kind"), outcome.reason)
                await self._reply(conn, msg.id, outcome)
            elif isinstance(msg, Package):
                parts = room.decide_package(seat, msg.level)
                await conn.ws.send(
                    dumps(
                        {
                            "type": "reply",
                            "id": msg.id,
                            "accepted": any(o.accepted for _, o in parts),
                            "parts": [
                                {
                                    "decision": d.to_dict(),
                                    "accepted": o.accepted,
                                    "reason": said(o.reason),
                                    "takes_min": o.takes_min,
                                }
                                for d, o in parts
                            ],
                        }
                    )
                )
            elif isinstance(msg, Clock):
                await self._reply(conn, msg.id, room.set_clock(seat, msg.paused, msg.speed))
            elif isinstance(msg, Discuss):
                await self._reply(conn, msg.id, room.discuss(seat, msg.seconds))
            elif isinstance(msg, Facilitate):
                await self._reply(conn, msg.id, room.facilitate(seat, action_from_wire(msg.action)))
            elif isinstance(msg, Note):
                await self._reply(
                    conn, msg.id, room.note(seat, msg.text, msg.about.model_dump(exclude_none=True))
                )
        except BadMessage as exc:
            log.warning("seat %s sent a bad message: %s", seat.name, exc)
            await self._error(conn.ws, msg_id if msg_id is not None else _request_id(raw), str(exc))
            return
        except ConnectionClosed:
            raise
        except Exception as exc:  # never let one request stop the drill
            log.exception("seat %s: request failed", seat.name)
            await self._error(conn.ws, msg_id, f"the host could not do that ({type(exc).__name__})")
            return
        await self.broadcast()

    async def _reply(self, conn: Connection, msg_id: int, outcome: Outcome) -> None:
        await conn.ws.send(
            dumps(
                {
                    "type": "reply",
                    "id": msg_id,
                    "accepted": outcome.accepted,
                    "reason": said(outcome.reason),
                    "takes_min": outcome.takes_min,
                }
            )
        )

    async def _error(self, ws: ServerConnection, msg_id: int | None, message: str) -> None:
        with contextlib.suppress(ConnectionClosed):
            await ws.send(dumps({"type": "error", "id": msg_id, "message": message}))


def _request_id(raw: str | bytes) -> int | None:
    """The id of a request that failed validation, so its sender hears back."""
    try:
        data = json.loads(raw)
    except (ValueError, TypeError):
        return None
    value = data.get("id") if isinstance(data, dict) else None
    return value if isinstance(value, int) and not isinstance(value, bool) else None
