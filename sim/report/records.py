"""What the report needs from a journal beyond the decisions replay applies:
the seat each decision came from, the facilitator's actions and the
evaluators' notes (CONTRACTS.md's journal records).

``sim.journal`` keeps only the decisions for now; until its validated reader
carries seats, notes and facilitator records, they are read here from the same
file, record by record, ignoring what is not theirs.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

FACILITATOR_KIND = "facilitator_inject"  # how a facilitator inject was journaled before its own record type


@dataclass(frozen=True)
class SeatedDecision:
    index: int  # its place among the journal's decision records, from 0 (what a note's about.decision names)
    t: float
    kind: str
    data: dict[str, Any]
    seat: str | None


@dataclass(frozen=True)
class FacilitatorAction:
    t: float
    kind: str
    data: dict[str, Any]


@dataclass(frozen=True)
class EvaluatorNote:
    t: float
    text: str
    seat: str | None
    milestone: str | None = None
    decision: int | None = None  # index of the decision record it is about


@dataclass
class Records:
    decisions: list[SeatedDecision] = field(default_factory=list)  # the team's, facilitator's excluded
    facilitator: list[FacilitatorAction] = field(default_factory=list)
    notes: list[EvaluatorNote] = field(default_factory=list)

    @property
    def seated(self) -> bool:
        return any(d.seat for d in self.decisions)

    def notes_on_milestone(self, mid: str) -> list[EvaluatorNote]:
        return [n for n in self.notes if n.milestone == mid]

    def notes_on_decision(self, index: int) -> list[EvaluatorNote]:
        return [n for n in self.notes if n.decision == index]

    def general_notes(self) -> list[EvaluatorNote]:
        return [n for n in self.notes if n.milestone is None and n.decision is None]


def _float(value: Any) -> float | None:
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def read_records(lines: list[str]) -> Records:
    """Seats, facilitator actions and evaluator notes from a journal's lines
    (header first). Records the journal reader refuses never reach here;
    anything malformed in the optional fields is skipped, not guessed."""
    out = Records()
    index = 0
    for line in lines[1:]:
        try:
            record = json.loads(line)
        except json.JSONDecodeError:
            continue  # a torn last line: the journal reader already dropped it
        if not isinstance(record, dict):
            continue
        t = _float(record.get("t"))
        if t is None:
            continue
        kind = record.get("type")
        if kind == "decision" and isinstance(record.get("decision"), dict):
            data = dict(record["decision"])
            what = str(data.pop("kind", ""))
            if what == FACILITATOR_KIND:
                out.facilitator.append(FacilitatorAction(t, what, data))
            else:
                seat = record.get("seat")
                out.decisions.append(
                    SeatedDecision(index, t, what, data, seat if isinstance(seat, str) else None)
                )
            index += 1
        elif kind == "facilitator" and isinstance(record.get("action"), dict):
            data = dict(record["action"])
            out.facilitator.append(FacilitatorAction(t, str(data.pop("kind", "")), data))
        elif kind == "note" and record.get("what") == "evaluation" and str(record.get("text") or "").strip():
            raw = record.get("about")
            about: dict[str, Any] = raw if isinstance(raw, dict) else {}
            milestone = about.get("milestone")
            decision = about.get("decision")
            seat = record.get("seat")
            out.notes.append(
                EvaluatorNote(
                    t,
                    str(record["text"]).strip(),
                    seat if isinstance(seat, str) else None,
                    str(milestone) if isinstance(milestone, str) else None,
                    decision if isinstance(decision, int) and not isinstance(decision, bool) else None,
                )
            )
    return out
