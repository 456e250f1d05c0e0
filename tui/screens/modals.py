"""Modals: a decision's form, a facilitator inject, a discussion pause, an MSEL
inject's play / hold / skip, an evaluation note.

A decision form opens with the focus on its first field; each choice is a
list (arrows, then Enter moves on to the next field; Enter on the last field
takes the decision); numbers are typed. Nothing is pre-selected that would give
the answer (the level). The engine's check and the estimate update live.
"""

from __future__ import annotations

from typing import Any, ClassVar, TypeVar

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Footer, Input, Label, OptionList, Select, Static
from textual.widgets.option_list import Option

from sim.room.engine import AdHocInject, Decision, MselAction
from sim.room.forms import Choice, build, choices_for_picture

from ..i18n import tr
from ..link import Link, Result
from ..model import dlabel, estimate_text, milestone_text, option_text, reason_text
from .common import localized

R = TypeVar("R")


class _Form(ModalScreen[R]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "key.cancel", id="cancel"),
        Binding("ctrl+s", "confirm", "key.confirm", id="confirm"),
    ]

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "confirm":
            self.action_confirm()
        else:
            self.action_cancel()

    def action_confirm(self) -> None:
        raise NotImplementedError

    def action_cancel(self) -> None:
        self.dismiss(None)


class DecisionModal(_Form["Decision | None"]):
    """One decision's parameters, with the engine's live check and estimate."""

    def __init__(self, lang: str, link: Link, cls: type[Decision]) -> None:
        super().__init__()
        self.lang = lang
        self.link = link
        self.cls = cls
        picture = link.picture
        self.specs: list[Choice] = choices_for_picture(cls, link.plan, picture.snapshot, link.seat)
        self._values: dict[str, str | None] = {}

    @classmethod
    def make(cls, lang: str, link: Link, decision: type[Decision]) -> DecisionModal:
        return localized(cls, lang)(lang, link, decision)

    def compose(self) -> ComposeResult:
        lang = self.lang
        snap = self.link.picture.snapshot
        with Vertical(id="modal-box", classes="modal"):
            yield Label(Text(dlabel(self.cls, lang), style="bold"))
            for spec in self.specs:
                yield Label(
                    tr(
                        lang,
                        f"modal.field.{spec.name}"
                        + ("_n" if spec.name == "people" and not spec.optional else ""),
                    )
                )
                if spec.number:
                    yield Input(spec.default or "", id=f"f-{spec.name}", type="integer", classes="field")
                else:
                    options = [
                        Option(Text(option_text(spec, v, snap, self.link.plan, lang)), id=v)
                        for v in spec.values
                    ]
                    if spec.optional:
                        options.insert(
                            0, Option(Text(tr(lang, "modal.optional"), style="dim"), id="__none__")
                        )
                    field = OptionList(*options, id=f"f-{spec.name}", classes="field choice")
                    yield field
            yield Static(id="estimate")
            yield Static(id="check")
            yield Static(Text(tr(lang, "modal.keys"), style="dim italic"))
            with Horizontal(classes="buttons"):
                yield Button(tr(lang, "modal.confirm"), id="confirm", variant="primary")
                yield Button(tr(lang, "modal.cancel"), id="cancel")
        yield Footer()

    def on_mount(self) -> None:
        fields = list(self.query(".field"))
        for spec in self.specs:
            if not spec.number:
                lst = self.query_one(f"#f-{spec.name}", OptionList)
                # nothing is chosen for the trainee, except an optional field's "default" and a single option
                if spec.optional or len(spec.values) == 1:
                    lst.highlighted = 0
                else:
                    lst.highlighted = None
        if fields:
            fields[0].focus()
        else:
            self.query_one("#confirm", Button).focus()
        self.update_check()

    def values(self) -> dict[str, Any] | str:
        out: dict[str, Any] = {}
        for spec in self.specs:
            if spec.number:
                raw = self.query_one(f"#f-{spec.name}", Input).value.strip()
                if not raw:
                    out[spec.name] = None
                    continue
                try:
                    out[spec.name] = int(raw)
                except ValueError:
                    return tr(self.lang, "modal.bad_number")
            else:
                lst = self.query_one(f"#f-{spec.name}", OptionList)
                if lst.highlighted is None:
                    if spec.optional:
                        out[spec.name] = None
                        continue
                    return tr(self.lang, "modal.choose", what=tr(self.lang, f"modal.field.{spec.name}"))
                value = lst.get_option_at_index(lst.highlighted).id
                out[spec.name] = None if value == "__none__" else value
        return out

    def decision(self) -> Decision | str:
        values = self.values()
        if isinstance(values, str):
            return values
        try:
            return build(self.cls, values)
        except (TypeError, ValueError) as exc:
            return str(exc)

    def action_confirm(self) -> None:
        decision = self.decision()
        if isinstance(decision, str):
            self.notify(markup=False, message=decision, severity="error")
            return
        self.dismiss(decision)

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        self.update_check()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        """Enter on a choice: on to the next field, or take the decision from the last one."""
        self._next_or_confirm(event.option_list)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self._next_or_confirm(event.input)

    def _next_or_confirm(self, widget: Any) -> None:
        fields = list(self.query(".field"))
        index = fields.index(widget) if widget in fields else len(fields) - 1
        if index + 1 < len(fields):
            fields[index + 1].focus()
        else:
            self.action_confirm()

    def on_input_changed(self, event: Input.Changed) -> None:
        self.update_check()

    @work(exclusive=True, group="check")
    async def update_check(self) -> None:
        estimate = self.query_one("#estimate", Static)
        check = self.query_one("#check", Static)
        decision = self.decision()
        if isinstance(decision, str):
            estimate.update("")
            check.update(Text(decision, style="yellow"))
            return
        checked = await self.link.check(decision)
        estimate.update(Text(estimate_text(checked.people, checked.minutes, checked.note, self.lang)))
        if checked.reason is None:
            check.update(Text(tr(self.lang, "modal.ok"), style="bold green"))
        else:
            check.update(
                Text(
                    tr(self.lang, "modal.refused", reason=reason_text(checked.reason, self.lang)),
                    style="bold red",
                )
            )


