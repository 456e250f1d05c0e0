"""The journal's records: one strict schema (pydantic) for the header and every
record after it, and the codec between journal records and the engine's
decisions. The format itself is described in the package's docstring."""

from __future__ import annotations

import dataclasses
import typing
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError, create_model

from ..engine import decisions as D
from ..errors import UserFacing
from ..spec.common import ID_PATTERN
from ..spec.limits import MAX_PEOPLE_PER_INCIDENT, MAX_SEED
from ..spec.plan import LevelName
from ..spec.scenario import Effect

FORMAT = "petition-drill journal"
VERSION = 1


class JournalError(UserFacing):
    """A journal that cannot be read or replayed as it is; the message says why."""


class JournalExists(JournalError, FileExistsError):
    """A new journal's path is taken: a journal is never overwritten."""


# --- the schema -------------------------------------------------------------------------

_STRICT = ConfigDict(extra="forbid", frozen=True)

Minutes = Annotated[float, Field(ge=0, allow_inf_nan=False)]
Seed = Annotated[int, Field(ge=0, le=MAX_SEED)]
Name = Annotated[str, Field(pattern=ID_PATTERN, max_length=48)]  # an id from a plan or scenario
Role = Annotated[str, Field(min_length=1, max_length=64)]  # a seat: a role id, "facilitator", ...
Words = Annotated[str, Field(max_length=2000)]  # text people typed
Hash = Annotated[str, Field(pattern=r"^[0-9a-f]{64}$")]
ParamValue = Annotated[int, Field(strict=True)] | Annotated[float, Field(allow_inf_nan=False)] | bool | str


class SourceRef(BaseModel):
    """Which plan or scenario file was played, and its content's SHA-256."""

    model_config = _STRICT
    id: Annotated[str, Field(min_length=1, max_length=200)]
    path: Annotated[str, Field(min_length=1, max_length=4096)]
    shipped: bool
    sha256: Hash


class Header(BaseModel):
    model_config = _STRICT
    type: Literal["header"]
    format: Literal["petition-drill journal"]
    version: int
    created: Annotated[str, Field(max_length=64)]
    plan: SourceRef
    scenario: SourceRef
    seed: Seed
    model: Annotated[int, Field(ge=1)] = 1  # journals from before the field: the first model
    params: dict[Annotated[str, Field(min_length=1, max_length=200)], ParamValue] = Field(
        default_factory=dict
    )
    policy: Literal["plan", "passive"] | None = None  # a drill played headless by a policy
    participants: Words | None = None
    facilitator: Words | None = None
    room: dict[str, Any] | None = None  # the seats of a hosted drill (the room's own schema)


def _field_type(name: str, annotation: Any) -> Any:
    """The journal's type of a decision dataclass field: names are ids, counts
    are integers >= 1, levels are levels, an inject's effect is a scenario effect."""
    if name == "level":
        return LevelName
    if name == "people":
        count = Annotated[int, Field(ge=1, le=MAX_PEOPLE_PER_INCIDENT)]
        return count | None if _optional(annotation) else count
    if name == "effect":
        return Effect | None
    if name in ("zh", "en"):
        return Words
    if _optional(annotation):
        inner = [a for a in typing.get_args(annotation) if a is not type(None)]
        if inner == [str]:
            return Name | None
        return annotation
    if annotation is str:
        return Name
    return annotation


def _optional(annotation: Any) -> bool:
    return type(None) in typing.get_args(annotation)


def _decision_model(cls: type[D.Decision]) -> type[BaseModel]:
    hints = typing.get_type_hints(cls)
    fields: dict[str, Any] = {"kind": (Literal[cls.kind], ...)}
    for f in dataclasses.fields(cls):
        kind = _field_type(f.name, hints[f.name])
        has_default = f.default is not dataclasses.MISSING and f.default != ""
        fields[f.name] = (kind, f.default if has_default else ...)
    model: type[BaseModel] = create_model(cls.__name__ + "Record", __config__=_STRICT, **fields)
    return model


class LegacyInjectRecord(BaseModel):
    """A facilitator's inject journaled as a decision (``facilitator_inject``),
    as journals did before the facilitator's own record: read, and replayed as
    the facilitator's action, never as the team's decision."""

    model_config = _STRICT
    kind: Literal["facilitator_inject"]
    zh: Words = ""
    en: Words = ""
    effect: Effect | None = None


_DECISION_MODELS = (*(_decision_model(cls) for cls in D.ALL), LegacyInjectRecord)
if typing.TYPE_CHECKING:
    DecisionPayload = BaseModel
else:
    DecisionPayload = Annotated[typing.Union[_DECISION_MODELS], Field(discriminator="kind")]  # noqa: UP007


class InjectAction(BaseModel):
    """An inject the facilitator adds during the drill: a message, and maybe a model effect."""

    model_config = _STRICT
    kind: Literal["inject"]
    zh: Words = ""
    en: Words = ""
    effect: Effect | None = None


