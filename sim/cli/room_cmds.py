"""The drill room: ``drill host`` (one drill for many seats), ``drill join``
(one seat in the terminal) and ``drill debrief`` (a drill's debrief from its
journal, any time after).

Textual is imported inside ``join`` and ``debrief`` only; the host is headless.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import shlex
import signal
import sys
from pathlib import Path

import click

from .base import UserError, lang_option, pick_lang

JOURNAL = click.Path(dir_okay=False, path_type=Path)


def register(group: click.Group) -> None:
    for cmd in (host_cmd, join_cmd, debrief_cmd):
        group.add_command(cmd)


@click.command("host")
@click.argument("scenario", required=False)
@click.option("--plan", "plan_name", default=None, help="Plan id or file (default: the scenario's own).")
@click.option("--seed", default=1, show_default=True, type=click.IntRange(min=0), help="Random seed.")
@click.option(
    "--seats",
    default=None,
    help="Comma-separated seats to open (default: every role of the plan, facilitator, evaluator, wall).",
)
@click.option(
    "--bind", default="127.0.0.1", show_default=True, help="Address to listen on (loopback unless told)."
)
@click.option(
    "--port",
    default=8765,
    show_default=True,
    type=click.IntRange(min=0, max=65535),
    help="WebSocket port (0: any free one).",
)
@click.option("--web", is_flag=True, help="Also serve every seat in a browser (textual-serve).")
@click.option(
    "--web-port",
    default=8766,
    show_default=True,
    type=click.IntRange(min=0, max=65535),
    help="Port of the browser seats.",
)
@click.option(
    "--journal",
    "journal_path",
    type=JOURNAL,
    help="Journal (default journals/<scenario>-<seed>-<time>-room.jsonl).",
)
@click.option(
    "--resume",
    "resume_path",
    type=JOURNAL,
    help="Go on with the hosted drill in this journal (seats rejoin with the same commands).",
)
@click.option(
    "--speed",
    default=5.0,
    show_default=True,
    type=click.FloatRange(min=0.001, max=600),
    help="Simulated minutes per real second when the facilitator starts the clock.",
)
@lang_option
@click.pass_context
def host_cmd(
    ctx: click.Context,
    scenario: str | None,
    plan_name: str | None,
    seed: int,
    seats: str | None,
    bind: str,
    port: int,
    web: bool,
    web_port: int,
    journal_path: Path | None,
    resume_path: Path | None,
    speed: float,
    sub_lang: str | None,
) -> None:
    """Host one drill for a room: a seat per role, a facilitator, evaluators and a wall view.

    Prints the `drill join` command of every seat (and with --web its browser address). The clock
    starts paused; the facilitator runs it. Ctrl+C stops the host; `drill host --resume JOURNAL`
    goes on where it stood, and the seats rejoin by themselves.
    """
    from ..journal import JournalError
    from ..room.room import new_room, resume_room
    from ..room.tokens import load_tokens, new_tokens, save_tokens

    lang = pick_lang(ctx, sub_lang)
    if resume_path is not None:
        if scenario is not None:
            raise UserError("--resume takes the scenario from the journal; give no SCENARIO")
        if not resume_path.exists():
            raise UserError(f"{resume_path}: no such journal")
        try:
            room = resume_room(resume_path).room
        except JournalError as exc:
            raise UserError(str(exc)) from None
        tokens = load_tokens(resume_path) or new_tokens(room.roles.seat_names())
        journal = resume_path
    else:
        if scenario is None:
            raise UserError("name the SCENARIO to host (drill list shows them), or --resume JOURNAL")
        if journal_path is not None and journal_path.exists():
            raise UserError(f"{journal_path} already exists; a journal is never overwritten")
        from ..spec import catalog
        from ..spec.loader import load_plan_file, load_scenario_file
        from ..spec.pairing import check_pairing

        scen, _x = load_scenario_file(catalog.scenario_path(scenario))
        plan, _y = load_plan_file(catalog.plan_path(plan_name or scen.default_plan))
        check_pairing(plan, scen)
        from datetime import datetime

        journal = (
            journal_path or Path("journals") / f"{scen.id}-{seed}-{datetime.now():%Y%m%d-%H%M%S}-room.jsonl"
        )
        room = new_room(scenario, plan_name, seed, None)
        names = room.roles.seat_names()
        wanted = names if seats is None else [s.strip() for s in seats.split(",") if s.strip()]
        unknown = [s for s in wanted if s not in names]
        if unknown:
            raise UserError(f"unknown seat(s) {', '.join(unknown)}; this plan's seats: {', '.join(names)}")
        tokens = new_tokens(wanted)
        room.open_journal(journal, extra={"room": {"seats": wanted}})
        save_tokens(journal, tokens)
        room.start()
    room.clock.speed = speed
    asyncio.run(_serve(room, tokens, bind, port, web, web_port, lang, journal))


async def _serve(room, tokens, bind, port, web, web_port, lang, journal) -> None:  # type: ignore[no-untyped-def]
    from ..room.host import Host

    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s", stream=sys.stderr
    )
    host = Host(room, tokens, bind, port)
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(sig, host.stop)
    task = asyncio.create_task(host.run())
    await asyncio.wait({task, asyncio.create_task(host.ready.wait())}, return_when=asyncio.FIRST_COMPLETED)
    if task.done():
        try:
            task.result()
        except OSError as exc:  # e.g. the port is taken
            raise UserError(
                f"cannot listen on {bind}:{port} ({exc.strerror or exc}); is another host running? "
                "choose another --port"
            ) from None
    web_server = None
    if web:
        from ..room.web import WebSeats

        web_server = WebSeats(f"ws://{_connect_host(bind)}:{host.port}", tokens, bind, web_port, lang)
        await web_server.start()
    _print_seats(room, tokens, bind, host.port, web_server, lang, journal)
    try:
        await task
    finally:
        if web_server is not None:
            await web_server.stop()
        room.close()
        print(
            f"drill host: stopped; journal {journal}  (drill host --resume {shlex.quote(str(journal))})",
            file=sys.stderr,
        )


def _connect_host(bind: str) -> str:
    return "127.0.0.1" if bind in ("0.0.0.0", "", "::") else bind


def _print_seats(room, tokens, bind, port, web_server, lang, journal) -> None:  # type: ignore[no-untyped-def]
    zh = lang == "zh"
    url = f"ws://{_connect_host(bind)}:{port}"
    print(
        ("推演主机已启动：" if zh else "Drill host running: ")
        + f"{url}  ·  "
        + ("推演记录 " if zh else "journal ")
        + str(journal)
    )
    for seat, token in tokens.items():
        label = room.roles.label(seat, lang)
        print(f"\n[{seat}] {label}")
        print(f"  drill join {url} --seat {seat} --token {token} --lang {lang}")
        if web_server is not None:
            print(f"  {web_server.url(seat)}")
    print(
        "\n"
        + (
            "时钟已暂停，由导调员开始。Ctrl+C 停止主机。"
            if zh
            else "The clock is paused until the facilitator starts it. Ctrl+C stops the host."
        ),
        flush=True,
    )


@click.command("join")
@click.argument("url")
@click.option("--seat", required=True, help="The seat to take (a role id, facilitator, evaluator or wall).")
@click.option(
    "--token",
    envvar="DRILL_TOKEN",
    required=True,
    help="The seat's token, as `drill host` printed it (or DRILL_TOKEN).",
)
@lang_option
@click.pass_context
def join_cmd(ctx: click.Context, url: str, seat: str, token: str, sub_lang: str | None) -> None:
    """Take one seat of a hosted drill (URL as `drill host` printed it: ws://HOST:PORT)."""
    if not url.startswith(("ws://", "wss://")):
        raise UserError(f"{url!r} is not a host address (ws://HOST:PORT, as drill host printed it)")
    lang = pick_lang(ctx, sub_lang)
    from tui.app import run_seat

    refused = run_seat(lang, url, seat, token)
    if refused:
        raise UserError(f"the host did not take the seat: {refused}")


@click.command("debrief")
@click.argument("journal", type=JOURNAL)
@click.option(
    "--force", is_flag=True, help="Open it even if the plan or scenario file, or the model, changed since."
)
@lang_option
@click.pass_context
def debrief_cmd(ctx: click.Context, journal: Path, force: bool, sub_lang: str | None) -> None:
    """Open the debrief of the drill in JOURNAL (played to its end with no further decisions)."""
    from ..journal import JournalError
    from ..room.room import resume_room

    lang = pick_lang(ctx, sub_lang)
    if not journal.exists():
        raise UserError(f"{journal}: no such journal")
    try:
        room = resume_room(journal, force=force, reopen=False).room  # reading never writes to it
    except JournalError as exc:
        raise UserError(str(exc)) from None
    room.port.advance(room.port.horizon)
    from tui.app import run_debrief

    run_debrief(lang, room)
