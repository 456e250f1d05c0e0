"""The decisions a drill accepts: data, a check, and an effect through the
owning component. Their labels for people are in ``sim.labels``; the
facilitator's actions (``sim.engine.facilitator``) are not decisions."""

from __future__ import annotations

from dataclasses import fields
from typing import Any

from .base import Decision, Estimate
from .command import (
    CallIn,
    DeclareLevel,
    Dispatch,
    EndResponse,
    OpenVenue,
    PublishStatement,
    RequestSupport,
    Summon,
)
from .drafts import AskPackageSolution, IssueInitialReply
from .site import (
    AskRepresentatives,
    ContactFamily,
    MedicalStandby,
    MoveGroup,
    SetCordon,
    StartDialogue,
    StartLegalAid,
)

ALL: tuple[type[Decision], ...] = (
    DeclareLevel,
    CallIn,
    Dispatch,
    Summon,
    OpenVenue,
    MoveGroup,
    AskRepresentatives,
    StartDialogue,
    IssueInitialReply,
    AskPackageSolution,
    PublishStatement,
    SetCordon,
    MedicalStandby,
    StartLegalAid,
    ContactFamily,
    RequestSupport,
    EndResponse,
)
BY_KIND: dict[str, type[Decision]] = {cls.kind: cls for cls in ALL}


def from_dict(data: dict[str, Any]) -> Decision:
    """Rebuild a decision from ``to_dict()`` output (journals); raises ValueError."""
    kind = data.get("kind")
    cls = BY_KIND.get(str(kind))
    if cls is None:
        raise ValueError(f"unknown decision kind {kind!r}")
    names = {f.name for f in fields(cls)}
    extra = set(data) - names - {"kind"}
    if extra:
        raise ValueError(f"{kind}: unknown field(s) {', '.join(sorted(extra))}")
    return cls(**{k: v for k, v in data.items() if k != "kind"})


__all__ = [
    "ALL",
    "BY_KIND",
    "AskPackageSolution",
    "AskRepresentatives",
    "CallIn",
    "ContactFamily",
    "Decision",
    "DeclareLevel",
    "Dispatch",
    "EndResponse",
    "Estimate",
    "IssueInitialReply",
    "MedicalStandby",
    "MoveGroup",
    "OpenVenue",
    "PublishStatement",
    "RequestSupport",
    "SetCordon",
    "StartDialogue",
    "StartLegalAid",
    "Summon",
    "from_dict",
]
