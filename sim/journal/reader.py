"""Reading a journal: every line parsed strictly and validated once, the same
for every reader; and finding the plan and scenario it was played on."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from ..engine import decisions as D
from ..engine.version import MODEL_VERSION
from ..files import FileProblem, display, read_regular
from ..spec import catalog
from ..spec.limits import MAX_JOURNAL_BYTES, MAX_YAML_BYTES
from ..spec.problems import SpecError
from .records import (
    FORMAT,
    HEADER,
    RECORD,
    VERSION,
    DecisionRecord,
    FacilitatorRecord,
    JournalError,
    LegacyInjectRecord,
    NoteRecord,
    decision_of,
    problem_of,
)

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
        header = HEADER.validate_python(first, strict=True)
    except ValidationError as exc:
        raise JournalError(f"{shown}:1: {problem_of(exc)}") from None
    journal = Journal(path, header.model_dump(mode="json", exclude_none=True))
    last = 0.0
    for n, data in enumerate(parsed[1:], 2):
        if not isinstance(data, dict):
            raise JournalError(f"{shown}:{n}: not a journal record (an object with a type)")
        if data.get("type") == "header":
            raise JournalError(f"{shown}:{n}: a second header")
        try:
            record = RECORD.validate_python(data, strict=True)
        except ValidationError as exc:
            raise JournalError(f"{shown}:{n}: {problem_of(exc)}") from None
        if not isinstance(record, NoteRecord):  # a remark may be about any moment
            if record.t < last:
                raise JournalError(f"{shown}:{n}: t: goes back in time ({record.t:g} min after {last:g} min)")
            last = record.t
        journal.records.append(record)
        if isinstance(record, DecisionRecord):
            journal.decisions.append((record.t, record.decision.model_dump(mode="json", exclude_none=True)))
    return journal


# --- where the journal's files are ---------------------------------------------------------------


def source_of(kind: str, name_or_path: str | Path) -> dict[str, Any]:
    from ..spec.loader import file_hash

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

    from ..engine import params as P
    from ..spec.loader import load_plan_text, load_scenario_text

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
