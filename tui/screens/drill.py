"""The drill: clock, feed, incidents, heat, teams, officials, venues, milestones, decisions."""

from __future__ import annotations

import dataclasses
import time
from functools import partial
from typing import TYPE_CHECKING, Any, ClassVar

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.command import Hit, Hits, Provider
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import DataTable, Footer, OptionList, RichLog, Static
from textual.widgets.option_list import Option

from sim.engine import decisions as D
from sim.engine.snapshot import Snapshot
from sim.spec.plan import LEVELS

from ..i18n import CATALOGS, tr
from ..model import (
    DECISION_KEYS,
    SPEEDS,
    TICK_S,
    TRAINEE_DECISIONS,
    Session,
    countdown,
    dlabel,
    feed_lines,
    first_valid,
    fmt_min,
    level_label,
    names,
    reason_text,
    sparkline,
)
from .common import localize_bindings
from .modals import DecisionModal, InjectModal

if TYPE_CHECKING:
    from ..app import DrillApp

END_CONFIRM_S = 4.0  # a second q within this many seconds ends the drill early
ALARM_KINDS = {
    "escalation",
    "injury",
    "self_harm",
    "milestone_missed",
    "copycat_gathering",
    "livestream_started",
}
GOOD_KINDS = {"milestone_met", "individual_resolved", "response_ended", "group_dispersed"}


class DecisionCommands(Provider):
    """Every decision in the command palette, matched on zh and en labels and aliases."""

    async def search(self, query: str) -> Hits:
        screen = self.screen
        if not isinstance(screen, DrillScreen):
            return
        matcher = self.matcher(query)
        lang = screen.lang
        for cls in (*TRAINEE_DECISIONS, D.FacilitatorInject):
            shown = cls.label_zh if lang == "zh" else cls.label_en
            other = cls.label_en if lang == "zh" else cls.label_zh
            haystack = f"{shown} {other} {' '.join(cls.aliases)} {cls.kind}"
            score = max(matcher.match(shown), matcher.match(other), matcher.match(haystack) * 0.8)
            if score > 0:
                yield Hit(
                    score,
                    matcher.highlight(shown),
                    partial(screen.open_decision, cls.kind),
                    text=shown,
                    help=f"{other} · {', '.join(cls.aliases)}",
                )

    async def discover(self) -> Hits:
        screen = self.screen
        if not isinstance(screen, DrillScreen):
            return
        from textual.command import DiscoveryHit

        for cls in (*TRAINEE_DECISIONS, D.FacilitatorInject):
            shown = cls.label_zh if screen.lang == "zh" else cls.label_en
            yield DiscoveryHit(shown, partial(screen.open_decision, cls.kind), text=shown)


def _t(value: Any, style: str = "") -> Text:
    return Text(str(value), style=style)


def _decision_bindings() -> list[Binding]:
    out = []
    for cls in TRAINEE_DECISIONS:
        out.append(
            Binding(
                DECISION_KEYS[cls.kind],
                f"decide('{cls.kind}')",
                cls.label_en,  # replaced per language in DrillScreen.__init__
                id=f"decide_{cls.kind}",
            )
        )
    return out


