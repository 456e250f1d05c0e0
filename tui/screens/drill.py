"""The drill as one seat sees it: clock, incidents, places, teams, officials,
milestones, the feed, and the seat's own panel — its decisions (a role, or
every role in ``drill play``), the MSEL (the facilitator) or the notes (the
evaluator). The wall view has its own screen (``wall``)."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING, Any, ClassVar

from rich.table import Table
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import DataTable, Footer, OptionList, RichLog, Static
from textual.widgets.option_list import Option

from sim.labels import aliases as aliases_of
from sim.labels import label
from sim.room.clock import SPEEDS, TimeSource, speed_label
from sim.room.engine import D, Decision, MselItem
from sim.room.roles import Power
from sim.spec.plan import LEVELS

from ..i18n import tr
from ..link import Link
from ..model import (
    DECISION_KEYS,
    MIN_SIZE,
    TICK_S,
    TRAINEE_DECISIONS,
    Feed,
    FeedLine,
    at,
    decision_text,
    dlabel,
    emergency_rows,
    level_label,
    milestone_text,
    minutes_up,
    names,
    places,
    reason_text,
    sparkline,
)
from .common import Confirm, localized
from .modals import DecisionModal, DiscussModal, InjectModal, MselModal, NoteModal

if TYPE_CHECKING:
    from ..app import DrillApp

ALARM_KINDS = {
    "escalation",
    "injury",
    "self_harm",
    "milestone_missed",
    "copycat_gathering",
    "livestream_started",
    "emergency_started",
}
GOOD_KINDS = {"milestone_met", "individual_resolved", "response_ended", "group_dispersed"}
FEED_FILTERS = ("all", "injects", "decisions")


class DecisionCommands(Provider):
    """The seat's decisions (and the level packages) in the command palette, matched on zh and en labels and aliases."""

    def _items(self) -> list[tuple[str, str, str, Callable[[], Any]]]:
        screen = self.screen
        if not isinstance(screen, DrillScreen):
            return []
        lang = screen.lang
        out: list[tuple[str, str, str, Callable[[], Any]]] = []
        for cls in screen.own_decisions():
            shown, other = dlabel(cls, lang), dlabel(cls, "en" if lang == "zh" else "zh")
            out.append(
                (
                    shown,
                    other,
                    " ".join((*aliases_of(cls.kind), cls.kind)),
                    partial(screen.open_decision, cls.kind),
                )
            )
        if screen.packages():
            for level in screen.link.plan.levels:
                shown = tr(lang, "package.title", level=level_label(screen.link.plan, level, lang))
                other = tr("en" if lang == "zh" else "zh", "package.title", level=level)
                out.append((shown, other, "package plan yuan", partial(screen.open_package, level)))
        if screen.link.can(Power.facilitate):
            shown = tr(lang, "inject.title")
            out.append(
                (
                    shown,
                    tr("en" if lang == "zh" else "zh", "inject.title"),
                    "inject zhuru",
                    screen.action_inject,
                )
            )
        return out

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for shown, other, aliases, run in self._items():
            score = max(
                matcher.match(shown), matcher.match(other), matcher.match(f"{shown} {other} {aliases}") * 0.8
            )
            if score > 0:
                yield Hit(score, matcher.highlight(shown), run, text=shown, help=f"{other} · {aliases}")

    async def discover(self) -> Hits:
        for shown, _other, _aliases, run in self._items():
            yield DiscoveryHit(shown, run, text=shown)


def _t(value: Any, style: str = "") -> Text:
    return Text(str(value), style=style)


def _decision_bindings() -> list[BindingType]:
    return [
        Binding(
            DECISION_KEYS[cls.kind],
            f"decide('{cls.kind}')",
            label(cls.kind, "en"),
            id=f"decide_{cls.kind}",
            show=False,
        )
        for cls in TRAINEE_DECISIONS
    ]


