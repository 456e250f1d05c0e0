"""``drill play``: the trainee's drill in a Textual app.

Pick → briefing → drill → debrief. Every accepted decision (and every
facilitator inject) is journaled as it is made; ``--resume`` rebuilds a drill
from its journal and goes on appending to it.

Terminal notes: the drill screen is laid out for 160×48 or larger. Chinese
text is wide (two cells a character); the sparklines use block elements
(▁…█), which Unicode marks "ambiguous" width, so the terminal must treat
ambiguous-width characters as narrow (the default in most terminals; in
iTerm2, Windows Terminal and tmux do not enable "ambiguous width = wide").
All data text (labels, injects, reasons) is rendered as rich Text, never markup.
"""

from __future__ import annotations

from pathlib import Path

from textual.app import App

from .i18n import tr
from .model import DEFAULT_SCENARIO, Session, list_scenarios
from .screens.briefing import BriefingScreen
from .screens.debrief import DebriefScreen
from .screens.drill import DrillScreen
from .screens.pick import PickScreen


class DrillApp(App[None]):
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
    ) -> None:
        super().__init__()
        self.lang = lang
        self.scenario_arg = scenario
        self.plan_arg = plan
        self.seed = 1 if seed is None else seed
        self.journal_arg = journal
        self.resume_arg = resume
        self.session: Session | None = None
        self.title = tr(lang, "app.title")

    def on_mount(self) -> None:
        if self.resume_arg is not None:
            self.session = Session.resume(self.resume_arg, self.lang)
            screen = DrillScreen(self.lang, self.session)
            self.push_screen(screen)
            self.notify(
                markup=False,
                message=tr(
                    self.lang, "note.resumed", path=str(self.resume_arg), t=f"{self.session.drill.now:.0f}"
                ),
            )
        elif self.scenario_arg is not None:
            self.start_briefing(self.scenario_arg, self.plan_arg, self.seed, push=True)
        else:
            self.push_screen(self._pick())

    def _pick(self) -> PickScreen:
        return PickScreen(self.lang, list_scenarios(), DEFAULT_SCENARIO, self.plan_arg, self.seed)

    def start_briefing(self, scenario: str, plan: str | None, seed: int, push: bool = False) -> None:
        self.seed = seed
        self.session = Session.new(scenario, plan, seed, self.lang)
        screen = BriefingScreen(self.lang, self.session)
        if push:
            self.push_screen(screen)
        else:
            self.switch_screen(screen)

    def back_to_pick(self) -> None:
        self.switch_screen(self._pick())

    def start_drill(self) -> None:
        assert self.session is not None
        try:
            self.session.open_journal(self.journal_arg)
        except (OSError, FileExistsError) as exc:
            self.notify(
                markup=False,
                message=tr(self.lang, "note.journal_failed", error=str(exc)),
                severity="error",
                timeout=15,
            )
        drill = self.session.drill
        if drill.now == 0 and not drill.log.entries:
            drill.advance(0)  # the first report and the injects at minute 0 (inclusive advance)
        self.switch_screen(DrillScreen(self.lang, self.session))
        self.notify(markup=False, message=tr(self.lang, "note.paused"), timeout=8)

    def show_debrief(self) -> None:
        session = self.session
        assert session is not None
        drill = session.drill
        if not drill.finished:
            t = drill.now
            session.note("ended_early", at=t)
            drill.advance(drill.horizon)
            self.notify(markup=False, message=tr(self.lang, "note.ended_early", t=f"{t:.0f}"), timeout=8)
        session.note("debrief")
        self.switch_screen(DebriefScreen(self.lang, session))

    def on_unmount(self) -> None:
        if self.session is not None:
            self.session.close()


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
