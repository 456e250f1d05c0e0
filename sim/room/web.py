"""Browser seats: every seat of a hosted drill in a browser tab, through
textual-serve. Each tab runs ``drill join`` for its seat in a subprocess whose
screen textual-serve streams to the page.

The page of a seat is ``/seat/<seat>?token=<token>``; the token is checked
(as the host checks it) before any process starts, and the subprocess gets it
in its environment, never on a command line. Every subprocess ends with the
server (asked to quit, then terminated).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import shlex
import sys
from pathlib import Path
from typing import Any
from urllib.parse import quote

import aiohttp_jinja2
import jinja2
import textual_serve
from aiohttp import WSMsgType, web
from textual_serve.app_service import AppService
from textual_serve.download_manager import DownloadManager

from .tokens import token_ok

log = logging.getLogger("drill.web")

STOP_TIMEOUT_S = 5.0


class WebSeats:
    def __init__(self, host_url: str, tokens: dict[str, str], bind: str, port: int, lang: str) -> None:
        self.host_url = host_url
        self.tokens = tokens
        self.bind = bind
        self.port = port
        self.lang = lang
        self.services: set[AppService] = set()
        self.downloads = DownloadManager()
        self._runner: web.AppRunner | None = None
        root = Path(textual_serve.__file__).parent
        self.templates = root / "templates"
        self.statics = root / "static"

    def public(self) -> str:
        bind = "127.0.0.1" if self.bind in ("0.0.0.0", "", "::") else self.bind
        return f"http://{bind}:{self.port}"

    def url(self, seat: str) -> str:
        return f"{self.public()}/seat/{quote(seat)}?token={quote(self.tokens[seat])}"

    def command(self, seat: str) -> str:
        """The seat's ``drill join`` (the token goes in the environment)."""
        return " ".join(
            shlex.quote(part)
            for part in (
                sys.executable,
                "-c",
                "from sim.cli import main; main()",
                "join",
                self.host_url,
                "--seat",
                seat,
                "--lang",
                self.lang,
            )
        )

    async def start(self) -> None:
        app = web.Application()
        aiohttp_jinja2.setup(app, loader=jinja2.FileSystemLoader(self.templates))
        app.add_routes(
            [
                web.get("/", self.index),
                web.get("/seat/{seat}", self.seat_page),
                web.get("/ws/{seat}/{token}", self.websocket),
                web.static("/static", self.statics, name="static"),
            ]
        )
        self._runner = web.AppRunner(app, handle_signals=False, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.bind, self.port)
        await site.start()
        if self.port == 0:
            self.port = int(self._runner.addresses[0][1])

    async def stop(self) -> None:
        for service in list(self.services):
            await self._stop_service(service)
        if self._runner is not None:
            await self._runner.cleanup()

    async def _stop_service(self, service: AppService) -> None:
        self.services.discard(service)
        try:
            await asyncio.wait_for(service.stop(), STOP_TIMEOUT_S)
        except (TimeoutError, Exception):
            process = getattr(service, "_process", None)
            if process is not None and process.returncode is None:
                with contextlib.suppress(ProcessLookupError):
                    process.kill()

    async def index(self, request: web.Request) -> web.Response:
        return web.Response(text="drill room: open the address of your seat, as drill host printed it\n")

    def _authorised(self, request: web.Request) -> str | None:
        seat = request.match_info["seat"]
        # the page has it in its query; its WebSocket in the path (the page's script adds its own query)
        token = request.match_info.get("token") or request.query.get("token", "")
        if not token_ok(self.tokens, seat, token):
            log.warning("browser seat refused: %s (%s)", seat, request.remote)
            return None
        return seat

    async def seat_page(self, request: web.Request) -> web.Response:
        seat = self._authorised(request)
        if seat is None:
            raise web.HTTPForbidden(text="unknown seat or wrong token\n")
        ws_url = self.public().replace("http", "ws", 1) + f"/ws/{quote(seat)}/{quote(self.tokens[seat])}"
        context: dict[str, Any] = {
            "font_size": 16,
            "app_websocket_url": ws_url,
            "config": {"static": {"url": f"{self.public()}/static/"}},
            "application": {"name": f"drill · {seat}"},
            "ping_url": "",
        }
        return aiohttp_jinja2.render_template("app_index.html", request, context)

    async def websocket(self, request: web.Request) -> web.WebSocketResponse:
        seat = self._authorised(request)
        if seat is None:
            raise web.HTTPForbidden(text="unknown seat or wrong token\n")
        ws = web.WebSocketResponse(heartbeat=15, max_msg_size=64 * 1024)
        await ws.prepare(request)
        width = _int(request.query.get("width"), 120)
        height = _int(request.query.get("height"), 40)
        os.environ.setdefault("DRILL_LANG", self.lang)

        async def close() -> None:
            await ws.close()

        service = AppService(
            "exec env DRILL_TOKEN=" + shlex.quote(self.tokens[seat]) + " " + self.command(seat),
            write_bytes=ws.send_bytes,
            write_str=ws.send_str,
            close=close,
            download_manager=self.downloads,
            debug=False,
        )
        self.services.add(service)
        try:
            await service.start(width, height)
            async for message in ws:
                if message.type != WSMsgType.TEXT:
                    continue
                try:
                    envelope = message.json()
                except ValueError:
                    continue
                if not isinstance(envelope, list) or not envelope:
                    continue
                kind = envelope[0]
                if kind == "stdin" and isinstance(envelope[1], str):
                    await service.send_bytes(envelope[1].encode("utf-8"))
                elif kind == "resize" and isinstance(envelope[1], dict):
                    await service.set_terminal_size(
                        _int(envelope[1].get("width"), 120), _int(envelope[1].get("height"), 40)
                    )
                elif kind == "ping":
                    await ws.send_json(["pong", envelope[1]])
                elif kind == "blur":
                    await service.blur()
                elif kind == "focus":
                    await service.focus()
        finally:
            await self._stop_service(service)
        return ws


def _int(value: Any, default: int) -> int:
    try:
        return max(10, min(int(value), 1000))
    except (TypeError, ValueError):
        return default
