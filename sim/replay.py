"""Rebuilding a drill from its journal: replay and resume.

Replay re-applies each journaled decision at its simulated time to a fresh
Drill with the same seed; because the model is deterministic, the event log
is byte-identical to the original up to the last decision. Resume is a
replay that stops there, ready to go on.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .engine import decisions as D
from .engine import params as P
from .engine.drill import Drill
from .journal import Journal, JournalError, resolve_sources


@dataclass
class Replayed:
    drill: Drill
    changes: list[str] = field(default_factory=list)  # files that changed (only with force)
    refused: list[tuple[float, str, str]] = field(default_factory=list)  # (t, kind, reason)


def rebuild(journal: Journal, force: bool = False, until_end: bool = False) -> Replayed:
    """A Drill with the journal's decisions applied; at the last decision's
    time, or at the horizon with ``until_end``."""
    plan, scenario, changes = resolve_sources(journal, force)
    plan, scenario = P.apply(plan, scenario, journal.header.get("params") or None)
    drill = Drill(plan, scenario, journal.seed)
    out = Replayed(drill, changes)
    for t, data in journal.decisions:
        try:
            decision = D.from_dict(data)
        except (TypeError, ValueError) as exc:
            raise JournalError(f"{journal.path}: decision at {t:g} min cannot be read: {exc}") from None
        if t < drill.now - 1e-9:
            raise JournalError(f"{journal.path}: decisions go back in time at {t:g} min")
        drill.advance(t)
        outcome = drill.decide(decision)
        if not outcome.accepted:
            if not force:
                raise JournalError(
                    f"{journal.path}: the decision {decision.kind} at {t:g} min is refused on replay "
                    f"({outcome.reason}); the journal does not match this model"
                )
            out.refused.append((t, decision.kind, outcome.reason or ""))
    if until_end:
        drill.advance(drill.horizon)
    return out
