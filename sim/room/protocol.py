"""The messages between seats and the host (JSON text frames over a WebSocket).

Every message a client sends is validated here before anything looks at it:
a closed set of message types with bounded fields; a decision is only ever
data for one of the engine's decision classes, type-checked field by field.
Nothing a client sends is executed.

client → host: ``hello`` (first, with the seat's token), ``decide``,
``package``, ``check``, ``clock``, ``discuss``, ``facilitate``, ``note``.
host → client: ``welcome``, ``picture``, ``feed``, ``reply``, ``error``.
"""

from __future__ import annotations

import dataclasses
import json
import typing
from functools import cache
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError

from .engine import AdHocInject, D, Decision, FacilitatorAction, MselAction

MAX_CLIENT_MESSAGE_BYTES = 64 * 1024  # what the host accepts from a seat
MAX_HOST_MESSAGE_BYTES = 16 * 1024 * 1024  # what a seat accepts from the host (a whole log on rejoin)
PROTOCOL = 1

Id = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[a-z][a-z0-9_-]*$")]
ShortText = Annotated[str, Field(max_length=2000)]


class _Msg(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


class Hello(_Msg):
    type: Literal["hello"]
    protocol: Literal[1] = 1
    seat: Id
    token: Annotated[str, Field(min_length=8, max_length=128)]


class Decide(_Msg):
    type: Literal["decide"]
    id: int = Field(ge=0)
    decision: dict[str, Any]


class Package(_Msg):
    type: Literal["package"]
    id: int = Field(ge=0)
    level: Literal["IV", "III", "II", "I"]


class Check(_Msg):
    type: Literal["check"]
    id: int = Field(ge=0)
    decision: dict[str, Any]


class Clock(_Msg):
    type: Literal["clock"]
    id: int = Field(ge=0)
    paused: bool | None = None
    speed: float | None = Field(default=None, gt=0, le=600)


class Discuss(_Msg):
    type: Literal["discuss"]
    id: int = Field(ge=0)
    seconds: float = Field(ge=0, le=3 * 3600)


class Effect(_Msg):
    kind: Literal["join", "livestream_start", "heat_spike", "agitation"]
    incident: Id
    people: int | None = Field(default=None, ge=1, le=10000)
    events: int | None = Field(default=None, ge=1, le=100000)
    change: float | None = Field(default=None, ge=-1, le=1)


class Inject(_Msg):
    kind: Literal["inject"]
    zh: ShortText = ""
    en: ShortText = ""
    effect: Effect | None = None


class Msel(_Msg):
    kind: Literal["msel"]
    inject: int = Field(ge=1, le=10000)
    do: Literal["play", "hold", "release", "skip"]


class Facilitate(_Msg):
    type: Literal["facilitate"]
    id: int = Field(ge=0)
    action: Annotated[Inject | Msel, Field(discriminator="kind")]


class About(_Msg):
    milestone: Id | None = None
    decision: int | None = Field(default=None, ge=0)


class Note(_Msg):
    type: Literal["note"]
    id: int = Field(ge=0)
    text: Annotated[str, Field(min_length=1, max_length=2000)]
    about: About = About()


ClientMessage = Annotated[
    Hello | Decide | Package | Check | Clock | Discuss | Facilitate | Note, Field(discriminator="type")
]
_CLIENT: TypeAdapter[Any] = TypeAdapter(ClientMessage)


class BadMessage(ValueError):
    """A message the host will not act on; the text says why (sent back to the client)."""


def parse_client(raw: str | bytes) -> Any:
    """A validated client message, or BadMessage."""
    if isinstance(raw, bytes):
        raise BadMessage("binary frames are not part of the protocol")
    if len(raw.encode("utf-8")) > MAX_CLIENT_MESSAGE_BYTES:
        raise BadMessage("message too large")
    try:
        data = json.loads(raw)
    except json.JSONDecodeError:
        raise BadMessage("not JSON") from None
    try:
        return _CLIENT.validate_python(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        where = ".".join(str(x) for x in err["loc"])
        raise BadMessage(f"{where}: {err['msg']}") from None


# --- decisions as data -------------------------------------------------------------------------


@cache
def _field_adapters(kind: str) -> dict[str, TypeAdapter[Any]]:
    cls = D.BY_KIND[kind]
    hints = typing.get_type_hints(cls)
    return {f.name: TypeAdapter(hints[f.name]) for f in dataclasses.fields(cls)}


def decision_from_wire(data: dict[str, Any]) -> Decision:
    """A decision from the wire: a known trainee decision kind with only its own
    fields, each of its declared type (strict: no coercion); raises BadMessage."""
    from .forms import DECISION_KEYS

    kind = data.get("kind")
    if not isinstance(kind, str) or kind not in DECISION_KEYS:
        raise BadMessage(f"decision.kind: not a decision a seat can take: {kind!r}")
    adapters = _field_adapters(kind)
    extra = set(data) - set(adapters) - {"kind"}
    if extra:
        raise BadMessage(f"decision: unknown field(s) {', '.join(sorted(extra))}")
    values: dict[str, Any] = {}
    for key, value in data.items():
        if key == "kind":
            continue
        if isinstance(value, str) and len(value) > 200:
            raise BadMessage(f"decision.{key}: too long")
        try:
            values[key] = adapters[key].validate_python(value, strict=True)
        except ValidationError as exc:
            raise BadMessage(f"decision.{key}: {exc.errors()[0]['msg']}") from None
    try:
        decision: Decision = D.BY_KIND[kind](**values)
    except (TypeError, ValueError) as exc:
        raise BadMessage(f"decision: {exc}") from None
    return decision


def action_from_wire(action: Inject | Msel) -> FacilitatorAction:
    if isinstance(action, Inject):
        if not (action.zh.strip() or action.en.strip()):
            raise BadMessage("action: an inject needs a text")
        effect = action.effect.model_dump(exclude_none=True) if action.effect is not None else None
        return AdHocInject(action.zh.strip(), action.en.strip(), effect)
    return MselAction(action.inject, action.do)


def dumps(message: dict[str, Any]) -> str:
    return json.dumps(message, ensure_ascii=False, separators=(",", ":"))
