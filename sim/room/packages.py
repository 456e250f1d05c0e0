"""A level's package: the actions the plan prescribes at a level, taken as one
order ("activate level III: call in the order team, open hall B, …").

Each part is a decision of its own: checked, taken and journaled one by one,
so a part the situation does not allow now is refused with its reason and the
rest still goes ahead.
"""

from __future__ import annotations

from ..spec.plan import (
    CallInAction,
    DispatchAction,
    IncidentAction,
    OpenVenueAction,
    SummonAction,
    UnitAction,
)
from .engine import D, Decision, DrillPort, Snapshot
from .forms import active_incidents

_INCIDENT: dict[str, type[Decision]] = {
    "initial_reply": D.IssueInitialReply,
    "package_solution": D.AskPackageSolution,
    "set_cordon": D.SetCordon,
    "medical_standby": D.MedicalStandby,
    "legal_aid": D.StartLegalAid,
    "contact_family": D.ContactFamily,
    "ask_representatives": D.AskRepresentatives,
    "start_dialogue": D.StartDialogue,
}


def package(port: DrillPort, snap: Snapshot, level: str) -> list[Decision]:
    """The decisions the plan's ``level`` prescribes, for the incidents under way now."""
    spec = port.plan.levels.get(level)  # type: ignore[call-overload]
    if spec is None:
        return []
    incidents = active_incidents(snap)
    out: list[Decision] = []
    for action in spec.actions:
        if isinstance(action, CallInAction):
            out.append(D.CallIn(action.team))
        elif isinstance(action, SummonAction):
            out.append(D.Summon(action.official))
        elif isinstance(action, OpenVenueAction):
            out.append(D.OpenVenue(action.venue))
        elif isinstance(action, DispatchAction):
            out.extend(D.Dispatch(action.team, action.people, i.id) for i in incidents)
        elif isinstance(action, IncidentAction):
            cls = _INCIDENT[action.do]
            for i in incidents:
                if action.do == "ask_representatives" and i.kind != "group_visit":
                    continue
                out.append(cls(incident=i.id))  # type: ignore[call-arg]
        elif isinstance(action, UnitAction):
            out.append(D.PublishStatement() if action.do == "public_statement" else D.RequestSupport())
    return out