EFFECTS = ("none", "join", "livestream_start", "heat_spike", "agitation")


class InjectModal(_Form["AdHocInject | None"]):
    """The facilitator types a message (Chinese input works) and may pick a model effect."""

    AMOUNTS: ClassVar[dict[str, str]] = {"join": "10", "heat_spike": "500", "agitation": "0.1"}

    def __init__(self, lang: str, link: Link) -> None:
        super().__init__()
        self.lang = lang
        self.link = link

    @classmethod
    def make(cls, lang: str, link: Link) -> InjectModal:
        return localized(cls, lang)(lang, link)

    def compose(self) -> ComposeResult:
        lang = self.lang
        snap = self.link.picture.snapshot
        targets = [(Text(i.label.get(lang)), i.id) for i in snap.incidents if not i.over]
        targets += [(Text(t.label.get(lang)), t.id) for t in snap.topics]
        with Vertical(id="inject-box", classes="modal"):
            yield Label(Text(tr(lang, "inject.title"), style="bold"))
            yield Label(tr(lang, "inject.text_zh"))
            yield Input(id="text-zh")
            yield Label(tr(lang, "inject.text_en"))
            yield Input(id="text-en")
            yield Label(tr(lang, "inject.effect"))
            yield Select(
                [(tr(lang, f"inject.{e}"), e) for e in EFFECTS], value="none", allow_blank=False, id="effect"
            )
            with Horizontal(id="effect-args"):
                with Vertical():
                    yield Label(tr(lang, "inject.target"))
                    yield Select(
                        targets,
                        id="target",
                        allow_blank=not targets,
                        value=targets[0][1] if targets else Select.NULL,
                    )
                with Vertical():
                    yield Label(tr(lang, "inject.amount"))
                    yield Input("10", id="amount")
            with Horizontal(classes="buttons"):
                yield Button(tr(lang, "modal.confirm"), id="confirm", variant="primary")
                yield Button(tr(lang, "modal.cancel"), id="cancel")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#text-zh", Input).focus()

    def on_select_changed(self, event: Select.Changed) -> None:
        if event.select.id == "effect" and event.value in self.AMOUNTS:
            self.query_one("#amount", Input).value = self.AMOUNTS[str(event.value)]

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.action_confirm()

    def action_confirm(self) -> None:
        action = self.action_value()
        if isinstance(action, str):
            self.notify(markup=False, message=action, severity="error")
            return
        self.dismiss(action)

    def action_value(self) -> AdHocInject | str:
        zh = self.query_one("#text-zh", Input).value.strip()
        en = self.query_one("#text-en", Input).value.strip()
        if not (zh or en):
            return tr(self.lang, "inject.need_text")
        kind = self.query_one("#effect", Select).value
        effect: dict[str, Any] | None = None
        if kind not in ("none", Select.NULL):
            target = self.query_one("#target", Select).value
            effect = {"kind": kind, "incident": None if target is Select.NULL else target}
            raw = self.query_one("#amount", Input).value.strip()
            try:
                if kind == "join":
                    effect["people"] = int(raw)
                elif kind == "heat_spike":
                    effect["events"] = int(raw)
                elif kind == "agitation":
                    effect["change"] = float(raw)
            except ValueError:
                return tr(self.lang, "inject.bad_amount")
        return AdHocInject(zh or en, en or zh, effect)