class MselAction(BaseModel):
    """An operation on a scheduled inject of the scenario's MSEL: play it now,
    hold it, release a held one, or skip it (``inject`` counts from 1, as the
    log's ``msel:N`` subjects do)."""

    model_config = _STRICT
    kind: Literal["msel"]
    inject: Annotated[int, Field(ge=1, le=10_000)]
    do: Literal["play", "hold", "release", "skip"]


FacilitatorPayload = Annotated[InjectAction | MselAction, Field(discriminator="kind")]


class DecisionRecord(BaseModel):
    model_config = _STRICT
    type: Literal["decision"]
    t: Minutes
    decision: DecisionPayload
    seat: Role | None = None


class FacilitatorRecord(BaseModel):
    model_config = _STRICT
    type: Literal["facilitator"]
    t: Minutes
    action: FacilitatorPayload
    seat: Role = "facilitator"


class ClockRecord(BaseModel):
    model_config = _STRICT
    type: Literal["clock"]
    t: Minutes


class About(BaseModel):
    """What an evaluator's note is about: a milestone, the n-th decision, or the drill."""

    model_config = _STRICT
    milestone: Name | None = None
    decision: Annotated[int, Field(ge=0)] | None = None


class NoteRecord(BaseModel):
    """A remark replay ignores; besides these fields it may carry plain data."""

    model_config = ConfigDict(extra="allow", frozen=True)
    type: Literal["note"]
    t: Minutes
    what: Annotated[str, Field(min_length=1, max_length=64)]
    seat: Role | None = None
    text: Annotated[str, Field(max_length=20_000)] | None = None
    about: About | None = None


Record = Annotated[DecisionRecord | FacilitatorRecord | ClockRecord | NoteRecord, Field(discriminator="type")]
HEADER = TypeAdapter(Header)
RECORD: TypeAdapter[Any] = TypeAdapter(Record)
_DECISION: TypeAdapter[Any] = TypeAdapter(DecisionPayload)
_ACTION: TypeAdapter[Any] = TypeAdapter(FacilitatorPayload)


_RECORD_TYPES = ("decision", "facilitator", "clock", "note")
_UNION_FIELDS = ("decision", "action", "effect")
_TAGS = (
    {cls.kind for cls in D.ALL}
    | {"facilitator_inject", "inject", "msel"}
    | {"join", "livestream_start", "heat_spike", "agitation"}
)


def problem_of(exc: ValidationError) -> str:
    """The first error of a record, as ``field.path: what is wrong, got X``."""
    err = exc.errors()[0]
    loc = [str(p) for p in err["loc"]]
    # tagged unions put the tag in the location (decision.declare_level.level): drop it
    parts: list[str] = []
    for n, part in enumerate(loc):
        if n == 0 and part in _RECORD_TYPES:
            continue
        if n > 0 and loc[n - 1] in _UNION_FIELDS and part in _TAGS:
            continue
        parts.append(part)
    where = ".".join(parts)
    kind = err["type"]
    if kind == "missing":
        msg = "missing"
    elif kind == "extra_forbidden":
        msg = "unknown field"
    elif kind in ("union_tag_invalid", "union_tag_not_found"):
        ctx = err.get("ctx", {})
        tag = str(ctx.get("discriminator", "kind")).strip("'")
        where = ".".join([*parts, tag]) if parts else tag
        msg = f"must be one of {ctx.get('expected_tags', '')}"
        if kind == "union_tag_invalid":
            msg += f", got {ctx.get('tag')!r}"
    else:
        msg = str(err["msg"])
        msg = msg.removeprefix("Value error, ")
        msg = msg[:1].lower() + msg[1:]
        if "input" in err and not isinstance(err["input"], dict):
            shown = repr(err["input"])
            msg += f", got {shown[:80] + '…' if len(shown) > 80 else shown}"
    return f"{where}: {msg}" if where else msg


# --- the decision codec ------------------------------------------------------------------


def _checked(adapter: TypeAdapter[Any], data: dict[str, Any], what: str) -> dict[str, Any]:
    try:
        payload = adapter.validate_python(data, strict=True)
    except ValidationError as exc:
        raise JournalError(f"not {what} a journal can hold: {problem_of(exc)}") from None
    out: dict[str, Any] = payload.model_dump(mode="json", exclude_none=True)
    return out


def decision_record(decision: D.Decision | dict[str, Any]) -> dict[str, Any]:
    """The ``decision`` object of a journal record for a decision (validated);
    raises JournalError if it is not one a journal can hold."""
    data = decision.to_dict() if isinstance(decision, D.Decision) else dict(decision)
    return _checked(_DECISION, data, "a decision")


def decision_of(payload: dict[str, Any] | BaseModel) -> D.Decision:
    """The engine's decision object for a (validated) journal decision."""
    data = payload.model_dump(mode="json", exclude_none=True) if isinstance(payload, BaseModel) else payload
    return D.from_dict(data)


def action_record(action: dict[str, Any]) -> dict[str, Any]:
    """A facilitator action as a journal holds it (validated)."""
    return _checked(_ACTION, action, "a facilitator action")