class DrillScreen(Screen[None]):
    COMMANDS: ClassVar[set[type[Provider] | Callable[[], type[Provider]]]] = {DecisionCommands}
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("space", "toggle_pause", "key.pause", id="toggle_pause", priority=True),
        Binding("1", "speed(0)", "key.speed", id="speed_1", key_display="1-6"),
        *[
            Binding(str(n + 1), f"speed({n})", "key.speed", id=f"speed_{n + 1}", show=False)
            for n in range(1, 6)
        ],
        Binding("n", "step", "key.step", id="step"),
        Binding("w", "discuss", "key.discuss", id="discuss"),
        Binding("d", "decision_panel", "key.decide", id="decision_panel"),
        Binding("y", "package", "key.package", id="package"),
        Binding("i", "inject", "key.inject", id="facilitator_inject"),
        Binding("e", "note", "key.note", id="note"),
        Binding("z", "feed_filter", "key.feed_filter", id="feed_filter"),
        Binding("q", "end_drill", "key.end", id="end_drill"),
        *_decision_bindings(),
    ]

    def __init__(self, lang: str, link: Link, time: TimeSource) -> None:
        super().__init__()
        self.lang = lang
        self.link = link
        self.time = time
        self.feed = Feed(lang, link.plan, link.scenario)
        self.feed_filter = "all"
        self.end_confirm = Confirm(time)
        self._rows: dict[str, set[str]] = {}
        self._plain: dict[str, list[tuple[str, list[str]]]] = {}
        self._shown_version = -1
        self._panel_state: dict[str, bool] = {}
        self._msel_state: tuple[Any, ...] = ()
        self._notes_shown = 0

    @classmethod
    def make(cls, lang: str, link: Link, time: TimeSource) -> DrillScreen:
        screen_cls = cls if link.local else SeatScreen
        return localized(screen_cls, lang)(lang, link, time)

    @property
    def picture(self) -> Any:
        return self.link.picture

    def packages(self) -> bool:
        """A level's package is the commander's order: for the seat that declares levels."""
        return any(cls.kind == "declare_level" for cls in self.own_decisions())

    def own_decisions(self) -> list[type[Decision]]:
        if not self.link.can(Power.decide):
            return []
        roles = self.link.plan.roles
        owned: set[str] = set()
        if roles:
            for r in self.link.seat.roles:
                if r in roles:
                    owned |= {k.value for k in roles[r].decisions}
        else:
            owned = set(DECISION_KEYS)
        return [cls for cls in TRAINEE_DECISIONS if cls.kind in owned]

    # --- layout ----------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        lang = self.lang
        yield Static(id="clock")
        with Horizontal(id="drill-main"):
            with VerticalScroll(id="drill-left"):
                # a fire or explosion, once it breaks out (hidden until then): the most urgent, first
                emergencies = self._table("emergencies", "panel.emergencies", ["fact", "value"])
                emergencies.show_header = False
                yield emergencies
                yield self._table(
                    "incidents", "panel.incidents", ["incident", "heads", "mood", "trend", "state"]
                )
                yield self._table("topics", "panel.topics", ["topic", "heat", "threshold", "trend"])
                yield self._table("places", "panel.places", ["place", "people", "groups", "staff"])
                yield self._table("teams", "panel.teams", ["team", "on_site", "busy", "en_route", "off_duty"])
                yield self._table("officials", "panel.officials", ["official", "status"])
            with Vertical(id="drill-right"):
                yield self._table("milestones", "panel.milestones", ["level", "milestone", "countdown"])
                yield Static(Text(tr(lang, "ms.legend"), style="dim"), id="ms-legend")
                with Horizontal(id="drill-bottom"):
                    side = OptionList(id="side")
                    side.border_title = tr(lang, self._side_title())
                    yield side
                    feed = RichLog(id="feed", markup=False, wrap=True, highlight=False, min_width=20)
                    feed.border_title = tr(lang, "panel.feed")
                    feed.can_focus = False
                    yield feed
        yield Footer()

    def _side_title(self) -> str:
        if self.link.can(Power.decide):
            return "panel.decisions"
        if self.link.can(Power.facilitate):
            return "panel.msel"
        return "panel.notes"

    # column widths at 120 columns and at 160 or more; labels wrap inside them, never cut
    WIDTHS: ClassVar[dict[str, tuple[int, int]]] = {
        "incident": (14, 26),
        "state": (8, 12),
        "trend": (6, 10),
        "topic": (14, 26),
        "place": (12, 18),
        "groups": (12, 18),
        "staff": (10, 18),
        "team": (12, 22),
        "en_route": (10, 16),
        "official": (16, 30),
        "status": (18, 26),
        "milestone": (22, 40),
        "countdown": (30, 40),
        "fact": (10, 14),
        "value": (34, 48),
    }

    def _table(self, name: str, title_key: str, cols: list[str]) -> DataTable[Text]:
        table: DataTable[Text] = DataTable(id=name, cursor_type="none", show_cursor=False, classes="panel")
        table.can_focus = False
        table.border_title = tr(self.lang, title_key)
        wide = self.app.size.width >= 150
        for col in cols:
            width = self.WIDTHS.get(col)
            table.add_column(tr(self.lang, f"col.{col}"), key=col, width=width[wide] if width else None)
        return table

    def on_mount(self) -> None:
        self.query_one("#side", OptionList).focus()
        if self.link.local:
            self.timer = self.set_interval(TICK_S, self.on_tick)
        self.refresh_view()
        width, height = self.app.size
        if width < MIN_SIZE[0] or height < MIN_SIZE[1]:
            self.notify(
                tr(self.lang, "note.small_terminal", w=width, h=height, mw=MIN_SIZE[0], mh=MIN_SIZE[1]),
                severity="warning",
                timeout=10,
            )

    # --- the clock -------------------------------------------------------------------
    def on_tick(self) -> None:
        """A local room's clock tick (the timer calls this; tests call it after moving their clock)."""
        was_finished = self.picture.finished
        self.link.tick()
        if self.picture.finished and not was_finished:
            self.notify(markup=False, message=tr(self.lang, "note.finished"))
        self.refresh_view()

    def remote_changed(self) -> None:
        """The host sent a new picture or feed lines."""
        self.refresh_view()

    async def action_toggle_pause(self) -> None:
        if not self.link.can(Power.clock):
            return
        await self._done(await self.link.clock(paused=not self.picture.clock.paused))

    async def action_speed(self, index: int) -> None:
        """Change the speed; a paused clock stays paused."""
        if not self.link.can(Power.clock):
            return
        await self._done(await self.link.clock(speed=SPEEDS[index]))

    async def action_step(self) -> None:
        await self._done(await self.link.step())

    async def action_discuss(self) -> None:
        self.app.push_screen(DiscussModal.make(self.lang), self._discuss)

    async def _discuss(self, seconds: float | None) -> None:
        if seconds is not None:
            await self._done(await self.link.discuss(seconds))

    async def _done(self, result: Any) -> None:
        if not result.accepted:
            self.notify(
                markup=False,
                message=tr(self.lang, "note.refused", reason=reason_text(result.reason, self.lang)),
                severity="error",
            )
        self.refresh_view()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        link = self.link
        finished = self.picture.finished
        if action in ("decide", "decision_panel", "package"):
            # a key for a decision that is not this seat's, or not possible now, says why
            return link.can(Power.decide)
        if action in ("toggle_pause", "speed", "discuss"):
            return link.can(Power.clock) and not finished
        if action == "step":
            return link.local and link.can(Power.clock) and not finished
        if action == "inject":
            return link.can(Power.facilitate) and not finished
        if action == "note":
            return link.can(Power.note)
        return True

    # --- decisions ---------------------------------------------------------------------
    def action_decide(self, kind: str) -> None:
        self.open_decision(kind)

    def action_decision_panel(self) -> None:
        self.query_one("#side", OptionList).focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        oid = event.option.id or ""
        if oid.startswith("package:"):
            self.open_package(oid.removeprefix("package:"))
        elif oid.startswith("msel:"):
            self.app.push_screen(
                MselModal.make(self.lang, self.link, int(oid.removeprefix("msel:"))), self._msel_done
            )
        elif oid.startswith("note:"):
            return
        elif oid in DECISION_KEYS:
            self.open_decision(oid)

    def open_decision(self, kind: str) -> None:
        """Open the form; a decision the seat cannot take now says why instead of doing nothing."""
        picture = self.picture
        if kind not in picture.available:
            why = picture.why_not.get(kind)
            reason = (why or {}).get(self.lang) or tr(self.lang, "note.not_yours")
            self.notify(
                markup=False,
                message=tr(
                    self.lang, "note.not_now", label=dlabel(D.BY_KIND[kind], self.lang), reason=reason
                ),
                severity="warning",
                timeout=8,
            )
            return
        self.app.push_screen(DecisionModal.make(self.lang, self.link, D.BY_KIND[kind]), self._decided)

    def action_package(self) -> None:
        if not self.packages():
            self.notify(
                markup=False,
                message=tr(
                    self.lang,
                    "note.not_now",
                    label=tr(self.lang, "key.package"),
                    reason=tr(self.lang, "note.not_yours"),
                ),
                severity="warning",
            )
            return
        snap = self.picture.snapshot
        level = snap.level or snap.level_pending
        if level is None:
            self.notify(markup=False, message=tr(self.lang, "package.no_level"), severity="warning")
            return
        self.open_package(level)

    @work(exclusive=True, group="package")
    async def open_package(self, level: str) -> None:
        parts = await self.link.package(level)
        lang = self.lang
        done = [
            decision_text(p.decision, lang, self.link.plan, self.link.scenario)
            for p in parts
            if p.result.accepted
        ]
        refused = [
            f"{decision_text(p.decision, lang, self.link.plan, self.link.scenario)}（{reason_text(p.result.reason, lang)}）"
            if lang == "zh"
            else f"{decision_text(p.decision, lang, self.link.plan, self.link.scenario)} ({reason_text(p.result.reason, lang)})"
            for p in parts
            if not p.result.accepted
        ]
        sep = "；" if lang == "zh" else "; "
        message = tr(
            lang, "package.done", level=level_label(self.link.plan, level, lang), n=len(done), of=len(parts)
        )
        if done:
            message += "\n" + tr(lang, "package.taken", what=sep.join(done))
        if refused:
            message += "\n" + tr(lang, "package.refused", what=sep.join(refused))
        self.notify(markup=False, message=message, severity="information" if done else "warning", timeout=15)
        self.refresh_view()

    def action_inject(self) -> None:
        self.app.push_screen(InjectModal.make(self.lang, self.link), self._injected)

    async def _injected(self, action: Any) -> None:
        if action is None:
            return
        result = await self.link.facilitate(action)
        if result.accepted:
            self.notify(markup=False, message=tr(self.lang, "note.injected"))
        await self._done(result)

    async def _msel_done(self, result: Any) -> None:
        if result is not None:
            await self._done(result)

    def action_note(self) -> None:
        self.app.push_screen(NoteModal.make(self.lang, self.link), self._noted)

    async def _noted(self, note: tuple[str, dict[str, Any]] | None) -> None:
        if note is None:
            return
        result = await self.link.note(*note)
        if result.accepted:
            self.notify(markup=False, message=tr(self.lang, "note.noted"))
        await self._done(result)

    async def _decided(self, decision: Decision | None) -> None:
        if decision is not None:
            await self.take(decision)

    async def take(self, decision: Decision) -> bool:
        """Take ``decision`` now; a refusal is shown with its reason and changes nothing."""
        lang = self.lang
        result = await self.link.decide(decision)
        label = decision_text(decision, lang, self.link.plan, self.link.scenario)
        if not result.accepted:
            self.notify(
                markup=False,
                message=tr(lang, "note.refused", reason=reason_text(result.reason, lang)),
                severity="error",
                timeout=8,
            )
            self.refresh_view()
            return False
        if result.takes_min:
            when = at(self.link.scenario, self.picture.t + result.takes_min)
            self.notify(markup=False, message=tr(lang, "note.accepted_takes", label=label, at=when))
        else:
            self.notify(markup=False, message=tr(lang, "note.accepted", label=label))
        self.refresh_view()
        return True

    def action_feed_filter(self) -> None:
        self.feed_filter = FEED_FILTERS[(FEED_FILTERS.index(self.feed_filter) + 1) % len(FEED_FILTERS)]
        log = self.query_one("#feed", RichLog)
        log.border_title = tr(self.lang, "panel.feed") + (
            "" if self.feed_filter == "all" else " · " + tr(self.lang, f"feed.filter.{self.feed_filter}")
        )
        self._rewrite_feed()

    def action_end_drill(self) -> None:
        """End: ``drill play`` goes to the debrief, a seat leaves; either asks for a second q first."""
        if not self.end_confirm.second():
            key = "note.end_confirm" if self.link.local else "note.leave_confirm"
            self.notify(
                tr(self.lang, key), severity="warning", timeout=self.end_confirm.window_s, markup=False
            )
            return
        app: DrillApp = self.app  # type: ignore[assignment]
        if self.link.local:
            if hasattr(self, "timer"):
                self.timer.pause()
            app.show_debrief()
        else:
            app.exit()

    # --- rendering -----------------------------------------------------------------------
    def refresh_view(self) -> None:
        picture = self.picture
        lang = self.lang
        plan, scenario = self.link.plan, self.link.scenario
        self._clock()
        if picture.version == self._shown_version and self.feed.seen == len(self.link.entries):
            return
        self._shown_version = picture.version
        snap = picture.snapshot
        labels = names(plan, snap, lang)
        now = snap.t
        spark = self.WIDTHS["trend"][self.app.size.width >= 150]  # one line, never wrapped
        rows = []
        for inc in snap.incidents:
            state = tr(lang, f"inc.{inc.status}")
            style = {"harmed": "bold red", "resolved": "green", "over": "dim", "expected": "dim"}.get(
                inc.status, ""
            )
            if inc.escalated:
                state = tr(lang, "inc.escalated" if inc.kind == "group_visit" else "inc.livestreaming")
                style = "bold red"
            mood_style = "red" if inc.mood >= 0.7 else ("yellow" if inc.mood >= 0.5 else "")
            heads = "–" if not inc.started else str(inc.head_count)
            rows.append(
                (
                    inc.id,
                    [
                        _t(inc.label.get(lang), "dim" if inc.over or not inc.started else ""),
                        _t(heads),
                        _t(f"{inc.mood:.2f}" if inc.started else "–", mood_style),
                        _t(sparkline(inc.history, spark, 1.0), mood_style or "cyan"),
                        _t(state, style),
                    ],
                )
            )
        self._fill("incidents", rows, rebuild=True)
        rows = [
            (r.key, [_t(r.what, "bold red" if r.key.endswith(":what") else "dim"), _t(r.value, r.style)])
            for em in snap.emergencies
            for r in emergency_rows(em, scenario, lang)
        ]
        self._fill("emergencies", rows, rebuild=True)
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
                        _t(sparkline(topic.history, spark, top), "red" if hot else "magenta"),
                    ],
                )
            )
        self._fill("topics", rows)
        rows = []
        wide = self.app.size.width >= 150
        for p in places(plan, scenario, snap, lang):
            cap = f"{p.people}/{p.capacity}" if p.capacity is not None else str(p.people)
            if p.id == "base":
                cap = ""
            full = "bold red" if p.capacity is not None and p.people >= p.capacity else ""
            # at 120 columns the staff of a place as a count; the teams by name from 150
            staff = p.staff if wide or not p.staff else tr(lang, "place.staff_n", n=p.staff_count)
            rows.append(
                (
                    p.id,
                    [
                        _t(p.label),
                        _t(cap, full),
                        _t(p.groups),
                        _t(staff or p.status, "dim" if not staff else ""),
                    ],
                )
            )
        self._fill("places", rows, rebuild=True)
        rows = []
        for team in snap.teams:
            en_route = str(team.en_route)
            if team.en_route and team.next_eta is not None:
                en_route = tr(lang, "team.en_route", n=team.en_route, at=at(scenario, team.next_eta))
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
        self._fill("teams", rows, rebuild=True)
        rows = []
        for off in snap.officials:
            if off.status == "on_site":
                where = labels.get(off.place or "", off.place or "")
                status = (
                    tr(lang, "off.engaged", who=labels.get(off.engaged_with, off.engaged_with), where=where)
                    if off.engaged_with
                    else tr(lang, "off.on_site", where=where)
                )
                style = "green"
            elif off.status == "en_route":
                status, style = tr(lang, "off.en_route", at=at(scenario, off.eta or now)), "yellow"
            else:
                status, style = tr(lang, "off.away"), "dim"
            rows.append((off.id, [_t(off.label.get(lang)), _t(status, style)]))
        self._fill("officials", rows, rebuild=True)
        rows = []
        for m in snap.milestones:
            text, style = milestone_text(m, plan, scenario, now, lang)
            dim = "dim" if style == "dim" else ""
            mark = "*" if m.assumed else ""
            rows.append((m.id, [_t(m.level or "·", dim), _t(m.label.get(lang) + mark, dim), _t(text, style)]))
        self._fill("milestones", rows, rebuild=True)
        self._feed(labels)
        self._side()

    def _clock(self) -> None:
        lang = self.lang
        picture = self.picture
        snap = picture.snapshot
        plan = self.link.plan
        clock = picture.clock
        line = Text()
        if picture.finished:
            line.append(
                tr(lang, "clock.finished" if self.link.local else "clock.finished_seat"), style="bold"
            )
        elif clock.discussion_left_s is not None:
            left = int(clock.discussion_left_s + 0.999)
            line.append(
                tr(lang, "clock.discussion", m=left // 60, s=f"{left % 60:02d}"), style="bold magenta"
            )
        elif clock.paused:
            line.append(tr(lang, "clock.paused", speed=speed_label(clock.speed, lang)), style="bold yellow")
        else:
            line.append(tr(lang, "clock.running", speed=speed_label(clock.speed, lang)), style="bold green")
        line.append("  ")
        line.append(
            tr(
                lang,
                "clock.line",
                wall=snap.wall,
                elapsed=minutes_up(snap.t) if snap.t % 1 else int(snap.t),
                horizon=f"{snap.horizon / 60:g}",
            ),
            style="bold",
        )
        line.append("  ")
        if snap.level:
            line.append(tr(lang, "clock.level", level=level_label(plan, snap.level, lang)), style="bold cyan")
        else:
            line.append(tr(lang, "clock.no_level"), style="dim")
        if snap.level_pending:
            line.append(tr(lang, "clock.level_pending", level=level_label(plan, snap.level_pending, lang)))
        if (
            self.link.can(Power.decide)
            and snap.recommended
            and (snap.level is None or LEVELS.index(snap.recommended) > LEVELS.index(snap.level))
        ):
            line.append(
                tr(lang, "clock.required", level=level_label(plan, snap.recommended, lang)),
                style="bold yellow",
            )
        line.append("\n")
        seat = self.link.seat_label(self.link.seat.name, lang)
        line.append(tr(lang, "clock.seat", seat=seat), style="bold")
        if not self.link.connected:
            line.append("  " + tr(lang, "clock.disconnected"), style="bold red")
        line.append("  " + tr(lang, "clock.journal", path=str(self.link.journal or "–")), style="dim")
        self.query_one("#clock", Static).update(line)

    def _fill(self, name: str, rows: list[tuple[str, list[Text]]], rebuild: bool = False) -> None:
        """Rows keyed by id, updated in place; new ids are added. ``rebuild``: when any text
        changed, the rows are laid out again so a longer text wraps instead of being cut."""
        table = self.query_one(f"#{name}", DataTable)
        known = self._rows.setdefault(name, set())
        if rebuild:
            plain = [(key, [c.plain for c in cells]) for key, cells in rows]
            if plain == self._plain.get(name):
                return
            self._plain[name] = plain
            scroll = table.scroll_y
            table.clear()
            known.clear()
            for key, cells in rows:
                table.add_row(*cells, key=key, height=None)
                known.add(key)
            table.scroll_to(y=scroll, animate=False)
            table.display = bool(known)
            return
        keys = [c.key for c in table.columns.values()]
        for row_key, cells in rows:
            if row_key in known:
                for col, cell in zip(keys, cells, strict=False):
                    table.update_cell(row_key, col, cell, update_width=True)
            else:
                table.add_row(*cells, key=row_key, height=None)  # long labels wrap, never cut
                known.add(row_key)
        table.display = bool(known)

    def _feed_style(self, line: FeedLine) -> str:
        if line.kind == "inject":
            return "bold yellow"
        if line.kind == "decision":
            return "cyan"
        if line.kind in ALARM_KINDS:
            return "bold red"
        return "green" if line.kind in GOOD_KINDS else ""

    def _shown(self, line: FeedLine) -> bool:
        if self.feed_filter == "injects":
            return line.kind == "inject"
        if self.feed_filter == "decisions":
            return line.kind == "decision"
        return True

    def _write(self, log: RichLog, line: FeedLine) -> None:
        row = Table.grid(padding=(0, 1), expand=True)
        row.add_column(no_wrap=True, style="dim")
        row.add_column(ratio=1, overflow="fold")
        row.add_row(Text(at(self.link.scenario, line.t)), Text(line.text, style=self._feed_style(line)))
        log.write(row, expand=True)

    def _rewrite_feed(self) -> None:
        log = self.query_one("#feed", RichLog)
        log.clear()
        for line in self.feed.lines:
            if self._shown(line):
                self._write(log, line)

    def _feed(self, labels: dict[str, str]) -> None:
        new, changed = self.feed.update(self.link.entries, labels)
        if changed:
            self._rewrite_feed()
            return
        log = self.query_one("#feed", RichLog)
        for line in new:
            if self._shown(line):
                self._write(log, line)

    def _side(self) -> None:
        panel = self.query_one("#side", OptionList)
        lang = self.lang
        picture = self.picture
        if self.link.can(Power.decide):
            state = {cls.kind: cls.kind in picture.available for cls in self.own_decisions()}
            if state != self._panel_state:
                highlighted = panel.highlighted
                panel.clear_options()
                for cls in self.own_decisions():
                    panel.add_option(Option(self._decision_prompt(cls, state[cls.kind]), id=cls.kind))
                for level in self.link.plan.levels if self.packages() else ():
                    text = Text("  ")
                    text.append("y ", style="dim")
                    text.append(tr(lang, "package.title", level=level_label(self.link.plan, level, lang)))
                    panel.add_option(Option(text, id=f"package:{level}"))
                if highlighted is not None:
                    panel.highlighted = min(highlighted, panel.option_count - 1)
                self._panel_state = state
                self.refresh_bindings()
        elif self.link.can(Power.facilitate):
            msel = tuple((m.n, m.status) for m in picture.msel)
            if msel != self._msel_state:
                highlighted = panel.highlighted
                panel.clear_options()
                for m in picture.msel:
                    panel.add_option(Option(self._msel_prompt(m), id=f"msel:{m.n}"))
                if highlighted is not None and panel.option_count:
                    panel.highlighted = min(highlighted, panel.option_count - 1)
                self._msel_state = msel
        else:
            notes = picture.notes
            if len(notes) != self._notes_shown:
                for note in notes[self._notes_shown :]:
                    text = Text(at(self.link.scenario, note.t) + " ", style="dim")
                    text.append(note.text)
                    panel.add_option(Option(text, id=f"note:{self._notes_shown}"))
                    self._notes_shown += 1

    def _decision_prompt(self, cls: type[Decision], ok: bool) -> Text:
        key = DECISION_KEYS.get(cls.kind, "")
        text = Text()
        text.append("✓ " if ok else "  ", style="bold green")
        text.append(f"{key} ", style="bold" if ok else "dim")
        text.append(dlabel(cls, self.lang), style="" if ok else "dim")
        return text

    def _msel_prompt(self, m: MselItem) -> Text:
        style = {"played": "dim", "held": "yellow", "skipped": "dim strike"}.get(m.status, "")
        text = Text(at(self.link.scenario, m.at_min) + " ", style="dim")
        text.append(tr(self.lang, f"msel.{m.status}") + " ", style="bold" if m.status == "due" else style)
        text.append(m.text.get(self.lang), style=style)
        return text


class SeatScreen(DrillScreen):
    """A seat of a hosted drill: q leaves the seat (the drill goes on)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        *[b for b in DrillScreen.BINDINGS if not (isinstance(b, Binding) and b.id == "end_drill")],
        Binding("q", "end_drill", "key.leave", id="end_drill"),
    ]