class DrillScreen(Screen[None]):
    COMMANDS: ClassVar[set[type[Provider]]] = {DecisionCommands}
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("space", "toggle_pause", "key.pause", id="toggle_pause"),
        Binding("1", "speed(0)", "key.speed", id="speed_1", key_display="1-4"),
        Binding("2", "speed(1)", "key.speed", id="speed_2", show=False),
        Binding("3", "speed(2)", "key.speed", id="speed_3", show=False),
        Binding("4", "speed(3)", "key.speed", id="speed_4", show=False),
        Binding("n", "step", "key.step", id="step"),
        Binding("d", "decision_panel", "key.decide", id="decision_panel"),
        Binding("i", "inject", "key.inject", id="facilitator_inject"),
        Binding("q", "end_drill", "key.end", id="end_drill"),
        *_decision_bindings(),
    ]

    def __init__(self, lang: str, session: Session) -> None:
        super().__init__()
        self.lang = lang
        self.session = session
        self.paused = True
        self.speed_index = 1
        self.available: frozenset[str] = frozenset()
        self.snap: Snapshot | None = None
        self._rows: dict[str, set[str]] = {}
        self._end_asked = -1e9
        localize_bindings(self, lang)
        for key, bindings in self._bindings.key_to_bindings.items():
            fixed = []
            for b in bindings:
                if b.id and b.id.startswith("decide_"):
                    cls = D.BY_KIND[b.id.removeprefix("decide_")]
                    b = dataclasses.replace(b, description=dlabel(cls, lang))
                elif b.id == "speed_1":
                    b = dataclasses.replace(b, description="×" + "/".join(str(s) for s in SPEEDS))
                fixed.append(b)
            self._bindings.key_to_bindings[key] = fixed

    @property
    def drill(self):  # type: ignore[no-untyped-def]
        return self.session.drill

    @property
    def speed(self) -> int:
        return SPEEDS[self.speed_index]

    # --- layout ----------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        lang = self.lang
        yield Static(id="clock")
        with Horizontal(id="drill-main"):
            with VerticalScroll(id="drill-left"):
                yield self._table(
                    "incidents",
                    "panel.incidents",
                    ["incident", "heads", "mood", "trend", "state"],
                    {"incident": 24},
                )
                yield self._table(
                    "topics", "panel.topics", ["topic", "heat", "threshold", "trend"], {"topic": 28}
                )
                yield self._table(
                    "teams", "panel.teams", ["team", "on_site", "busy", "en_route", "off_duty"], {"team": 24}
                )
                yield self._table("officials", "panel.officials", ["official", "status"], {"official": 30})
                yield self._table("venues", "panel.venues", ["venue", "occupancy", "status"], {"venue": 26})
            with Vertical(id="drill-right"):
                yield self._table(
                    "milestones", "panel.milestones", ["level", "milestone", "countdown"], {"milestone": 46}
                )
                with Horizontal(id="drill-bottom"):
                    panel = OptionList(id="decisions")
                    panel.border_title = tr(lang, "panel.decisions")
                    yield panel
                    feed = RichLog(id="feed", markup=False, wrap=True, highlight=False, min_width=20)
                    feed.border_title = tr(lang, "panel.feed")
                    feed.can_focus = False
                    yield feed
        yield Footer()

    def _table(
        self, name: str, title_key: str, cols: list[str], widths: dict[str, int] | None = None
    ) -> DataTable[Text]:
        table: DataTable[Text] = DataTable(id=name, cursor_type="none", show_cursor=False, classes="panel")
        table.can_focus = False
        table.border_title = tr(self.lang, title_key)
        for col in cols:
            table.add_column(tr(self.lang, f"col.{col}"), key=col, width=(widths or {}).get(col))
        return table

    def on_mount(self) -> None:
        panel = self.query_one("#decisions", OptionList)
        for cls in TRAINEE_DECISIONS:
            panel.add_option(Option(self._panel_prompt(cls, False), id=cls.kind))
        panel.add_option(Option(self._panel_prompt(D.FacilitatorInject, True), id=D.FacilitatorInject.kind))
        panel.focus()
        self.timer = self.set_interval(TICK_S, self.advance)
        self.refresh_view()
        width, height = self.app.size
        if width < 150 or height < 44:
            self.notify(
                tr(self.lang, "note.small_terminal", w=width, h=height), severity="warning", timeout=10
            )

    def _panel_prompt(self, cls: type[D.Decision], ok: bool) -> Text:
        key = DECISION_KEYS.get(cls.kind, "i")
        text = Text()
        text.append("✓ " if ok else "  ", style="bold green")
        text.append(f"{key} ", style="bold" if ok else "dim")
        text.append(dlabel(cls, self.lang), style="" if ok else "dim")
        return text

    # --- the clock -------------------------------------------------------------------

    def advance(self) -> None:
        """One clock tick: the drill moves on by speed × tick (the timer calls this)."""
        if self.paused or self.drill.finished:
            return
        self.drill.advance(min(self.drill.now + self.speed * TICK_S, self.drill.horizon))
        if self.drill.finished:
            self.paused = True
            self.notify(markup=False, message=tr(self.lang, "note.finished"))
        self.refresh_view()

    def action_toggle_pause(self) -> None:
        if self.drill.finished:
            return
        self.paused = not self.paused
        self.refresh_view()

    def action_speed(self, index: int) -> None:
        self.speed_index = index
        if not self.drill.finished:
            self.paused = False
        self.refresh_view()

    def action_step(self) -> None:
        """Advance to the next event worth narrating (or the horizon)."""
        self.drill.advance_to_news(self.drill.horizon)
        self.refresh_view()

    # --- decisions ---------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "decide" and parameters:
            return str(parameters[0]) in self.available
        if action in ("toggle_pause", "speed", "step"):
            return not self.drill.finished
        if action == "inject":
            return not self.drill.finished
        return True

    def action_decide(self, kind: str) -> None:
        self.open_decision(kind)

    def action_decision_panel(self) -> None:
        self.query_one("#decisions", OptionList).focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        if event.option.id:
            self.open_decision(event.option.id)

    def open_decision(self, kind: str) -> None:
        if kind == D.FacilitatorInject.kind:
            self.action_inject()
            return
        cls = D.BY_KIND[kind]
        self.app.push_screen(DecisionModal(self.lang, self.session, cls), self._decided)

    def action_inject(self) -> None:
        self.app.push_screen(InjectModal(self.lang, self.session), self._decided)

    def _decided(self, decision: D.Decision | None) -> None:
        if decision is None:
            return
        self.take(decision)

    def take(self, decision: D.Decision) -> bool:
        """Take ``decision`` now; a refusal is shown with its reason and changes nothing."""
        lang = self.lang
        outcome = self.session.decide(decision)
        labels = names(self.drill, self.snap or self.drill.snapshot(), lang)
        from ..model import decision_text

        label = decision_text(decision, lang, labels)
        if not outcome.accepted:
            self.notify(
                markup=False,
                message=tr(lang, "note.refused", reason=reason_text(outcome.reason, lang)),
                severity="error",
                timeout=8,
            )
            return False
        if outcome.takes_min:
            self.notify(
                markup=False,
                message=tr(lang, "note.accepted_takes", label=label, min=fmt_min(outcome.takes_min)),
            )
        else:
            self.notify(markup=False, message=tr(lang, "note.accepted", label=label))
        self.refresh_view()
        return True

    def action_end_drill(self) -> None:
        """End the drill and go to the debrief; before the horizon, ask for a second press."""
        now = time.monotonic()
        if not self.drill.finished and now - self._end_asked > END_CONFIRM_S:
            self._end_asked = now
            self.notify(
                tr(self.lang, "note.end_confirm"), severity="warning", timeout=END_CONFIRM_S, markup=False
            )
            return
        app: DrillApp = self.app  # type: ignore[assignment]
        self.timer.pause()
        app.show_debrief()

    # --- rendering -----------------------------------------------------------------------

    def refresh_view(self) -> None:
        drill, lang = self.drill, self.lang
        snap = self.snap = drill.snapshot()
        labels = names(drill, snap, lang)
        self._clock(snap)
        now = snap.t
        rows = []
        for inc in snap.incidents:
            state = tr(lang, f"inc.{inc.status}") if f"inc.{inc.status}" in CATALOGS["en"] else inc.status
            style = {"harmed": "bold red", "resolved": "green", "over": "dim"}.get(inc.status, "")
            if inc.escalated:
                state = tr(lang, "inc.escalated" if inc.kind == "group_visit" else "inc.livestreaming")
                style = "bold red"
            mood_style = "red" if inc.mood >= 0.7 else ("yellow" if inc.mood >= 0.5 else "")
            rows.append(
                (
                    inc.id,
                    [
                        _t(inc.label.get(lang), "dim" if inc.over or not inc.started else ""),
                        _t(inc.head_count),
                        _t(f"{inc.mood:.2f}", mood_style),
                        _t(sparkline(inc.history, 12, 1.0), mood_style or "cyan"),
                        _t(state, style),
                    ],
                )
            )
        self._fill("incidents", rows)
        rows = []
        for topic in snap.topics:
            hot = topic.threshold is not None and topic.heat >= topic.threshold
            top = max([*topic.history, topic.threshold or 0, 1.0])
            rows.append(
                (
                    topic.id,
                    [
                        _t(topic.label.get(lang)),
                        _t(f"{topic.heat:,.0f}", "bold red" if hot else ""),
                        _t("–" if topic.threshold is None else f"{topic.threshold:,.0f}"),
                        _t(sparkline(topic.history, 12, top), "red" if hot else "magenta"),
                    ],
                )
            )
        self._fill("topics", rows)
        rows = []
        for team in snap.teams:
            en_route = str(team.en_route)
            if team.en_route and team.next_eta is not None:
                en_route = tr(lang, "team.en_route", n=team.en_route, eta=fmt_min(team.next_eta - now))
            rows.append(
                (
                    team.id,
                    [
                        _t(team.label.get(lang)),
                        _t(team.idle + team.busy),
                        _t(team.busy),
                        _t(en_route, "yellow" if team.en_route else ""),
                        _t(team.off_duty, "dim"),
                    ],
                )
            )
        self._fill("teams", rows)
        rows = []
        for off in snap.officials:
            if off.status == "on_site":
                status = (
                    tr(lang, "off.engaged", who=labels.get(off.engaged_with, off.engaged_with))
                    if off.engaged_with
                    else tr(lang, "off.on_site")
                )
                style = "green"
            elif off.status == "en_route":
                status, style = tr(lang, "off.en_route", eta=fmt_min((off.eta or now) - now)), "yellow"
            else:
                status, style = tr(lang, "off.away"), "dim"
            rows.append((off.id, [_t(off.label.get(lang)), _t(status, style)]))
        self._fill("officials", rows)
        rows = []
        for v in snap.venues:
            if v.open:
                status, style = tr(lang, "venue.open"), "green"
                if v.reps_of:
                    status = tr(lang, "venue.reps", who=labels.get(v.reps_of, v.reps_of))
            elif v.opening_eta is not None:
                status, style = tr(lang, "venue.opening", eta=fmt_min(v.opening_eta - now)), "yellow"
            else:
                status, style = tr(lang, "venue.closed"), "dim"
            full = "bold red" if v.occupancy >= v.capacity else ""
            rows.append(
                (v.id, [_t(v.label.get(lang)), _t(f"{v.occupancy}/{v.capacity}", full), _t(status, style)])
            )
        self._fill("venues", rows)
        rows = []
        for m in snap.milestones:
            text, style = countdown(m, now, snap.horizon, lang)
            dim = "dim" if style == "dim" else ""
            rows.append((m.id, [_t(m.level or "·", dim), _t(m.label.get(lang), dim), _t(text, style)]))
        self._fill("milestones", rows)
        self._feed(labels)
        self._decisions(snap)

    def _clock(self, snap: Snapshot) -> None:
        lang = self.lang
        drill = self.drill
        if drill.finished:
            state = Text(tr(lang, "clock.finished"), style="bold")
        elif self.paused:
            state = Text(tr(lang, "clock.paused"), style="bold yellow")
        else:
            state = Text(tr(lang, "clock.running", speed=self.speed), style="bold green")
        line = Text()
        line.append_text(state)
        line.append("  ")
        line.append(
            tr(
                lang,
                "clock.line",
                state="",
                wall=snap.wall,
                elapsed=fmt_min(snap.t),
                horizon=fmt_min(snap.horizon),
            ).strip(),
            style="bold",
        )
        line.append("  ")
        if snap.level:
            line.append(
                tr(lang, "clock.level", level=level_label(drill, snap.level, lang)), style="bold cyan"
            )
        else:
            line.append(tr(lang, "clock.no_level"), style="dim")
        if snap.level_pending:
            line.append(tr(lang, "clock.level_pending", level=snap.level_pending))
        if snap.recommended and (
            snap.level is None or LEVELS.index(snap.recommended) > LEVELS.index(snap.level)
        ):
            line.append(tr(lang, "clock.required", level=snap.recommended), style="bold yellow")
        line.append("\n")
        line.append(tr(lang, "clock.journal", path=str(self.session.journal_path or "–")), style="dim")
        self.query_one("#clock", Static).update(line)

    def _fill(self, name: str, rows: list[tuple[str, list[Text]]]) -> None:
        """Rows keyed by id, updated in place; new ids are added."""
        table = self.query_one(f"#{name}", DataTable)
        known = self._rows.setdefault(name, set())
        keys = [c.key for c in table.columns.values()]
        for row_key, cells in rows:
            if row_key in known:
                for col, cell in zip(keys, cells, strict=False):
                    table.update_cell(row_key, col, cell, update_width=True)
            else:
                table.add_row(*cells, key=row_key, height=None)  # long labels wrap, never cut
                known.add(row_key)
        table.display = bool(known)

    def _feed(self, labels: dict[str, str]) -> None:
        log = self.query_one("#feed", RichLog)
        entries = self.drill.log.entries
        new = entries[self.session.feed_index :]
        self.session.feed_index = len(entries)
        wall_of = self._wall
        for t, kind, text in feed_lines(new, self.lang, labels):
            style = "bold red" if kind in ALARM_KINDS else ("green" if kind in GOOD_KINDS else "")
            if kind == "inject":
                style = "bold yellow"
            elif kind == "decision":
                style = "cyan"
            # a grid keeps the time in its own column and wraps the text under itself
            row = Table.grid(padding=(0, 1), expand=True)
            row.add_column(no_wrap=True, style="dim")
            row.add_column(ratio=1, overflow="fold")
            row.add_row(Text(wall_of(t)), Text(text, style=style))
            log.write(row, expand=True)

    def _wall(self, t: float) -> str:
        from sim.engine.snapshot import wall_clock

        return wall_clock(self.drill.scenario.wall_start, t)

    def _decisions(self, snap: Snapshot) -> None:
        available = frozenset(
            cls.kind for cls in TRAINEE_DECISIONS if first_valid(cls, self.drill, snap, self.lang) is not None
        )
        if available != self.available:
            panel = self.query_one("#decisions", OptionList)
            for cls in TRAINEE_DECISIONS:
                ok = cls.kind in available
                if ok != (cls.kind in self.available) or not self.available:
                    panel.replace_option_prompt(cls.kind, self._panel_prompt(cls, ok))
            self.available = available
            self.refresh_bindings()