class DiscussModal(_Form["float | None"]):
    """A time-boxed pause for discussion: the countdown shows on every seat."""

    def __init__(self, lang: str) -> None:
        super().__init__()
        self.lang = lang

    @classmethod
    def make(cls, lang: str) -> DiscussModal:
        return localized(cls, lang)(lang)

    def compose(self) -> ComposeResult:
        with Vertical(classes="modal small"):
            yield Label(Text(tr(self.lang, "discuss.title"), style="bold"))
            yield Label(tr(self.lang, "discuss.minutes"))
            yield Input("5", id="minutes", type="number")
            yield Static(Text(tr(self.lang, "discuss.help"), style="dim"))
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#minutes", Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.action_confirm()

    def action_confirm(self) -> None:
        try:
            minutes = float(self.query_one("#minutes", Input).value.strip() or "0")
            if not 0 <= minutes <= 180:
                raise ValueError
        except ValueError:
            self.notify(markup=False, message=tr(self.lang, "discuss.bad"), severity="error")
            return
        self.dismiss(minutes * 60)


class MselModal(_Form["Result | None"]):
    """A scheduled inject: play it now, hold it, release it, or skip it."""

    def __init__(self, lang: str, link: Link, n: int) -> None:
        super().__init__()
        self.lang = lang
        self.link = link
        self.n = n

    @classmethod
    def make(cls, lang: str, link: Link, n: int) -> MselModal:
        return localized(cls, lang)(lang, link, n)

    def compose(self) -> ComposeResult:
        item = next(m for m in self.link.picture.msel if m.n == self.n)
        with Vertical(classes="modal"):
            yield Label(Text(tr(self.lang, "msel.title"), style="bold"))
            yield Static(Text(item.text.get(self.lang)))
            yield OptionList(
                *[
                    Option(tr(self.lang, f"msel.do.{do}"), id=do)
                    for do in ("play", "hold", "release", "skip")
                ],
                id="msel-do",
            )
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#msel-do", OptionList).focus()

    @work(exclusive=True)
    async def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        do = event.option.id or "play"
        result: Result = await self.link.facilitate(MselAction(self.n, do))  # type: ignore[arg-type]
        self.dismiss(result)

    def action_confirm(self) -> None:
        self.query_one("#msel-do", OptionList).action_select()


class NoteModal(_Form["tuple[str, dict[str, Any]] | None"]):
    """An evaluation note about a milestone, a decision, or the drill as a whole."""

    def __init__(self, lang: str, link: Link) -> None:
        super().__init__()
        self.lang = lang
        self.link = link

    @classmethod
    def make(cls, lang: str, link: Link) -> NoteModal:
        return localized(cls, lang)(lang, link)

    def compose(self) -> ComposeResult:
        lang = self.lang
        picture = self.link.picture
        about: list[tuple[Text, str]] = [(Text(tr(lang, "note.about_drill")), "drill")]
        for m in picture.snapshot.milestones:
            if m.status in ("met", "missed", "pending"):
                text, _ = milestone_text(m, self.link.plan, self.link.scenario, picture.t, lang)
                about.append((Text(f"{m.label.get(lang)} — {text}"), f"milestone:{m.id}"))
        with Vertical(classes="modal"):
            yield Label(Text(tr(lang, "note.title"), style="bold"))
            yield Label(tr(lang, "note.about"))
            yield Select(about, value="drill", allow_blank=False, id="about")
            yield Label(tr(lang, "note.text"))
            yield Input(id="note-text")
            with Horizontal(classes="buttons"):
                yield Button(tr(lang, "modal.confirm"), id="confirm", variant="primary")
                yield Button(tr(lang, "modal.cancel"), id="cancel")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#note-text", Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.action_confirm()

    def action_confirm(self) -> None:
        text = self.query_one("#note-text", Input).value.strip()
        if not text:
            self.notify(markup=False, message=tr(self.lang, "note.need_text"), severity="error")
            return
        about_value = str(self.query_one("#about", Select).value)
        about: dict[str, Any] = {}
        if about_value.startswith("milestone:"):
            about = {"milestone": about_value.removeprefix("milestone:")}
        self.dismiss((text, about))
