"""The drill journal: what a drill needs to be played again exactly.

A JSON Lines file. The first line is the header: the plan and scenario
(where they were read from, with the SHA-256 of their content), the seed, the
model's version and any parameter overrides. Each further line is one record,
appended, flushed and fsynced as it is made, so killing the process at any
moment loses nothing confirmed. A torn last line (the process died mid-write)
is ignored on reading.

Every record is checked against one schema (pydantic, strict: no number read
from a string, no 1.5 taken for 1), once, when the journal is read; every
reader — replay, resume, compare, report, debrief, a resumed hosted drill —
gets the same validated records or the same error, naming the line and the
field. The records:

    {"type": "header", "format": ..., "version": 1, "created": ..., "plan": {...},
     "scenario": {...}, "seed": <int 0..2**63-1>, "model": <int>, "params": {...}, ...}
    {"type": "decision", "t": <minutes>, "decision": {"kind": ..., <fields>}, "seat": <role>?}
    {"type": "facilitator", "t": ..., "action": {"kind": "inject" | "msel", ...}, "seat": "facilitator"}
    {"type": "clock", "t": ...}                  where a played drill stood (pause, every minute)
    {"type": "note", "t": ..., "what": ..., ...} remarks that replay ignores

``t`` is a finite number of minutes >= 0 and never decreases down the file
across decisions, facilitator actions and clock records (a note, a remark,
may be about any moment).
A decision's fields are typed from the engine's decision dataclasses (a level
is one of IV, III, II, I; a count an integer >= 1; a name an id), so a record
the engine could not take is refused on reading, not half-way through a replay.

Because the model is deterministic, the journal is enough to rebuild the
whole drill: ``replay`` re-applies the decisions at their times and gives a
byte-identical event log.
"""

from __future__ import annotations

import dataclasses
import json
import typing
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError, create_model

from .engine import decisions as D
from .engine.version import MODEL_VERSION
from .errors import UserFacing
from .files import (
    FileProblem,
    OutputError,
    append_line,
    atomic_output,
    display,
    make_folders,
    read_regular,
    remove_folders,
)
from .spec import catalog
from .spec.common import ID_PATTERN
from .spec.limits import MAX_JOURNAL_BYTES, MAX_PEOPLE_PER_INCIDENT, MAX_SEED, MAX_YAML_BYTES
from .spec.plan import LevelName
from .spec.problems import SpecError
from .spec.scenario import Effect

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
_HEADER = TypeAdapter(Header)
_RECORD: TypeAdapter[Any] = TypeAdapter(Record)
_DECISION: TypeAdapter[Any] = TypeAdapter(DecisionPayload)
_ACTION: TypeAdapter[Any] = TypeAdapter(FacilitatorPayload)


_RECORD_TYPES = ("decision", "facilitator", "clock", "note")
_UNION_FIELDS = ("decision", "action", "effect")
_TAGS = (
    {cls.kind for cls in D.ALL}
    | {"facilitator_inject", "inject", "msel"}
    | {"join", "livestream_start", "heat_spike", "agitation"}
)


def _problem(exc: ValidationError) -> str:
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
        raise JournalError(f"not {what} a journal can hold: {_problem(exc)}") from None
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


# --- the journal as read -------------------------------------------------------------------


