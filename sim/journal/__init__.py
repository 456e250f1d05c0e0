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

from .reader import Journal, read_journal, resolve_sources
from .records import (
    FORMAT,
    VERSION,
    ClockRecord,
    DecisionRecord,
    FacilitatorRecord,
    Header,
    InjectAction,
    JournalError,
    JournalExists,
    MselAction,
    NoteRecord,
    action_record,
    decision_of,
    decision_record,
)
from .writer import JournalWriter

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
