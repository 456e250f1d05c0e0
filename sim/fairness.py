"""Trainee fairness: whose step a milestone is.

A step the trainees' decisions cannot change (an automatic screening) is the
system's: shown and scored as the system's, not the team's, and never turned
into advice for the team (DOMAIN.md, "Controllability"). The plan says so with
``controllable: false`` on the milestone; a plan model without that field falls
back on the alert steps the model does by itself (every alert step but the
level decision).
"""

from __future__ import annotations

from typing import Any


def system_step_by(milestone: Any, plan: Any) -> str | None:
    """Who does an alert step the team's decisions cannot change (screening,
    verification: automatic in the model), or None if the team decides it."""
    measure = milestone.measure
    if measure.kind != "alert_step" or measure.step == "decide":
        return None
    return next((str(step.by) for step in plan.alert_chain if step.step == measure.step), "")


def is_system(milestone: Any, plan: Any) -> bool:
    """Whether ``milestone`` (the plan's spec) is the system's step, not the team's."""
    if milestone is None:
        return False
    flag = getattr(milestone, "controllable", None)
    if flag is not None:
        return not flag
    return system_step_by(milestone, plan) is not None


def system_ids(plan: Any) -> frozenset[str]:
    """The ids of the plan's milestones that are the system's steps."""
    return frozenset(m.id for _level, m in plan.all_milestones() if is_system(m, plan))