@dataclass
class Journal:
    """A validated journal. ``header`` and ``decisions`` are plain data
    (``decisions``: (t, the decision's ``to_dict()`` form)); ``records`` holds
    every record after the header, typed."""

    path: Path
    header: dict[str, Any]
    decisions: list[tuple[float, dict[str, Any]]] = field(default_factory=list)
    records: list[Any] = field(default_factory=list)

    @property
    def seed(self) -> int:
        return int(self.header["seed"])

    @property
    def last_time(self) -> float:
        """The time of the last decision (0 without one)."""
        return self.decisions[-1][0] if self.decisions else 0.0

    @property
    def stood_at(self) -> float:
        """Where the drill last stood: the latest decision, facilitator action or
        clock record (a paused drill's clock is later than its last decision).
        Notes are remarks and do not move the clock."""
        return max((r.t for r in self.records if not isinstance(r, NoteRecord)), default=0.0)

    @property
    def actions(self) -> list[tuple[float, dict[str, Any]]]:
        """Facilitator actions with their times, as plain data."""
        return [
            (r.t, r.action.model_dump(mode="json", exclude_none=True))
            for r in self.records
            if isinstance(r, FacilitatorRecord)
        ]

    def timed_decisions(self) -> list[tuple[float, D.Decision, str | None]]:
        """(t, the engine's decision, the seat that took it) in journal order (the
        team's: a facilitator's inject journaled as a decision is not one)."""
        return [
            (r.t, decision_of(r.decision), r.seat)
            for r in self.records
            if isinstance(r, DecisionRecord) and not isinstance(r.decision, LegacyInjectRecord)
        ]


def _reject_constant(name: str) -> float:
    raise ValueError(f"{name} is not a number a journal may hold")


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise ValueError(f"field {key!r} appears twice")
        out[key] = value
    return out


def _parse_line(line: bytes) -> Any:
    return json.loads(line.decode("utf-8"), parse_constant=_reject_constant, object_pairs_hook=_no_duplicates)


def read_journal(path: str | Path) -> Journal:
    """Read and validate a whole journal; JournalError names the line and field of the first problem."""
    path = Path(path)
    shown = display(path)
    try:
        raw = read_regular(path, MAX_JOURNAL_BYTES, "journal")
    except FileProblem as exc:
        raise JournalError(str(exc)) from None
    lines = raw.split(b"\n")
    if lines and lines[-1] == b"":
        lines.pop()
    if not lines or not any(line.strip() for line in lines):
        raise JournalError(f"{shown}: empty journal")
    torn_ok = not raw.endswith(b"\n")
    parsed: list[Any] = []
    for n, line in enumerate(lines, 1):
        try:
            parsed.append(_parse_line(line))
        except (UnicodeDecodeError, ValueError) as exc:
            if n == len(lines) and n > 1 and torn_ok:
                break  # torn last line: the process died while writing it (maybe mid-character)
            if n == 1:
                raise JournalError(f"{shown}:1: not a drill journal (no header line)") from None
            why = (
                str(exc) if isinstance(exc, ValueError) and not isinstance(exc, json.JSONDecodeError) else ""
            )
            raise JournalError(f"{shown}:{n}: not valid JSON{': ' + why if why else ''}") from None
    first = parsed[0]
    if not isinstance(first, dict) or first.get("type") != "header" or first.get("format") != FORMAT:
        raise JournalError(f"{shown}:1: not a drill journal (no header line)")
    if first.get("version") != VERSION:
        raise JournalError(f"{shown}:1: journal version {first.get('version')!r} is not supported")
    try:
        header = _HEADER.validate_python(first, strict=True)
    except ValidationError as exc:
        raise JournalError(f"{shown}:1: {_problem(exc)}") from None
    journal = Journal(path, header.model_dump(mode="json", exclude_none=True))
    last = 0.0
    for n, data in enumerate(parsed[1:], 2):
        if not isinstance(data, dict):
            raise JournalError(f"{shown}:{n}: not a journal record (an object with a type)")
        if data.get("type") == "header":
            raise JournalError(f"{shown}:{n}: a second header")
        try:
            record = _RECORD.validate_python(data, strict=True)
        except ValidationError as exc:
            raise JournalError(f"{shown}:{n}: {_problem(exc)}") from None
        if not isinstance(record, NoteRecord):  # a remark may be about any moment
            if record.t < last:
                raise JournalError(f"{shown}:{n}: t: goes back in time ({record.t:g} min after {last:g} min)")
            last = record.t
        journal.records.append(record)
        if isinstance(record, DecisionRecord):
            journal.decisions.append((record.t, record.decision.model_dump(mode="json", exclude_none=True)))
    return journal


