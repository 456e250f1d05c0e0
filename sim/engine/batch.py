"""One whole replication as one function call: the shape EMA Workbench,
SALib, Optuna and Ax can call without glue, and what sweeps map over an
executor.

    run(plan, scenario, params, seed, policy="plan") -> dict

The dict is flat: ``met_<milestone>`` (True, False, or None when it did not
apply or its deadline fell after the drill), ``t_<milestone>`` (minutes from
its clock's start to being done, late or not, or None if it never was), then
outcome figures.
"""

from __future__ import annotations

import hashlib
from typing import Any

import numpy as np

from ..spec import catalog
from ..spec.loader import load_plan_text, load_scenario_text
from ..spec.plan import Plan
from ..spec.scenario import Scenario
from ..spec.yamlfile import read_bytes
from . import params as P
from .drill import Drill
from .milestones import MET, MISSED
from .policies import make, play
from .scorecard import Scorecard

# Files named by id or path are read on every call (so an edit is seen at once)
# but parsed once per content: the cache is keyed by the file's SHA-256.
_SCENARIOS: dict[tuple[str, str], Scenario] = {}


def _load_scenario(name: str) -> Scenario:
    path = catalog.scenario_path(name)
    raw = read_bytes(path, str(path))
    key = (str(path.resolve()), hashlib.sha256(raw).hexdigest())
    hit = _SCENARIOS.get(key)
    if hit is None:
        hit = load_scenario_text(raw, path)[0]
        if len(_SCENARIOS) >= 32:
            _SCENARIOS.pop(next(iter(_SCENARIOS)))
        _SCENARIOS[key] = hit
    return hit


def _resolve(plan: Plan | str, scenario: Scenario | str) -> tuple[Plan, Scenario]:
    if isinstance(scenario, str):
        scenario = _load_scenario(scenario)
    if isinstance(plan, str):
        path = catalog.plan_path(plan)
        plan = load_plan_text(read_bytes(path, str(path)), path)[0]  # cached by content hash
    return plan, scenario


def play_policy(
    plan: Plan,
    scenario: Scenario,
    seed: int | np.random.SeedSequence,
    policy: str = "plan",
    horizon_min: float | None = None,
) -> Drill:
    """``horizon_min``: run on to this end instead of the scenario's horizon (``Drill``)."""
    drill = Drill(plan, scenario, seed, horizon_min=horizon_min)
    play(drill, make(policy))
    return drill


def flatten(drill: Drill) -> dict[str, Any]:
    return flatten_card(drill.scorecard())


def flatten_card(card: Scorecard) -> dict[str, Any]:
    """``flatten`` of a scorecard already computed (it is computed from the whole log)."""
    out: dict[str, Any] = {}
    for m in card.milestones:
        out[f"met_{m.id}"] = True if m.status == MET else (False if m.status == MISSED else None)
        out[f"t_{m.id}"] = m.after_min
    for key, value in card.outcomes.items():
        out[key] = value
    return out


def run(
    plan: Plan | str,
    scenario: Scenario | str,
    params: dict[str, Any] | None = None,
    seed: int | np.random.SeedSequence = 0,
    policy: str = "plan",
    horizon_min: float | None = None,
) -> dict[str, Any]:
    plan, scenario = _resolve(plan, scenario)
    plan, scenario = P.apply(plan, scenario, params)
    return flatten(play_policy(plan, scenario, seed, policy, horizon_min))
