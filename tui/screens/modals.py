"""Modals: a decision with its parameters, estimate and live check; a facilitator inject."""

from __future__ import annotations

from typing import Any, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Select, Static

from sim.engine import decisions as D

from ..i18n import tr
from ..model import (
    TRAINEE_DECISIONS,
    FieldSpec,
    Session,
    build_decision,
    dlabel,
    estimate_text,
    first_valid,
    form_fields,
    reason_text,
)
from .common import localize_bindings


class _DecisionForm(ModalScreen["D.Decision | None"]):
    """A form that yields a decision: Enter or the confirm button takes it, Esc cancels.

    ``decision()`` returns the decision, or a string saying what in the form is
    wrong; a decision the engine refuses is still returned, and the drill screen
    shows the engine's reason."""

    def decision(self) -> D.Decision | str:
        raise NotImplementedError

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.action_confirm()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "confirm":
            self.action_confirm()
        else:
            self.action_cancel()

    def action_confirm(self) -> None:
        decision = self.decision()
        if isinstance(decision, str):
            self.notify(markup=False, message=decision, severity="error")
            return
        self.dismiss(decision)

    def action_cancel(self) -> None:
        self.dismiss(None)


class DecisionModal(_DecisionForm):
    """Pick the decision, then its parameters; the estimate and the engine's check update live."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "modal.cancel", id="cancel"),
        Binding("ctrl+s", "confirm", "modal.confirm", id="confirm", show=False),
    ]

    def __init__(self, lang: str, session: Session, cls: type[D.Decision] | None = None) -> None:
        super().__init__()
        self.lang = lang
        self.session = session
        self.cls = cls or TRAINEE_DECISIONS[0]
        self.specs: list[FieldSpec] = []
        self._ready = False
        localize_bindings(self, lang)

    def compose(self) -> ComposeResult:
        lang = self.lang
        with Vertical(id="modal-box", classes="modal"):
            yield Label(tr(lang, "modal.decision"))
            yield Select(
                [(dlabel(c, lang), c.kind) for c in TRAINEE_DECISIONS],
                value=self.cls.kind,
                allow_blank=False,
                id="kind",
            )
            yield Vertical(id="fields")
            yield Static(id="estimate")
            yield Static(id="check")
            yield Static(Text(tr(lang, "modal.clock_runs"), style="dim italic"))
            with Horizontal(classes="buttons"):
                yield Button(tr(lang, "modal.confirm"), id="confirm", variant="primary")
                yield Button(tr(lang, "modal.cancel"), id="cancel")

    async def on_mount(self) -> None:
        await self._build_fields()
        self.set_interval(0.5, self.update_check)
        self.query_one("#confirm", Button).focus()

    async def _build_fields(self) -> None:
        self._ready = False
        box = self.query_one("#fields", Vertical)
        await box.remove_children()
        drill = self.session.drill
        snap = drill.snapshot()
        self.specs = form_fields(self.cls, drill, snap, self.lang)
        valid = first_valid(self.cls, drill, snap, self.lang)
        preset = valid.to_dict() if valid is not None else {}
        widgets = []
        for spec in self.specs:
            widgets.append(Label(tr(self.lang, spec.label_key)))
            if spec.number:
                given = preset.get(spec.name)
                text = str(given) if given is not None else (spec.default or "")
                widgets.append(Input(text, id=f"f-{spec.name}", type="integer"))
            else:
                options = [(Text(shown), value) for shown, value in spec.options]  # data, never markup
                ids = [v for _, v in options]
                value: Any = preset.get(spec.name) if preset.get(spec.name) in ids else None
                if value is None and spec.default in ids and not preset:
                    value = spec.default
                if value is None and options and not spec.optional:
                    value = options[0][1]
                select: Select[str] = Select(
                    options,
                    id=f"f-{spec.name}",
                    allow_blank=spec.optional or not options,
                    prompt=tr(self.lang, "modal.optional"),
                    value=value if value is not None else Select.NULL,
                )
                widgets.append(select)
        await box.mount_all(widgets)
        self._ready = True
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
                value = self.query_one(f"#f-{spec.name}", Select).value
                out[spec.name] = None if value is Select.NULL else value
        return out

    def decision(self) -> D.Decision | str:
        values = self.values()
        if isinstance(values, str):
            return values
        try:
            return build_decision(self.cls, values)
        except (TypeError, ValueError) as exc:
            return str(exc)

    def update_check(self) -> None:
        if not self._ready:
            return
        drill = self.session.drill
        decision = self.decision()
        estimate = self.query_one("#estimate", Static)
        check = self.query_one("#check", Static)
        if isinstance(decision, str):
            estimate.update("")
            check.update(Text(tr(self.lang, "modal.refused", reason=decision), style="bold red"))
            return
        reason = drill.check(decision)
        estimate.update(Text(estimate_text(drill, decision, self.lang)))
        if reason is None:
            check.update(Text(tr(self.lang, "modal.ok"), style="bold green"))
        else:
            check.update(
                Text(tr(self.lang, "modal.refused", reason=reason_text(reason, self.lang)), style="bold red")
            )

    async def on_select_changed(self, event: Select.Changed) -> None:
        if event.select.id == "kind":
            kind = str(event.value)
            if kind != self.cls.kind:
                self.cls = D.BY_KIND[kind]
                await self._build_fields()
        else:
            self.update_check()

    def on_input_changed(self, event: Input.Changed) -> None:
        self.update_check()


EFFECTS = ("none", "join", "livestream_start", "heat_spike", "agitation")


class InjectModal(_DecisionForm):
    """The facilitator types a message (Chinese input works) and may pick a model effect."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "modal.cancel", id="cancel")]

    def __init__(self, lang: str, session: Session) -> None:
        super().__init__()
        self.lang = lang
        self.session = session
        localize_bindings(self, lang)

    def compose(self) -> ComposeResult:
        lang = self.lang
        snap = self.session.drill.snapshot()
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

    def on_mount(self) -> None:
        self.query_one("#text-zh", Input).focus()

    AMOUNTS: ClassVar[dict[str, str]] = {"join": "10", "heat_spike": "500", "agitation": "0.1"}

    def on_select_changed(self, event: Select.Changed) -> None:
        if event.select.id == "effect" and event.value in self.AMOUNTS:
            self.query_one("#amount", Input).value = self.AMOUNTS[str(event.value)]

    def decision(self) -> D.Decision | str:
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
        return D.FacilitatorInject.make(zh or en, en or zh, effect)
