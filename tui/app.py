"""The Textual apps: ``drill play`` (one keyboard, every role), ``drill join``
(one seat of a hosted drill: a role, the facilitator, an evaluator or the wall)
and ``drill debrief`` (a finished drill's debrief from its journal).

Terminal notes: the drill screen is laid out for 120×40 or larger. Chinese
text is wide (two cells a character); the sparklines use block elements
(▁…█), which Unicode marks "ambiguous" width, so the terminal must treat
ambiguous-width characters as narrow (the default in most terminals).
All data text (labels, injects, reasons) is rendered as rich Text, never markup.
"""

from __future__ import annotations

from pathlib import Path

from textual.app import App

from sim.room.clock import TimeSource, monotonic
from sim.room.roles import WALL
from sim.room.room import Room, new_room, resume_room

from .i18n import tr
from .link import LocalLink, RemoteLink
from .model import DEFAULT_SCENARIO, default_journal_path, list_scenarios
from .screens.briefing import BriefingScreen
from .screens.debrief import DebriefScreen
from .screens.drill import DrillScreen
from .screens.pick import PickScreen
from .screens.wall import WallScreen


class DrillApp(App[None]):
    """``drill play``: pick → briefing → drill → debrief, one seat holding every role."""

    CSS_PATH = "app.tcss"
    ENABLE_COMMAND_PALETTE = True

    def __init__(
        self,
        lang: str = "zh",
        scenario: str | None = None,
        plan: str | None = None,
        seed: int | None = None,
        journal: Path | None = None,
        resume: Path | None = None,
        time: TimeSource = monotonic,
    ) -> None:
        super().__init__()
        self.lang = lang
        self.scenario_arg = scenario
        self.plan_arg = plan
        self.seed = 1 if seed is None else seed
        self.journal_arg = journal
        self.resume_arg = resume
        self.time = time
        self.room: Room | None = None
        self.link: LocalLink | None = None
        self.title = tr(lang, "app.title")

    def on_mount(self) -> None:
        if self.resume_arg is not None:
            self.room = resume_room(self.resume_arg, self.time).room
            self.link = LocalLink(self.room)
            self.push_screen(DrillScreen.make(self.lang, self.link, self.time))
            self.notify(
                markup=False,
                message=tr(
                    self.lang,
                    "note.resumed",
                    path=str(self.resume_arg),
                    at=self.room.port.wall(self.room.port.now),
                ),
            )
        elif self.scenario_arg is not None:
            self.start_briefing(self.scenario_arg, self.plan_arg, self.seed, push=True)
        else:
            self.push_screen(self._pick())

    def _pick(self) -> PickScreen:
        return PickScreen.make(self.lang, list_scenarios(), DEFAULT_SCENARIO, self.plan_arg, self.seed)

    def start_briefing(self, scenario: str, plan: str | None, seed: int, push: bool = False) -> None:
        self.seed = seed
        self.room = new_room(scenario, plan, seed, None, self.time)
        screen = BriefingScreen.make(self.lang, self.room)
        if push:
            self.push_screen(screen)
        else:
            self.switch_screen(screen)

    def back_to_pick(self) -> None:
        self.switch_screen(self._pick())

    def start_drill(self) -> None:
        room = self.room
        assert room is not None
        if room.writer is None:
            path = self.journal_arg or default_journal_path(room.port.scenario.id, room.seed)
            try:
                room.open_journal(path)
            except (OSError, FileExistsError) as exc:
                self.notify(
                    markup=False,
                    message=tr(self.lang, "note.journal_failed", error=str(exc)),
                    severity="error",
                    timeout=15,
                )
        room.start()
        self.link = LocalLink(room)
        self.switch_screen(DrillScreen.make(self.lang, self.link, self.time))
        self.notify(markup=False, message=tr(self.lang, "note.paused"), timeout=8)

    def show_debrief(self) -> None:
        room = self.room
        assert room is not None
        port = room.port
        if not port.finished:
            t = port.now
            if room.writer is not None:
                room.writer.note(t, "ended_early", at=t)
            port.advance(port.horizon)
            self.notify(markup=False, message=tr(self.lang, "note.ended_early", at=port.wall(t)), timeout=8)
        if room.writer is not None:
            room.writer.note(port.now, "debrief")
        self.switch_screen(DebriefScreen.make(self.lang, room, self.time))

    def on_unmount(self) -> None:
        if self.room is not None:
            self.room.close()


class SeatApp(App[None]):
    """``drill join``: one seat of a hosted drill."""

    CSS_PATH = "app.tcss"
    ENABLE_COMMAND_PALETTE = True

    def __init__(self, lang: str, url: str, seat: str, token: str, time: TimeSource = monotonic) -> None:
        super().__init__()
        self.lang = lang
        self.url = url
        self.seat = seat
        self.token = token
        self.time = time
        self.link: RemoteLink | None = None
        self.join_error: str | None = None
        self.title = tr(lang, "app.title")

    async def on_mount(self) -> None:
        from sim.room.client import JoinError

        try:
            self.link = await RemoteLink.join(self.url, self.seat, self.token, self._changed)
        except JoinError as exc:
            self.join_error = str(exc)
            self.exit(return_code=2)
            return
        if self.link.seat.name == WALL:
            await self.push_screen(WallScreen.make(self.lang, self.link, self.time))
        else:
            await self.push_screen(DrillScreen.make(self.lang, self.link, self.time))

    def _changed(self) -> None:
        screen = self.screen
        if isinstance(screen, (DrillScreen, WallScreen)):
            screen.remote_changed()

    async def on_unmount(self) -> None:
        if self.link is not None:
            await self.link.close()


class DebriefApp(App[None]):
    """``drill debrief JOURNAL``: a drill's debrief, any time after it was played."""

    CSS_PATH = "app.tcss"

    def __init__(self, lang: str, room: Room, time: TimeSource = monotonic) -> None:
        super().__init__()
        self.lang = lang
        self.room = room
        self.time = time
        self.title = tr(lang, "app.title")

    def on_mount(self) -> None:
        self.push_screen(DebriefScreen.make(self.lang, self.room, self.time))


def run_app(
    lang: str,
    scenario: str | None = None,
    plan: str | None = None,
    seed: int | None = None,
    journal: Path | None = None,
    resume: Path | None = None,
) -> None:
    """Run the drill app (``drill play``; ``drill resume`` calls it with ``resume``)."""
    DrillApp(lang, scenario, plan, seed, journal, resume).run()


def run_seat(lang: str, url: str, seat: str, token: str) -> str | None:
    """Run one seat (``drill join``); returns why the host refused it, if it did."""
    app = SeatApp(lang, url, seat, token)
    app.run()
    return app.join_error


def run_debrief(lang: str, room: Room) -> None:
    DebriefApp(lang, room).run()
