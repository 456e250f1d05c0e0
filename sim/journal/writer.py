"""Writing a journal: the header atomically, then each record checked against the
schema, appended, flushed and fsynced as it is confirmed."""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

from pydantic import ValidationError

from ..engine import decisions as D
from ..engine.version import MODEL_VERSION
from ..files import (
    OutputError,
    append_line,
    atomic_output,
    display,
    make_folders,
    read_regular,
    remove_folders,
)
from ..spec.limits import MAX_JOURNAL_BYTES
from .reader import Journal, source_of
from .records import FORMAT, HEADER, RECORD, VERSION, JournalError, JournalExists, NoteRecord, problem_of

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
            "plan": source_of("plan", plan),
            "scenario": source_of("scenario", scenario),
            "seed": seed,
            "model": MODEL_VERSION,
            "params": params or {},
            **(extra or {}),
        }
        try:
            self.header = HEADER.validate_python(header, strict=True).model_dump(
                mode="json", exclude_none=True
            )
        except ValidationError as exc:
            raise JournalError(f"{display(self.path)}: cannot start a journal: {problem_of(exc)}") from None
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
                    os.fsync(fh.fileno())
            except OSError as exc:
                raise OutputError.of(self.path, exc) from None
        self._file = self._open_append()
        return self

    def _write(self, record: dict[str, Any]) -> None:
        try:
            checked = RECORD.validate_python(record, strict=True)
        except ValidationError as exc:
            raise JournalError(
                f"{display(self.path)}: not a record a journal can hold: {problem_of(exc)}"
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
