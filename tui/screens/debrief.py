"""The debrief: scorecard beside the plan-following policy's, outcomes, decisions; save log and report."""

from __future__ import annotations

from functools import partial
from pathlib import Path
from typing import Any, ClassVar

from rich.cells import cell_len
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Static

from sim.engine.drill import Drill
from sim.present import OUTCOMES, STATUS, STYLE, status_text

from ..i18n import tr
from ..model import Session, decision_text, fmt_min, names
from .common import localize_bindings


def _cell(m: Any, lang: str) -> Text:
    if m is None:
        return Text(tr(lang, "debrief.computing"), style="dim")
    status = status_text(m.status, lang)
    text = (
        tr(lang, "debrief.took", status=status, m=fmt_min(m.after_min)) if m.after_min is not None else status
    )
    return Text(text, style=STYLE.get(m.status, ""))


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

    def __init__(self, lang: str, session: Session) -> None:
        super().__init__()
        self.lang = lang
        self.session = session
        self.plan_drill: Drill | None = None
        self.log_path: Path | None = None
        self.report_path: Path | None = None
        localize_bindings(self, lang)

    def compose(self) -> ComposeResult:
        lang, drill = self.lang, self.session.drill
        with VerticalScroll(id="debrief"):
            yield Static(Text(tr(lang, "debrief.title", title=drill.scenario.title.get(lang)), style="bold"))
            yield Static(
                Text(
                    tr(
                        lang,
                        "debrief.meta",
                        unit=drill.plan.unit.get(lang),
                        seed=self.session.seed,
                        journal=str(self.session.journal_path or "–"),
                    ),
                    style="dim",
                )
            )
            yield Static(id="counts")
            card = DataTable(id="scorecard", cursor_type="none", show_cursor=False, classes="panel")
            card.border_title = tr(lang, "debrief.scorecard")
            card.can_focus = False
            yield card
            with Horizontal(id="debrief-bottom"):
                outcomes = DataTable(id="outcomes", cursor_type="none", show_cursor=False, classes="panel")
                outcomes.border_title = tr(lang, "debrief.outcomes")
                outcomes.can_focus = False
                yield outcomes
                taken = DataTable(id="taken", cursor_type="none", show_cursor=False, classes="panel")
                taken.border_title = tr(lang, "debrief.decisions")
                taken.can_focus = False
                yield taken
        yield Footer()

    def on_mount(self) -> None:
        lang, drill = self.lang, self.session.drill
        card = self.query_one("#scorecard", DataTable)
        # result columns get their final width now: the plan's results arrive later from a worker
        result_width = max(
            cell_len(tr(lang, "debrief.took", status=status_text(status, lang), m="9999"))
            for status in STATUS
        )
        for key in ("level", "milestone", "limit", "yours", "plan"):
            heading = tr(lang, f"debrief.col.{key}")
            width = max(result_width, cell_len(heading)) if key in ("yours", "plan") else None
            card.add_column(heading, key=key, width=width)
        for m in drill.scorecard().milestones:
            limit = f"{m.deadline_min:g}" + ("*" if m.assumed else "")
            card.add_row(
                Text(m.level or "·"),
                Text(m.label(lang)),
                Text(limit),
                _cell(m, lang),
                _cell(None, lang),
                key=m.id,
            )
        outcomes = self.query_one("#outcomes", DataTable)
        outcomes.add_column(tr(lang, "debrief.col.figure"), key="figure")
        for key in ("yours", "plan"):
            heading = tr(lang, f"debrief.col.{key}")
            outcomes.add_column(heading, key=key, width=max(cell_len(heading), 12))
        mine = drill.scorecard().outcomes
        for key, (lzh, len_) in OUTCOMES.items():
            if key in mine:
                outcomes.add_row(
                    Text(lzh if lang == "zh" else len_),
                    Text(_value(mine[key])),
                    Text(tr(lang, "debrief.computing"), style="dim"),
                    key=key,
                )
        taken = self.query_one("#taken", DataTable)
        taken.add_column(tr(lang, "debrief.col.t"), key="t")
        taken.add_column(tr(lang, "debrief.col.decision"), key="decision")
        labels = names(drill, drill.snapshot(), lang)
        for n, (t, decision) in enumerate(self.session.taken):
            taken.add_row(Text(fmt_min(t)), Text(decision_text(decision, lang, labels)), key=str(n))
        if not self.session.taken:
            taken.add_row(Text(""), Text(tr(lang, "debrief.no_decisions"), style="dim"), key="none")
        self._counts()
        self.compare()

    def _counts(self) -> None:
        lang = self.lang
        mine = self.session.drill.scorecard().counts()
        if self.plan_drill is None:
            text = tr(lang, "debrief.counts_wait", met=mine["met"], missed=mine["missed"])
        else:
            theirs = self.plan_drill.scorecard().counts()
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
        """The same scenario and seed played by the plan-following policy (slow: a thread)."""
        from sim.engine.batch import play_policy

        drill = self.session.drill
        try:
            result = play_policy(drill.plan, drill.scenario, self.session.seed, "plan")
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
        self.app.call_from_thread(self.show_plan, result)

    def show_plan(self, plan_drill: Drill) -> None:
        self.plan_drill = plan_drill
        lang = self.lang
        card = self.query_one("#scorecard", DataTable)
        for m in plan_drill.scorecard().milestones:
            try:
                card.update_cell(m.id, "plan", _cell(m, lang))
            except Exception:
                continue
        outcomes = self.query_one("#outcomes", DataTable)
        theirs = plan_drill.scorecard().outcomes
        for key in OUTCOMES:
            if key in theirs:
                try:
                    outcomes.update_cell(key, "plan", Text(_value(theirs[key])))
                except Exception:
                    continue
        self._counts()

    def action_save_log(self) -> None:
        drill = self.session.drill
        base = self.session.journal_path or Path(f"{drill.scenario.id}-{self.session.seed}.jsonl")
        path = base.with_name(base.name.removesuffix(".jsonl") + ".log.jsonl")
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            with open(path, "w", encoding="utf-8") as fh:
                drill.write_log(fh)
        except OSError as exc:
            self.notify(
                markup=False, message=tr(self.lang, "note.save_failed", error=str(exc)), severity="error"
            )
            return
        self.log_path = path
        self.notify(markup=False, message=tr(self.lang, "note.log_saved", path=str(path)), timeout=10)

    def action_write_report(self) -> None:
        journal = self.session.journal_path
        try:
            from sim.report import build_report  # written by another engineer; may not exist yet
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
        self.write_report(build_report, journal)

    @work(thread=True, exclusive=True, group="report")
    def write_report(self, build_report: Any, journal: Path) -> None:
        """The report replays the drill and its counterfactuals: slow, so in a thread."""
        try:
            path = build_report(journal, "md", self.lang, None)
        except Exception as exc:
            message, severity = tr(self.lang, "note.report_failed", error=str(exc)), "error"
        else:
            self.report_path = Path(path)
            message, severity = tr(self.lang, "note.report_written", path=str(path)), "information"
        self.app.call_from_thread(partial(self.notify, message, severity=severity, timeout=12, markup=False))

    def action_quit_app(self) -> None:
        self.app.exit()
