"""Rebuilding a drill from its journal: replay and resume.

Replay re-applies each journaled decision (and facilitator action) at its
simulated time to a fresh Drill with the same seed, through the one script
player; because the model is deterministic, the event log is byte-identical
to the original up to the last record. Resume is a replay that stops there,
ready to go on.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .engine import params as P
from .engine.drill import Drill
from .journal import DecisionRecord, FacilitatorRecord, Journal, JournalError, resolve_sources
from .script import Refusal, Script, ScriptRefused, Timed, action_from_dict


@dataclass
class Replayed:
    drill: Drill
    changes: list[str] = field(default_factory=list)  # files that changed (only with force)
    refused: list[tuple[float, str, str]] = field(default_factory=list)  # (t, kind, reason)


def script_of(journal: Journal) -> Script:
    """The journal's decisions (with their seats) and facilitator actions, in
    journal order, as a script; a record that cannot be read, or one earlier
    than the record before it, is a JournalError."""
    items: list[Timed] = []
    last = 0.0
    for record in journal.records:
        if isinstance(record, DecisionRecord):
            data, seat = record.decision.model_dump(mode="json", exclude_none=True), record.seat
        elif isinstance(record, FacilitatorRecord):
            data, seat = record.action.model_dump(mode="json", exclude_none=True), None
        else:
            continue  # a clock record or a note: nothing to apply
        if record.t < last - 1e-9:
            raise JournalError(f"{journal.path}: records go back in time at {record.t:g} min")
        last = record.t
        try:
            items.append(Timed(float(record.t), action_from_dict(data), seat))
        except (TypeError, ValueError) as exc:
            raise JournalError(f"{journal.path}: a record cannot be read: {exc}") from None
    return Script(items)


def rebuild(journal: Journal, force: bool = False, until_end: bool = False) -> Replayed:
    """A Drill with the journal's records applied; at the last record's time, or
    at the horizon with ``until_end``."""
    plan, scenario, changes = resolve_sources(journal, force)
    plan, scenario = P.apply(plan, scenario, journal.header.get("params") or None)
    drill = Drill(plan, scenario, journal.seed)
    script = script_of(journal)
    until = drill.horizon if until_end else max((i.t for i in script.items), default=0.0)
    try:
        played = script.play(drill, Refusal.RECORD if force else Refusal.RAISE, until=until)
    except ScriptRefused as exc:
        raise JournalError(
            f"{journal.path}: the {exc.kind} at {exc.t:g} min is refused on replay ({exc.reason}); "
            "the journal does not match this model"
        ) from None
    return Replayed(drill, changes, [(r.t, r.kind, r.reason) for r in played.refused])
