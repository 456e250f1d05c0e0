"""The debrief: your scorecard beside the plan-following policy's (given the
same facilitator injects), the outcome figures, the team's decisions by seat,
the facilitator's injects and the evaluators' notes; save the log, write the
report (with its progress shown)."""

from __future__ import annotations

import math
from functools import partial
from pathlib import Path
from typing import Any, ClassVar

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.notifications import SeverityLevel
from textual.screen import Screen
from textual.widgets import DataTable, Footer, ProgressBar, Static

from sim.fairness import system_ids
from sim.present import OUTCOMES, STYLE, span_text, status_text
from sim.room.clock import TimeSource
from sim.room.engine import plan_policy_drill
from sim.room.room import Room

from ..i18n import tr
from ..model import at, clock_of, decision_text, minutes_up, names
from .common import Confirm, localized


def _value(value: Any) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:,.0f}"
    return str(value)


class DebriefScreen(Screen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("s", "save_log", "key.save_log", id="save_log"),
        Binding("r", "write_report", "key.report", id="write_report"),
        Binding("q", "quit_app", "key.quit", id="quit"),
    ]

    def __init__(self, lang: str, room: Room, time: TimeSource) -> None:
        super().__init__()
        self.lang = lang
        self.room = room
        self.plan_card: Any = None
        self.log_path: Path | None = None
        self.report_path: Path | None = None
        self.quit_confirm = Confirm(time)

    @classmethod
    def make(cls, lang: str, room: Room, time: TimeSource) -> DebriefScreen:
        return localized(cls, lang)(lang, room, time)

    def compose(self) -> ComposeResult:
        lang, port = self.lang, self.room.port
        with VerticalScroll(id="debrief"):
            yield Static(Text(tr(lang, "debrief.title", title=port.scenario.title.get(lang)), style="bold"))
            yield Static(
                Text(
                    tr(
                        lang,
                        "debrief.meta",
                        unit=port.plan.unit.get(lang),
                        seed=self.room.seed,
                        journal=str(self.room.journal_path or "–"),
                    ),
                    style="dim",
                )
            )
            yield Static(id="counts")
            yield ProgressBar(id="report-progress", show_eta=True)
            yield self._table("scorecard", "debrief.scorecard")
            with Horizontal(id="debrief-bottom"):
                yield self._table("outcomes", "debrief.outcomes")
                yield self._table("taken", "debrief.decisions")
            with Horizontal(id="debrief-more"):
                yield self._table("injects", "debrief.injects")
                yield self._table("notes", "debrief.notes")
        yield Footer()

    def _table(self, id_: str, title: str) -> DataTable[Text]:
        table: DataTable[Text] = DataTable(id=id_, cursor_type="none", show_cursor=False, classes="panel")
        table.border_title = tr(self.lang, title)
        table.can_focus = False
        return table

    def _result(self, m: Any) -> Text:
        lang = self.lang
        if m is None:
            return Text(tr(lang, "debrief.computing"), style="dim")
        shown = "undecided" if m.status == "pending" else str(m.status)  # open when the drill ended
        status = status_text(shown, lang)
        if m.after_min is not None and m.status in ("met", "missed"):
            return Text(
                tr(lang, "debrief.took", status=status, m=minutes_up(m.after_min)),
                style=STYLE.get(shown, ""),
            )
        return Text(status, style=STYLE.get(shown, ""))

    def on_mount(self) -> None:
        lang, port = self.lang, self.room.port
        self.query_one("#report-progress", ProgressBar).display = False
        card = self.query_one("#scorecard", DataTable)
        for key in ("level", "milestone", "limit", "yours", "plan"):
            card.add_column(tr(lang, f"debrief.col.{key}"), key=key)
        system = system_ids(port.plan)
        for m in port.scorecard().milestones:
            limit = (
                # "30 min before the incident" for a limit set before it, never "-30 after"
                span_text(m.deadline_min, clock_of(port.plan, m.id), lang) + ("*" if m.assumed else "")
                if math.isfinite(m.deadline_min)
                else status_text("untimed", lang)  # the plan names the action, not a time
            )
            card.add_row(
                Text(m.level or "·"),
                Text(m.label(lang) + (tr(lang, "ms.system") if m.id in system else "")),
                Text(limit),
                self._result(m),
                self._result(None),
                key=m.id,
            )
        outcomes = self.query_one("#outcomes", DataTable)
        outcomes.add_column(tr(lang, "debrief.col.figure"), key="figure")
        for key in ("yours", "plan"):
            outcomes.add_column(tr(lang, f"debrief.col.{key}"), key=key)
        mine = port.scorecard().outcomes
        taken_list = port.team_decisions()
        for key, (lzh, len_) in OUTCOMES.items():
            if key in mine:
                value = len(taken_list) if key == "decisions" else mine[key]
                outcomes.add_row(
                    Text(lzh if lang == "zh" else len_),
                    Text(_value(value)),
                    Text(tr(lang, "debrief.computing"), style="dim"),
                    key=key,
                )
        labels = names(port.plan, port.snapshot(), lang)
        taken = self.query_one("#taken", DataTable)
        for key in ("t", "seat", "decision"):
            taken.add_column(tr(lang, f"debrief.col.{key}"), key=key)
        for n, (t, decision, seat) in enumerate(taken_list):
            who = self.room.roles.label(seat, lang) if seat else "–"
            taken.add_row(
                Text(at(port.scenario, t)),
                Text(who),
                Text(decision_text(decision, lang, port.plan, port.scenario)),
                key=str(n),
            )
        if not taken_list:
            taken.add_row(Text(""), Text(""), Text(tr(lang, "debrief.no_decisions"), style="dim"), key="none")
        injects = self.query_one("#injects", DataTable)
        injects.add_column(tr(lang, "debrief.col.t"), key="t")
        injects.add_column(tr(lang, "debrief.col.inject"), key="inject")
        for n, (t, zh, en) in enumerate(port.facilitator_injects()):
            injects.add_row(Text(at(port.scenario, t)), Text(zh if lang == "zh" else en), key=str(n))
        injects.display = bool(injects.row_count)
        notes = self.query_one("#notes", DataTable)
        notes.add_column(tr(lang, "debrief.col.t"), key="t")
        notes.add_column(tr(lang, "debrief.col.about"), key="about")
        notes.add_column(tr(lang, "debrief.col.note"), key="note")
        for n, note in enumerate(self.room.notes):
            about = note.about.get("milestone")
            notes.add_row(
                Text(at(port.scenario, note.t)),
                Text(labels.get(str(about), str(about)) if about else "–"),
                Text(note.text),
                key=str(n),
            )
        notes.display = bool(notes.row_count)
        self._counts()
        self.compare()

    def _counts(self) -> None:
        lang = self.lang
        mine = self.room.port.scorecard().counts()
        if self.plan_card is None:
            text = tr(lang, "debrief.counts_wait", met=mine["met"], missed=mine["missed"])
        else:
            theirs = self.plan_card.counts()
            text = tr(
                lang,
                "debrief.counts",
                met=mine["met"],
                missed=mine["missed"],
                pmet=theirs["met"],
                pmissed=theirs["missed"],
            )
        self.query_one("#counts", Static).update(Text(text, style="bold"))

    @work(thread=True, exclusive=True, group="compare")
    def compare(self) -> None:
        """The plan-following policy on the same scenario, seed and injects (slow: a thread)."""
        try:
            card = plan_policy_drill(self.room.port).scorecard()
        except Exception as exc:
            self.app.call_from_thread(
                partial(
                    self.notify,
                    tr(self.lang, "note.plan_failed", error=str(exc)),
                    severity="error",
                    markup=False,
                )
            )
            return
        self.app.call_from_thread(self.show_plan, card)

    def show_plan(self, card: Any) -> None:
        self.plan_card = card
        table = self.query_one("#scorecard", DataTable)
        for m in card.milestones:
            if m.id in {str(k.value) for k in table.rows}:
                table.update_cell(m.id, "plan", self._result(m), update_width=True)
        outcomes = self.query_one("#outcomes", DataTable)
        keys = {str(k.value) for k in outcomes.rows}
        for key, value in card.outcomes.items():
            if key in keys:
                outcomes.update_cell(key, "plan", Text(_value(value)), update_width=True)
        self._counts()

    def action_save_log(self) -> None:
        port = self.room.port
        base = self.room.journal_path or Path(f"{port.scenario.id}-{self.room.seed}.jsonl")
        path = base.with_name(base.name.removesuffix(".jsonl") + ".log.jsonl")
        try:
            from sim.files import atomic_output

            path.parent.mkdir(parents=True, exist_ok=True)
            with atomic_output(path, "w") as fh:  # the project's one way to write a file whole
                port.write_log(fh)
        except OSError as exc:
            self.notify(
                markup=False, message=tr(self.lang, "note.save_failed", error=str(exc)), severity="error"
            )
            return
        self.log_path = path
        self.notify(markup=False, message=tr(self.lang, "note.log_saved", path=str(path)), timeout=10)

    def action_write_report(self) -> None:
        journal = self.room.journal_path
        try:
            from sim.report import build_report
        except Exception as exc:
            self.notify(
                tr(self.lang, "note.report_missing", error=str(exc), path=str(journal)),
                severity="warning",
                timeout=12,
                markup=False,
            )
            return
        if journal is None:
            return
        self.notify(tr(self.lang, "note.report_started"), markup=False)
        bar = self.query_one("#report-progress", ProgressBar)
        bar.display = True
        bar.update(total=None, progress=0)
        self.write_report(build_report, journal)

    def _progress(self, done: int, total: int) -> None:
        self.query_one("#report-progress", ProgressBar).update(total=total, progress=done)

    @work(thread=True, exclusive=True, group="report")
    def write_report(self, build_report: Any, journal: Path) -> None:
        """The report replays the drill and its counterfactuals: slow, so in a thread, with progress."""

        def progress(done: int, total: int) -> None:
            self.app.call_from_thread(self._progress, done, total)

        severity: SeverityLevel
        try:
            path = build_report(journal, "md", self.lang, None, progress=progress)
        except Exception as exc:
            message, severity = tr(self.lang, "note.report_failed", error=str(exc)), "error"
        else:
            self.report_path = Path(path)
            message, severity = tr(self.lang, "note.report_written", path=str(path)), "information"
        self.app.call_from_thread(partial(self.notify, message, severity=severity, timeout=12, markup=False))

    def action_quit_app(self) -> None:
        if self.quit_confirm.second():
            self.app.exit()
        else:
            self.notify(
                tr(self.lang, "note.quit_confirm"),
                severity="warning",
                timeout=self.quit_confirm.window_s,
                markup=False,
            )
