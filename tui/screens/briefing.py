"""The briefing: the situation as first reported, the unit's roster, venues and milestones."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Static

from sim.present import limit_minutes
from sim.room.room import Room

from ..i18n import CATALOGS, tr
from ..model import at, minutes_up
from .common import localized

if TYPE_CHECKING:
    from ..app import DrillApp


def _table(id_: str, columns: list[tuple[str, str]]) -> DataTable[Text]:
    table: DataTable[Text] = DataTable(id=id_, cursor_type="none", show_cursor=False, classes="brief-table")
    table.can_focus = False
    for label, key in columns:
        table.add_column(label, key=key)
    return table


class BriefingScreen(Screen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "start", "key.start", id="start", priority=True),
        Binding("escape", "back", "key.back", id="back"),
        Binding("q", "quit_app", "key.quit", id="quit"),
    ]

    def __init__(self, lang: str, room: Room) -> None:
        super().__init__()
        self.lang = lang
        self.room = room

    @classmethod
    def make(cls, lang: str, room: Room) -> BriefingScreen:
        return localized(cls, lang)(lang, room)

    def compose(self) -> ComposeResult:
        lang, drill = self.lang, self.room.port
        scen, plan = drill.scenario, drill.plan
        yes, no = tr(lang, "brief.yes"), tr(lang, "brief.no")
        with VerticalScroll(id="briefing"):
            yield Static(
                Text(tr(lang, "brief.title", title=scen.title.get(lang)), style="bold"), classes="title"
            )
            snap = drill.snapshot()
            yield Static(
                Text(
                    tr(
                        lang,
                        "brief.meta",
                        unit=plan.unit.get(lang),
                        seed=self.room.seed,
                        source=str(scen.source),
                        level=scen.expected_level,
                        wall=snap.wall,
                        hours=f"{scen.horizon_min / 60:g}",
                    ),
                    style="dim",
                )
            )
            yield Static(Text(tr(lang, "brief.situation"), style="bold"), classes="section")
            yield Static(Text(scen.briefing.get(lang)), classes="para")
            for inject in scen.injects:
                if inject.at_min <= scen.first_report_min:
                    yield Static(
                        Text(
                            tr(
                                lang,
                                "brief.first_report",
                                at=at(scen, inject.at_min),
                                text=inject.text.get(lang),
                            )
                        ),
                        classes="para",
                    )
            yield Static(Text(tr(lang, "brief.roster"), style="bold"), classes="section")
            teams = _table(
                "brief-teams",
                [(tr(lang, f"brief.col.{k}"), k) for k in ("team", "size", "on_duty", "callable", "call_in")],
            )
            for tid, team in plan.teams.items():
                teams.add_row(
                    Text(team.label.get(lang)),
                    Text(str(team.size_people)),
                    Text(str(team.on_duty_people)),
                    Text(str(team.size_people - team.on_duty_people)),
                    Text(_mins(team.call_in_min.mean())),
                    key=tid,
                )
            yield teams
            yield Static(Text(tr(lang, "brief.officials"), style="bold"), classes="section")
            officials = _table(
                "brief-officials",
                [(tr(lang, f"brief.col.{k}"), k) for k in ("official", "arrival", "present")],
            )
            for oid, off in plan.officials.items():
                officials.add_row(
                    Text(off.label.get(lang)),
                    Text(_mins(off.arrival_min.mean())),
                    Text(yes if off.on_site_at_start else no),
                    key=oid,
                )
            yield officials
            yield Static(Text(tr(lang, "brief.venues"), style="bold"), classes="section")
            venues = _table(
                "brief-venues",
                [(tr(lang, f"brief.col.{k}"), k) for k in ("venue", "kind", "capacity", "open")],
            )
            for vid, venue in plan.venues.items():
                opens = (
                    yes
                    if venue.open_at_start
                    else tr(lang, "brief.opens_in", min=_mins(venue.open_min.mean()))
                )
                venues.add_row(
                    Text(venue.label.get(lang)),
                    Text(
                        tr(lang, f"vkind.{venue.kind.value}")
                        if f"vkind.{venue.kind.value}" in CATALOGS["en"]
                        else str(venue.kind.value)
                    ),
                    Text(str(venue.capacity_people)),
                    Text(opens),
                    key=vid,
                )
            yield venues
            yield Static(Text(tr(lang, "brief.milestones"), style="bold"), classes="section")
            ms = _table(
                "brief-milestones",
                [(tr(lang, f"brief.col.{k}"), k) for k in ("mlevel", "milestone", "limit")],
            )
            for m in snap.milestones:
                if m.status == "beyond_model":
                    continue
                ms.add_row(
                    Text(m.level or tr(lang, "brief.all_levels")),
                    Text(m.label.get(lang)),
                    Text(limit_minutes(m.deadline_min, m.assumed)),
                    key=m.id,
                )
            yield ms
        yield Footer()

    def action_start(self) -> None:
        app: DrillApp = self.app  # type: ignore[assignment]
        app.start_drill()

    def action_back(self) -> None:
        app: DrillApp = self.app  # type: ignore[assignment]
        app.back_to_pick()

    def action_quit_app(self) -> None:
        self.app.exit()


def _mins(value: float | None) -> str:
    return "–" if value is None else str(minutes_up(value))
