"""A seat's side of the wire: connect with the seat's token, keep the latest
picture and the feed, send requests and wait for their replies; reconnect
when the host goes away (a resumed host takes the seat back).

Headless and asyncio-based; the terminal app (``drill join``) runs it inside
its own event loop.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed, InvalidHandshake, InvalidURI

from ..spec.plan import Plan
from ..spec.scenario import Scenario
from .codec import decode
from .engine import Entry
from .protocol import MAX_HOST_MESSAGE_BYTES, dumps
from .roles import Power, Seat
from .room import Picture

RETRY_S = 1.0
log = logging.getLogger("drill.seat")


class JoinError(Exception):
    """The host refused the seat (wrong token, unknown seat) or cannot be reached."""


@dataclass
class SeatState:
    seat: Seat
    seats: dict[str, dict[str, str]]
    plan: Plan
    scenario: Scenario
    seed: int
    journal: str | None
    picture: Picture | None = None
    entries: list[Entry] = field(default_factory=list)
    connected: bool = True


class SeatClient:
    def __init__(self, url: str, seat: str, token: str, on_change: Callable[[], None] | None = None) -> None:
        self.url = url
        self.seat_name = seat
        self.token = token
        self.on_change = on_change or (lambda: None)
        self.state: SeatState | None = None
        self._ws: ClientConnection | None = None
        self._next_id = 0
        self._waiting: dict[int, asyncio.Future[dict[str, Any]]] = {}
        self._task: asyncio.Task[None] | None = None
        self._joined = asyncio.Event()
        self._closing = False
        self.refused: str | None = None

    async def start(self, timeout: float = 10.0) -> SeatState:
        """Connect and join; raises JoinError if the host refuses or cannot be reached in time."""
        self._task = asyncio.create_task(self._run())
        joined = asyncio.create_task(self._joined.wait())
        await asyncio.wait({joined, self._task}, timeout=timeout, return_when=asyncio.FIRST_COMPLETED)
        joined.cancel()
        if self.refused is not None:
            raise JoinError(self.refused)
        if not self._joined.is_set():
            await self.close()
            raise JoinError(f"no answer from {self.url} within {timeout:g} s")
        assert self.state is not None
        return self.state

    async def close(self) -> None:
        self._closing = True
        if self._ws is not None:
            with contextlib.suppress(Exception):
                await self._ws.close()
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._task

    async def _run(self) -> None:
        while not self._closing:
            try:
                async with connect(self.url, max_size=MAX_HOST_MESSAGE_BYTES, open_timeout=5) as ws:
                    self._ws = ws
                    await ws.send(dumps({"type": "hello", "seat": self.seat_name, "token": self.token}))
                    async for raw in ws:
                        self._receive(raw)
                        if self.refused is not None:
                            return
            except (OSError, ConnectionClosed, InvalidHandshake, TimeoutError):
                pass
            except (
                ValueError,
                KeyError,
                TypeError,
            ) as exc:  # a message this seat cannot read: say so, rejoin
                log.warning("unreadable message from the host: %s", exc)
            except InvalidURI as exc:
                self.refused = f"not a host address: {exc}"
                return
            self._ws = None
            if self.state is not None and self.state.connected:
                self.state.connected = False
                self._changed()
            for fut in self._waiting.values():
                if not fut.done():
                    fut.set_exception(ConnectionError("the host went away"))
            self._waiting.clear()
            await asyncio.sleep(RETRY_S)

    def _receive(self, raw: str | bytes) -> None:
        msg = json.loads(raw)
        kind = msg.get("type")
        if kind == "welcome":
            old = self.state
            self.state = SeatState(
                seat=Seat(
                    msg["seat"]["name"],
                    tuple(msg["seat"]["roles"]),
                    frozenset(Power(p) for p in msg["seat"]["powers"]),
                ),
                seats=msg["seats"],
                plan=Plan.model_validate(msg["plan"]),
                scenario=Scenario.model_validate(msg["scenario"]),
                seed=int(msg["seed"]),
                journal=msg.get("journal"),
                # a rejoin keeps showing the last picture until the host's arrives (the feed comes whole)
                picture=old.picture if old is not None else None,
            )
        elif kind == "feed" and self.state is not None:
            for _index, t, k, subject, data in msg["entries"]:
                self.state.entries.append(Entry(float(t), k, subject, data))
            if self.state.picture is not None:
                self._changed()
        elif kind == "picture" and self.state is not None:
            self.state.picture = decode(Picture, msg["picture"])
            self.state.connected = True
            self._joined.set()
            self._changed()
        elif kind in ("reply", "error"):
            fut = self._waiting.pop(msg.get("id"), None) if msg.get("id") is not None else None
            if fut is not None and not fut.done():
                fut.set_result(msg)
            elif kind == "error" and not self._joined.is_set():
                self.refused = str(msg.get("message"))

    def _changed(self) -> None:
        """Tell the seat's screen; a failure there never stops the connection."""
        try:
            self.on_change()
        except Exception:
            log.exception("the seat's screen failed to show the new picture")

    async def request(self, message: dict[str, Any], timeout: float = 10.0) -> dict[str, Any]:
        """Send a request and wait for its reply (or an error reply)."""
        ws = self._ws
        if ws is None:
            raise ConnectionError("not connected to the host")
        self._next_id += 1
        msg_id = self._next_id
        fut: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
        self._waiting[msg_id] = fut
        await ws.send(dumps({**message, "id": msg_id}))
        try:
            return await asyncio.wait_for(fut, timeout)
        finally:
            self._waiting.pop(msg_id, None)