# --- where the journal's files are ---------------------------------------------------------------


def _source(kind: str, name_or_path: str | Path) -> dict[str, Any]:
    from .spec.loader import file_hash

    path = catalog.plan_path(name_or_path) if kind == "plan" else catalog.scenario_path(name_or_path)
    shipped = path.resolve().is_relative_to(catalog.data_root().resolve())
    return {
        "id": path.stem,
        "path": path.stem if shipped else str(path.resolve()),
        "shipped": shipped,
        "sha256": file_hash(path),
    }


def resolve_sources(journal: Journal, force: bool = False) -> tuple[Any, Any, list[str]]:
    """Load the journal's plan and scenario; refuse (or, forced, warn) if they
    changed. Also checks what needs them: its parameter overrides, and that no
    record falls after the scenario's horizon."""
    import hashlib

    from .engine import params as P
    from .spec.loader import load_plan_text, load_scenario_text

    changes: list[str] = []
    loaded: list[tuple[Path, bytes]] = []
    for kind in ("plan", "scenario"):
        src = journal.header[kind]
        try:
            path = catalog.plan_path(src["path"]) if kind == "plan" else catalog.scenario_path(src["path"])
            raw = read_regular(path, MAX_YAML_BYTES, f"{kind} file")
        except (SpecError, FileProblem) as exc:
            raise JournalError(f"the journal's {kind} {src['path']!r} cannot be read: {exc}") from None
        now = hashlib.sha256(raw).hexdigest()
        if now != src["sha256"]:
            changes.append(
                f"{kind} file {display(path)} changed since the drill was played "
                f"(sha256 {src['sha256'][:12]}… then, {now[:12]}… now)"
            )
        loaded.append((path, raw))
    model = journal.header.get("model", 1)
    if model != MODEL_VERSION:
        changes.append(
            f"the drill was played with model version {model}; this is version {MODEL_VERSION}, "
            "which can give other results for the same decisions"
        )
    if changes and not force:
        raise JournalError("; ".join(changes) + ". Re-run with --force to replay it anyway.")
    plan, _ = load_plan_text(loaded[0][1], loaded[0][0])
    scenario, _ = load_scenario_text(loaded[1][1], loaded[1][0])
    try:
        P.apply(plan, scenario, journal.header.get("params") or None)
    except SpecError as exc:
        raise JournalError(
            f"{display(journal.path)}:1: params: " + "; ".join(f"{p.path}: {p.message}" for p in exc.problems)
        ) from None
    late = next((r for r in journal.records if r.t > scenario.horizon_min), None)
    if late is not None:
        n = journal.records.index(late) + 2
        raise JournalError(
            f"{display(journal.path)}:{n}: t: {late.t:g} min is after the scenario's end "
            f"({scenario.horizon_min:g} min)"
        )
    return plan, scenario, changes


# --- writing -----------------------------------------------------------------------------------


