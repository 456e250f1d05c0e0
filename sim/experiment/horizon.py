"""How long a drill must run for its limits to be decided.

A limit whose clock starts within the scenario's horizon but whose deadline
falls after it is undecided in every replication that has not met it when the
drill ends. ``decision_horizon`` is the end that decides all of them: the
scenario's horizon plus the longest limit the drill scores (capped at the
schema's 14 days). Statistics run replications to it with
``Drill(..., horizon_min=...)`` and score only the milestones whose clock
started within the scenario's own horizon (``columns.status_columns``).
"""

from __future__ import annotations

import math
from typing import Any

from ..engine.drill import MAX_HORIZON_MIN


def decision_horizon(plan: Any, scenario: Any) -> float:
    longest = max(
        (
            m.deadline_min
            for _level, m in plan.all_milestones()
            if m.measure.kind != "beyond_model"
            and not getattr(m, "untimed", False)
            and math.isfinite(m.deadline_min)  # an untimed action has no deadline to wait for
        ),
        default=0.0,
    )
    return float(min(MAX_HORIZON_MIN, scenario.horizon_min + max(0.0, longest)))
