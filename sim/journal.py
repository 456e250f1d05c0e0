"""The drill journal: what a drill needs to be played again exactly.

A JSON Lines file. The first line is the header: the plan and scenario
(where they were read from, with the SHA-256 of their content), the seed, the
model's version and any parameter overrides. Each further line is one confirmed decision with its
simulated time, appended, flushed and fsynced as it is made, so killing the
process at any moment loses no confirmed decision. A torn last line (the
process died mid-write) is ignored on reading.

Because the model is deterministic, the journal is enough to rebuild the
whole drill: ``replay`` re-applies the decisions at their times and gives a
byte-identical event log.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from .engine.version import MODEL_VERSION
from .spec import catalog
from .spec.loader import file_hash, load_plan_file, load_scenario_file

FORMAT = "petition-drill journal"
VERSION = 1


class JournalError(Exception):
    """A journal that cannot be read or replayed as it is; the message says why."""


@dataclass
class Journal:
    path: Path
    header: dict[str, Any]
    decisions: list[tuple[float, dict[str, Any]]] = field(default_factory=list)

    @property
    def seed(self) -> int:
        return int(self.header["seed"])

    @property
    def last_time(self) -> float:
        return self.decisions[-1][0] if self.decisions else 0.0


def _source(kind: str, name_or_path: str | Path) -> dict[str, Any]:
    path = catalog.plan_path(name_or_path) if kind == "plan" else catalog.scenario_path(name_or_path)
    shipped = path.resolve().is_relative_to(catalog.data_root().resolve())
    return {
        "id": path.stem,
        "path": path.stem if shipped else str(path.resolve()),
        "shipped": shipped,
        "sha256": file_hash(path),
    }


class JournalWriter:
    """Appends decisions to a new journal file as they are confirmed."""

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
        self.header = {
            "format": FORMAT,
            "version": VERSION,
            "created": datetime.now(UTC).isoformat(timespec="seconds"),
            "plan": _source("plan", plan),
            "scenario": _source("scenario", scenario),
            "seed": int(seed),
            "model": MODEL_VERSION,
            "params": params or {},
            **(extra or {}),
        }
        self.path.parent.mkdir(parents=True, exist_ok=True)
        # "x": never overwrite an earlier drill's journal
        self._file = open(self.path, "x", encoding="utf-8")
        self._write({"type": "header", **self.header})

    @classmethod
    def reopen(cls, journal: Journal) -> JournalWriter:
        """Continue appending to an existing journal (after ``resume``)."""
        self = cls.__new__(cls)
        self.path = journal.path
        self.header = journal.header
        with open(self.path, "rb") as fh:
            data = fh.read()
        if data and not data.endswith(b"\n"):
            # drop a torn last line so the next record starts on a line of its own
            with open(self.path, "wb") as fh:
                fh.write(data[: data.rfind(b"\n") + 1])
        self._file = open(self.path, "a", encoding="utf-8")
        return self

    def _write(self, record: dict[str, Any]) -> None:
        self._file.write(json.dumps(record, ensure_ascii=False, sort_keys=True) + "\n")
        self._file.flush()
        os.fsync(self._file.fileno())

    def record(self, t: float, decision: dict[str, Any], seat: str | None = None) -> None:
        """A confirmed decision; ``seat`` is the role that took it (drill room)."""
        record: dict[str, Any] = {"type": "decision", "t": t, "decision": decision}
        if seat is not None:
            record["seat"] = seat
        self._write(record)

    def facilitator(self, t: float, action: dict[str, Any]) -> None:
        """A facilitator's action (an inject; the MSEL's play / hold / skip): not a team decision."""
        self._write({"type": "facilitator", "t": t, "action": action, "seat": "facilitator"})

    def clock(self, t: float) -> None:
        """Where the drill stood (on pause and every simulated minute): resume restores the time."""
        self._write({"type": "clock", "t": t})

    def note(self, t: float, what: str, **data: Any) -> None:
        """A remark that replay ignores (e.g. the drill ended, the debrief was opened)."""
        self._write({"type": "note", "t": t, "what": what, **data})

    def close(self) -> None:
        if not self._file.closed:
            self._file.close()


def read_journal(path: str | Path) -> Journal:
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise JournalError(f"{path}: cannot read journal ({exc.strerror})") from None
    lines = raw.splitlines()
    if not lines:
        raise JournalError(f"{path}: empty journal")
    records = []
    for n, line in enumerate(lines, 1):
        try:
            records.append(json.loads(line.decode("utf-8")))
        except (UnicodeDecodeError, json.JSONDecodeError):
            if n == len(lines) and n > 1 and not raw.endswith(b"\n"):
                break  # torn last line: the process died while writing it (maybe mid-character)
            if n == 1:
                raise JournalError(f"{path}:1: not a drill journal (no header line)") from None
            raise JournalError(f"{path}:{n}: not valid JSON") from None
    if any(not isinstance(r, dict) for r in records):
        n = next(i for i, r in enumerate(records, 1) if not isinstance(r, dict))
        raise JournalError(f"{path}:{n}: not a journal record")
    header = records[0] if records else {}
    if header.get("type") != "header" or header.get("format") != FORMAT:
        raise JournalError(f"{path}:1: not a drill journal (no header line)")
    if header.get("version") != VERSION:
        raise JournalError(f"{path}:1: journal version {header.get('version')} is not supported")
    journal = Journal(path, header)
    for n, record in enumerate(records[1:], 2):
        if record.get("type") == "decision":
            try:
                journal.decisions.append((float(record["t"]), dict(record["decision"])))
            except (KeyError, TypeError, ValueError):
                raise JournalError(f"{path}:{n}: malformed decision record") from None
    return journal


def resolve_sources(journal: Journal, force: bool = False) -> tuple[Any, Any, list[str]]:
    """Load the journal's plan and scenario; refuse (or, forced, warn) if they changed."""
    changes: list[str] = []
    loaded = []
    for kind in ("plan", "scenario"):
        src = journal.header.get(kind)
        if not isinstance(src, dict) or "path" not in src or "sha256" not in src:
            raise JournalError(f"{journal.path}:1: the header does not say which {kind} was played")
        try:
            path = catalog.plan_path(src["path"]) if kind == "plan" else catalog.scenario_path(src["path"])
        except Exception as exc:
            raise JournalError(f"the journal's {kind} {src['path']!r} cannot be found: {exc}") from None
        now = file_hash(path)
        if now != src["sha256"]:
            changes.append(
                f"{kind} file {path} changed since the drill was played "
                f"(sha256 {src['sha256'][:12]}… then, {now[:12]}… now)"
            )
        loaded.append(path)
    model = journal.header.get("model", 1)  # journals from before the field: the first model
    if model != MODEL_VERSION:
        changes.append(
            f"the drill was played with model version {model}; this is version {MODEL_VERSION}, "
            "which can give other results for the same decisions"
        )
    if changes and not force:
        raise JournalError("; ".join(changes) + ". Re-run with --force to replay it anyway.")
    plan, _ = load_plan_file(loaded[0])
    scenario, _ = load_scenario_file(loaded[1])
    return plan, scenario, changes
