"""The wall view, for the projector: a large clock, the milestone board, the
incidents' figures and the feed. No decision forms, no hints, nothing that
gives the answer (not the level the situation calls for)."""

from __future__ import annotations

from typing import Any, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import DataTable, Digits, RichLog, Static

from sim.room.clock import TimeSource, speed_label

from ..i18n import tr
from ..link import Link
from ..model import Feed, at, level_label, milestone_text, names
from .common import Confirm, localized


class WallScreen(Screen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [Binding("q", "leave", "key.leave", id="leave")]

    def __init__(self, lang: str, link: Link, time: TimeSource) -> None:
        super().__init__()
        self.lang = lang
        self.link = link
        self.feed = Feed(lang, link.plan, link.scenario)
        self.confirm = Confirm(time)
        self._rows: dict[str, set[str]] = {}

    @classmethod
    def make(cls, lang: str, link: Link, time: TimeSource) -> WallScreen:
        return localized(cls, lang)(lang, link, time)

    def compose(self) -> ComposeResult:
        with Horizontal(id="wall-top"):
            yield Digits("--:--", id="wall-clock")
            yield Static(id="wall-state")
        with Horizontal(id="wall-main"):
            with Vertical(id="wall-left"):
                board: DataTable[Text] = DataTable(
                    id="wall-board", cursor_type="none", show_cursor=False, classes="panel"
                )
                board.border_title = tr(self.lang, "panel.milestones")
                board.add_column(tr(self.lang, "col.milestone"), key="milestone")
                board.add_column(tr(self.lang, "col.countdown"), key="countdown")
                yield board
                figures: DataTable[Text] = DataTable(
                    id="wall-figures", cursor_type="none", show_cursor=False, classes="panel"
                )
                figures.border_title = tr(self.lang, "panel.incidents")
                for col in ("incident", "heads", "state"):
                    figures.add_column(tr(self.lang, f"col.{col}"), key=col)
                yield figures
            feed = RichLog(id="wall-feed", markup=False, wrap=True, highlight=False)
            feed.border_title = tr(self.lang, "panel.feed")
            yield feed

    def on_mount(self) -> None:
        self.refresh_view()

    def remote_changed(self) -> None:
        self.refresh_view()

    def action_leave(self) -> None:
        if self.confirm.second():
            self.app.exit()
        else:
            self.notify(tr(self.lang, "note.leave_confirm"), severity="warning", markup=False)

    def _fill(self, name: str, rows: list[tuple[str, list[Text]]]) -> None:
        table = self.query_one(f"#{name}", DataTable)
        known = self._rows.setdefault(name, set())
        keys = [c.key for c in table.columns.values()]
        for key, cells in rows:
            if key in known:
                for col, cell in zip(keys, cells, strict=False):
                    table.update_cell(key, col, cell, update_width=True)
            else:
                table.add_row(*cells, key=key, height=None)
                known.add(key)

    def refresh_view(self) -> None:
        lang = self.lang
        picture = self.link.picture
        snap = picture.snapshot
        plan, scenario = self.link.plan, self.link.scenario
        self.query_one("#wall-clock", Digits).update(snap.wall[-5:])
        state = Text()
        clock = picture.clock
        if picture.finished:
            state.append(tr(lang, "clock.finished_seat"), style="bold")
        elif clock.discussion_left_s is not None:
            left = int(clock.discussion_left_s + 0.999)
            state.append(
                tr(lang, "clock.discussion", m=left // 60, s=f"{left % 60:02d}"), style="bold magenta"
            )
        elif clock.paused:
            state.append(tr(lang, "clock.paused", speed=speed_label(clock.speed, lang)), style="bold yellow")
        else:
            state.append(tr(lang, "clock.running", speed=speed_label(clock.speed, lang)), style="bold green")
        state.append("\n" + scenario.title.get(lang) + "\n", style="bold")
        if snap.level:
            state.append(
                tr(lang, "clock.level", level=level_label(plan, snap.level, lang)), style="bold cyan"
            )
        else:
            state.append(tr(lang, "clock.no_level"), style="dim")
        state.append("\n" + tr(lang, "wall.on_site", n=snap.head_count))
        if not self.link.connected:
            state.append("\n" + tr(lang, "clock.disconnected"), style="bold red")
        self.query_one("#wall-state", Static).update(state)
        rows = []
        for m in snap.milestones:
            if m.status in ("not_applicable", "beyond_model"):
                continue
            text, style = milestone_text(m, plan, scenario, snap.t, lang)
            rows.append((m.id, [Text(m.label.get(lang), "dim" if style == "dim" else ""), Text(text, style)]))
        self._fill("wall-board", rows)
        rows = []
        for inc in snap.incidents:
            if not inc.started:
                continue
            state_text = tr(lang, f"inc.{inc.status}")
            if inc.escalated:
                state_text = tr(lang, "inc.escalated" if inc.kind == "group_visit" else "inc.livestreaming")
            rows.append(
                (
                    inc.id,
                    [
                        Text(inc.label.get(lang)),
                        Text(str(inc.head_count)),
                        Text(state_text, "bold red" if inc.escalated else ""),
                    ],
                )
            )
        for em in snap.emergencies:
            label = Text(tr(lang, f"em.{em.hazard}") + "\u00a0" + em.label.get(lang))
            hot = em.status == "evacuating"
            state_text = tr(lang, f"em.short.{em.status}")
            rows.append((em.id, [label, Text(str(em.inside)), Text(state_text, "bold red" if hot else "")]))
        self._fill("wall-figures", rows)
        labels: dict[str, Any] = names(plan, snap, lang)
        new, changed = self.feed.update(self.link.entries, labels)
        log = self.query_one("#wall-feed", RichLog)
        if changed:
            log.clear()
            new = self.feed.lines
        for line in new:
            style = "bold yellow" if line.kind == "inject" else ("cyan" if line.kind == "decision" else "")
            row = Text(at(scenario, line.t) + "  ", style="dim")
            row.append(line.text, style=style)
            log.write(row)
