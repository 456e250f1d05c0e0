"""How a screen reaches the drill: through a link to a room.

``LocalLink``: ``drill play`` — the room is in this process, one seat holds
every role, and the app's timer ticks the room's clock. ``RemoteLink``:
``drill join`` — the room is the host's; pictures and feed lines arrive over
the WebSocket and requests go back to it. Screens see the same interface
either way, and never the model.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sim.room.client import SeatClient
from sim.room.engine import Decision, Entry, FacilitatorAction, Why
from sim.room.roles import Power, Seat
from sim.room.room import Picture, Room, unsaid
from sim.spec.plan import Plan
from sim.spec.scenario import Scenario


@dataclass(frozen=True)
class Result:
    accepted: bool
    reason: Why | None = None
    takes_min: float | None = None


@dataclass(frozen=True)
class Checked:
    reason: Why | None
    people: int = 0
    minutes: float | None = None
    note: Why | None = None


@dataclass(frozen=True)
class Part:
    decision: dict[str, Any]
    result: Result


def _why(reason: Any) -> Why | None:
    if reason is None:
        return None
    if isinstance(reason, Why):
        return reason
    return Why(str(reason), str(reason))


class Link:
    """What every screen uses; see LocalLink and RemoteLink."""

    seat: Seat
    plan: Plan
    scenario: Scenario
    seed: int
    local: bool = False

    @property
    def journal(self) -> Path | None:
        raise NotImplementedError

    @property
    def picture(self) -> Picture:
        raise NotImplementedError

    @property
    def entries(self) -> Sequence[Entry]:
        raise NotImplementedError

    @property
    def connected(self) -> bool:
        return True

    def seat_label(self, name: str, lang: str) -> str:
        raise NotImplementedError

    def can(self, power: Power) -> bool:
        return self.seat.can(power)

    def tick(self) -> bool:
        """Move the clock on (a local room); a host's room ticks by itself."""
        return False

    async def decide(self, decision: Decision) -> Result:
        raise NotImplementedError

    async def package(self, level: str) -> list[Part]:
        raise NotImplementedError

    async def check(self, decision: Decision) -> Checked:
        raise NotImplementedError

    async def clock(self, paused: bool | None = None, speed: float | None = None) -> Result:
        raise NotImplementedError

    async def discuss(self, seconds: float) -> Result:
        raise NotImplementedError

    async def facilitate(self, action: FacilitatorAction) -> Result:
        raise NotImplementedError

    async def note(self, text: str, about: dict[str, Any]) -> Result:
        raise NotImplementedError

    async def step(self) -> Result:
        return Result(False, Why("only a drill played here can step", "只有本机推演可以单步"))

    async def close(self) -> None:
        return None


class LocalLink(Link):
    local = True

    def __init__(self, room: Room, seat: Seat | None = None) -> None:
        self.room = room
        self.seat = seat or room.roles.play_seat()
        self.plan = room.port.plan
        self.scenario = room.port.scenario
        self.seed = room.seed
        self._picture: Picture | None = None

    @property
    def journal(self) -> Path | None:
        return self.room.journal_path

    @property
    def picture(self) -> Picture:
        if self._picture is None or self._picture.version != self.room.version:
            self._picture = self.room.picture(self.seat)
        clock = self.room.clock.state()
        if clock != self._picture.clock:  # the clock moves without a new version (a countdown)
            self._picture = dataclasses.replace(self._picture, clock=clock)
        return self._picture

    @property
    def entries(self) -> Sequence[Entry]:
        return self.room.port.entries

    def seat_label(self, name: str, lang: str) -> str:
        return self.room.roles.label(name, lang)

    def tick(self) -> bool:
        return self.room.tick()

    @staticmethod
    def _result(outcome: Any) -> Result:
        return Result(outcome.accepted, _why(outcome.reason), outcome.takes_min)

    async def decide(self, decision: Decision) -> Result:
        return self._result(self.room.decide(self.seat, decision))

    async def package(self, level: str) -> list[Part]:
        return [Part(d.to_dict(), self._result(o)) for d, o in self.room.decide_package(self.seat, level)]

    async def check(self, decision: Decision) -> Checked:
        reason, est = self.room.check(self.seat, decision)
        if est is None:
            return Checked(_why(reason))
        return Checked(_why(reason), est.people, est.minutes, _why(est.note) if est.note else None)

    async def clock(self, paused: bool | None = None, speed: float | None = None) -> Result:
        return self._result(self.room.set_clock(self.seat, paused, speed))

    async def discuss(self, seconds: float) -> Result:
        return self._result(self.room.discuss(self.seat, seconds))

    async def facilitate(self, action: FacilitatorAction) -> Result:
        return self._result(self.room.facilitate(self.seat, action))

    async def note(self, text: str, about: dict[str, Any]) -> Result:
        return self._result(self.room.note(self.seat, text, about))

    async def step(self) -> Result:
        return self._result(self.room.step(self.seat))

    async def close(self) -> None:
        self.room.close()