class JournalWriter:
    """Appends records to a journal as they are confirmed, each flushed and fsynced.

    The file appears with its header complete (written beside it and linked
    into place) or not at all: a journal that could not be started leaves
    nothing behind, and an existing one is never overwritten. Every record is
    checked against the schema before it is written, so a writer can never
    produce a journal its readers refuse."""

    def __init__(
        self,
        path: str | Path,
        plan: str | Path,
        scenario: str | Path,
        seed: int,
        params: dict[str, Any] | None = None,
        extra: dict[str, Any] | None = None,
    ):
        self.path = Path(path)
        header = {
            "type": "header",
            "format": FORMAT,
            "version": VERSION,
            "created": datetime.now(UTC).isoformat(timespec="seconds"),
            "plan": _source("plan", plan),
            "scenario": _source("scenario", scenario),
            "seed": seed,
            "model": MODEL_VERSION,
            "params": params or {},
            **(extra or {}),
        }
        try:
            self.header = _HEADER.validate_python(header, strict=True).model_dump(
                mode="json", exclude_none=True
            )
        except ValidationError as exc:
            raise JournalError(f"{display(self.path)}: cannot start a journal: {_problem(exc)}") from None
        self.last_t = 0.0
        created = make_folders(self.path.parent)
        try:
            with atomic_output(self.path, "w", exclusive=True) as fh:
                fh.write(_line(self.header))
        except FileExistsError:
            raise JournalExists(
                f"{display(self.path)} already exists; a journal is never overwritten"
            ) from None
        except BaseException:
            remove_folders(created)  # a journal that could not start leaves nothing behind
            raise
        self._file = self._open_append()

    def _open_append(self) -> IO[str]:
        try:
            return open(self.path, "a", encoding="utf-8")
        except OSError as exc:
            raise OutputError.of(self.path, exc) from None

    @classmethod
    def reopen(cls, journal: Journal) -> JournalWriter:
        """Continue appending to an existing journal (after ``resume``)."""
        self = cls.__new__(cls)
        self.path = journal.path
        self.header = journal.header
        self.last_t = journal.stood_at
        raw = read_regular(self.path, MAX_JOURNAL_BYTES, "journal")
        if raw and not raw.endswith(b"\n"):
            # drop a torn last line so the next record starts on a line of its own
            try:
                with open(self.path, "r+b") as fh:
                    fh.truncate(raw.rfind(b"\n") + 1)
                    fh.flush()
                    import os

                    os.fsync(fh.fileno())
            except OSError as exc:
                raise OutputError.of(self.path, exc) from None
        self._file = self._open_append()
        return self

    def _write(self, record: dict[str, Any]) -> None:
        try:
            checked = _RECORD.validate_python(record, strict=True)
        except ValidationError as exc:
            raise JournalError(
                f"{display(self.path)}: not a record a journal can hold: {_problem(exc)}"
            ) from None
        timed = not isinstance(checked, NoteRecord)
        if timed and checked.t < self.last_t:
            raise JournalError(
                f"{display(self.path)}: a record at {checked.t:g} min after one at {self.last_t:g} min"
            )
        append_line(self._file, _line(record), self.path)
        if timed:
            self.last_t = checked.t

    def record(self, t: float, decision: D.Decision | dict[str, Any], seat: str | None = None) -> None:
        """A confirmed decision (the object, or its ``to_dict()``), and who took it."""
        data = decision.to_dict() if isinstance(decision, D.Decision) else decision
        record: dict[str, Any] = {"type": "decision", "t": float(t), "decision": data}
        if seat is not None:
            record["seat"] = seat
        self._write(record)

    def facilitator(self, t: float, action: dict[str, Any], seat: str = "facilitator") -> None:
        self._write({"type": "facilitator", "t": float(t), "action": action, "seat": seat})

    def clock(self, t: float) -> None:
        """Where the drill stands (on pause, and every simulated minute of a played drill)."""
        self._write({"type": "clock", "t": float(t)})

    def note(self, t: float, what: str, **data: Any) -> None:
        """A remark that replay ignores (e.g. the drill ended, the debrief was opened)."""
        self._write({"type": "note", "t": float(t), "what": what, **data})

    def close(self) -> None:
        if not self._file.closed:
            self._file.close()


def _line(record: dict[str, Any]) -> str:
    return json.dumps(record, ensure_ascii=False, sort_keys=True, allow_nan=False) + "\n"


__all__ = [
    "FORMAT",
    "VERSION",
    "ClockRecord",
    "DecisionRecord",
    "FacilitatorRecord",
    "Header",
    "InjectAction",
    "Journal",
    "JournalError",
    "JournalExists",
    "JournalWriter",
    "MselAction",
    "NoteRecord",
    "action_record",
    "decision_of",
    "decision_record",
    "read_journal",
    "resolve_sources",
]
