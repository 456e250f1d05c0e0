"""Pick a scenario, a plan and a seed."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Input, Label, Select, Static

from ..i18n import tr
from ..model import DEFAULT_SCENARIO, ScenarioInfo
from .common import localized

if TYPE_CHECKING:
    from ..app import DrillApp


class PickScreen(Screen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "briefing", "key.briefing", id="briefing", priority=True),
        Binding("q", "quit_app", "key.quit", id="quit"),
    ]

    def __init__(
        self, lang: str, scenarios: list[ScenarioInfo], selected: str | None, plan: str | None, seed: int
    ) -> None:
        super().__init__()
        self.lang = lang
        self.scenarios = scenarios
        self.selected = selected or DEFAULT_SCENARIO
        self.plan = plan
        self.seed = seed
        self._units: dict[str, str] = {}

    @classmethod
    def make(
        cls, lang: str, scenarios: list[ScenarioInfo], selected: str | None, plan: str | None, seed: int
    ) -> PickScreen:
        return localized(cls, lang)(lang, scenarios, selected, plan, seed)

    def compose(self) -> ComposeResult:
        lang = self.lang
        yield Static(Text(tr(lang, "pick.title"), style="bold"), id="pick-title")
        table: DataTable[Text | str] = DataTable(id="scenarios", cursor_type="row", zebra_stripes=True)
        yield table
        with Horizontal(id="pick-options"):
            with Vertical(id="pick-plan-box"):
                yield Label(tr(lang, "pick.plan"))
                info = next((i for i in self.scenarios if i.id == self.selected), None)
                options = self._plan_options(info)
                yield Select(options, id="plan", allow_blank=not options, prompt=tr(lang, "pick.plan"))
            with Vertical(id="pick-seed-box"):
                yield Label(tr(lang, "pick.seed"))
                yield Input(str(self.seed), id="seed", type="integer")
        yield Static(Text(tr(lang, "pick.help"), style="dim"), id="pick-help")
        yield Footer()

    def on_mount(self) -> None:
        lang = self.lang
        table = self.query_one("#scenarios", DataTable)
        # the title, long in two languages, last: a narrow terminal cuts it, not the plan
        table.add_column(tr(lang, "pick.col.id"), key="id")
        table.add_column(tr(lang, "pick.col.plan"), key="plan")
        table.add_column(tr(lang, "pick.col.level"), key="level")
        table.add_column(tr(lang, "pick.col.source"), key="source")
        table.add_column(tr(lang, "pick.col.title"), key="title")
        other = "en" if lang == "zh" else "zh"
        row = 0
        for n, info in enumerate(self.scenarios):
            scen = info.scenario
            title = Text(scen.title.get(lang))
            title.append("\n" + scen.title.get(other), style="dim")
            table.add_row(
                Text(info.id),
                Text(scen.default_plan),
                Text(scen.expected_level),
                Text(str(scen.source)),
                title,
                key=info.id,
                height=2,
            )
            if info.id == self.selected:
                row = n
        table.move_cursor(row=row)
        self._fill_plans(self.scenarios[row] if self.scenarios else None, self.plan)
        table.focus()

    def _plan_options(self, info: ScenarioInfo | None) -> list[tuple[Text, str]]:
        if info is None:
            return []
        from sim.spec.loader import load_plan

        options = []
        for pid in info.plans:
            if pid not in self._units:
                try:
                    self._units[pid] = load_plan(pid).unit.get(self.lang)
                except Exception:  # a broken plan is reported by `drill validate`
                    continue
            options.append((Text(tr(self.lang, "pick.plan_opt", unit=self._units[pid], id=pid)), pid))
        return options

    def _fill_plans(self, info: ScenarioInfo | None, wanted: str | None = None) -> None:
        select = self.query_one("#plan", Select)
        options = self._plan_options(info)
        if not options:
            return
        select.set_options(options)
        if options:
            ids = [v for _, v in options]
            select.value = wanted if wanted in ids else ids[0]

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        info = self._current()
        if info is not None and info.id != self.selected:
            self.selected = info.id
            self._fill_plans(info)

    def _current(self) -> ScenarioInfo | None:
        table = self.query_one("#scenarios", DataTable)
        if not self.scenarios:
            return None
        return self.scenarios[min(table.cursor_row, len(self.scenarios) - 1)]

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "briefing" and isinstance(self.focused, Select):
            return False  # Enter opens or picks in the plan list
        return True

    def on_descendant_focus(self) -> None:
        self.refresh_bindings()

    def action_briefing(self) -> None:
        info = self._current()
        if info is None:
            return
        try:
            seed = int(self.query_one("#seed", Input).value.strip())
            if seed < 0:
                raise ValueError
        except ValueError:
            self.notify(markup=False, message=tr(self.lang, "pick.seed_bad"), severity="error")
            return
        plan = self.query_one("#plan", Select).value
        app: DrillApp = self.app  # type: ignore[assignment]
        app.start_briefing(info.id, str(plan) if plan is not Select.NULL else None, seed)

    def action_quit_app(self) -> None:
        self.app.exit()