class RemoteLink(Link):
    def __init__(self, client: SeatClient) -> None:
        state = client.state
        assert state is not None, "start the client first"
        self.client = client
        self.seat = state.seat
        self.plan = state.plan
        self.scenario = state.scenario
        self.seed = state.seed

    @classmethod
    async def join(cls, url: str, seat: str, token: str, on_change: Callable[[], None]) -> RemoteLink:
        client = SeatClient(url, seat, token, on_change)
        await client.start()
        return cls(client)

    @property
    def _state(self) -> Any:
        assert self.client.state is not None
        return self.client.state

    @property
    def journal(self) -> Path | None:
        j = self._state.journal
        return Path(j) if j else None

    @property
    def picture(self) -> Picture:
        picture = self._state.picture
        assert picture is not None
        return picture  # type: ignore[no-any-return]

    @property
    def entries(self) -> Sequence[Entry]:
        return self._state.entries  # type: ignore[no-any-return]

    @property
    def connected(self) -> bool:
        return bool(self._state.connected)

    def seat_label(self, name: str, lang: str) -> str:
        names = self._state.seats.get(name)
        return str(names[lang]) if names else name

    async def _ask(self, message: dict[str, Any]) -> dict[str, Any]:
        try:
            return await self.client.request(message)
        except (ConnectionError, TimeoutError):
            return {
                "accepted": False,
                "reason": {"zh": "与主机的连接中断，正在重连", "en": "lost the host; reconnecting"},
            }

    @staticmethod
    def _result(reply: dict[str, Any]) -> Result:
        if reply.get("type") == "error":
            message = str(reply.get("message"))
            return Result(False, Why(message, message))
        return Result(bool(reply.get("accepted")), unsaid(reply.get("reason")), reply.get("takes_min"))

    async def decide(self, decision: Decision) -> Result:
        return self._result(await self._ask({"type": "decide", "decision": decision.to_dict()}))

    async def package(self, level: str) -> list[Part]:
        reply = await self._ask({"type": "package", "level": level})
        if "parts" not in reply:
            return [Part({}, self._result(reply))]
        return [
            Part(p["decision"], Result(bool(p["accepted"]), unsaid(p.get("reason")), p.get("takes_min")))
            for p in reply["parts"]
        ]

    async def check(self, decision: Decision) -> Checked:
        reply = await self._ask({"type": "check", "decision": decision.to_dict()})
        if reply.get("type") == "error" or "reason" not in reply:
            return Checked(self._result(reply).reason)
        est = reply.get("estimate") or {}
        return Checked(
            unsaid(reply.get("reason")),
            int(est.get("people") or 0),
            est.get("minutes"),
            unsaid(est.get("note")),
        )

    async def clock(self, paused: bool | None = None, speed: float | None = None) -> Result:
        message: dict[str, Any] = {"type": "clock"}
        if paused is not None:
            message["paused"] = paused
        if speed is not None:
            message["speed"] = speed
        return self._result(await self._ask(message))

    async def discuss(self, seconds: float) -> Result:
        return self._result(await self._ask({"type": "discuss", "seconds": seconds}))

    async def facilitate(self, action: FacilitatorAction) -> Result:
        return self._result(await self._ask({"type": "facilitate", "action": action.to_dict()}))

    async def note(self, text: str, about: dict[str, Any]) -> Result:
        return self._result(await self._ask({"type": "note", "text": text, "about": about}))

    async def close(self) -> None:
        await self.client.close()
