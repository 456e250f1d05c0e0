"""EMA Workbench without surprises: names, replications, missing values.

EMA Workbench (``pip install ema_workbench``; optional, not a dependency)
needs three things ``sim.run`` does not give as it is:

- parameter names that are Python identifiers — ``ema_name`` maps a dotted
  path (``officials.leader.arrival_min.mean``) to one
  (``officials__leader__arrival_min__mean``), and the adapter keeps the map
  both ways;
- numbers for every outcome — a milestone's ``met_<id>`` is 1.0 (met), 0.0
  (missed) or NaN (undecided when the drill ended, or not applicable), and
  ``t_<id>_min`` is NaN when it never happened (EMA refuses None);
- replications on common random numbers — ``replicator_model`` gives a
  ``ReplicatorModel`` whose replication ``r`` runs with
  ``SeedSequence(master, spawn_key=(r,))`` in every experiment, exactly as a
  sweep does, so two experiments are compared on the same draws.

For scenario discovery on a finished sweep, ``prim_data`` turns
``runs.parquet`` into what ``ema_workbench.analysis.prim.Prim`` takes: the
factors as float columns (PRIM writes fractional box limits back into them,
which an integer column refuses) and the cases of interest as a plain boolean
array.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..engine import params as P
from ..engine.batch import flatten_card, play_policy
from .columns import outcome_columns, status_columns
from .inputs import Inputs
from .seeding import seed_of


def ema_name(path: str) -> str:
    """A Python identifier for a dotted parameter path."""
    name = re.sub(r"[^0-9A-Za-z_]", "_", path.replace(".", "__"))
    return name if name[:1].isalpha() else f"p_{name}"


def ema_names(paths: Sequence[str]) -> dict[str, str]:
    """identifier -> dotted path, refusing two paths that would share a name."""
    out: dict[str, str] = {}
    for path in paths:
        name = ema_name(path)
        if name in out and out[name] != path:
            raise ValueError(f"{path} and {out[name]} map to the same EMA name {name}")
        out[name] = path
    return out


@dataclass
class DrillFunction:
    """The model function EMA calls: ``f(rep=r, **parameters) -> {outcome: float}``.

    Picklable (it carries the plan and scenario as content), so EMA's
    multiprocessing evaluator can ship it to its workers."""

    inputs: Inputs
    names: dict[str, str]  # EMA name -> dotted path
    master: int = 1
    policy: str = "plan"
    milestones: list[str] = field(default_factory=list)  # default: every milestone of the plan

    def __call__(self, rep: int = 0, **values: Any) -> dict[str, float]:
        plan, scenario = self.inputs.load()
        params = {self.names.get(k, k): _plain(v) for k, v in values.items()}
        plan, scenario = P.apply(plan, scenario, params)
        drill = play_policy(plan, scenario, seed_of(self.master, int(rep)), self.policy)
        card = drill.scorecard()
        return numeric_outcomes(
            {**outcome_columns(flatten_card(card)), **status_columns(card)}, self.milestones
        )


def _plain(value: Any) -> Any:
    """numpy scalars (EMA's samples) as Python numbers, integers kept integers."""
    if hasattr(value, "item"):
        value = value.item()
    return value


def numeric_outcomes(row: dict[str, Any], milestones: Sequence[str] = ()) -> dict[str, float]:
    """met_<id> as 1.0 / 0.0 / NaN (undecided or not applicable), t_<id>_min as minutes or NaN."""
    ids = list(milestones) or [k[4:] for k in row if k.startswith("met_")]
    out: dict[str, float] = {}
    for m in ids:
        met = row.get(f"met_{m}")
        out[f"met_{m}"] = math.nan if met is None or row.get(f"status_{m}") == "undecided" else float(met)
        t = row.get(f"t_{m}_min")
        out[f"t_{m}_min"] = math.nan if t is None else float(t)
    return out


def replicator_model(
    name: str,
    plan_file: Path,
    scenario_file: Path,
    factors: dict[str, tuple[float, float] | Sequence[Any]],
    reps: int,
    master: int = 1,
    policy: str = "plan",
    milestones: Sequence[str] = (),
) -> Any:
    """An EMA ``ReplicatorModel`` of the drill.

    ``factors``: dotted path -> ``(low, high)`` (integers give an
    IntegerParameter, else a RealParameter) or a list of values (a
    CategoricalParameter). Outcomes: ``met_<id>`` and ``t_<id>_min`` for each
    milestone, as ArrayOutcomes of shape (experiments, replications)."""
    from ema_workbench import (  # type: ignore[import-untyped, unused-ignore]
        ArrayOutcome,
        CategoricalParameter,
        IntegerParameter,
        RealParameter,
        ReplicatorModel,
    )

    inputs = Inputs.read(Path(plan_file), Path(scenario_file))
    plan, _scenario = inputs.load()
    ids = list(milestones) or [
        m.id for _level, m in plan.all_milestones() if m.measure.kind != "beyond_model"
    ]
    names = ema_names(list(factors))
    model = ReplicatorModel(name, function=DrillFunction(inputs, names, master, policy, ids))
    uncertainties = []
    for ema, path in names.items():
        spec = factors[path]
        if isinstance(spec, tuple) and len(spec) == 2:
            low, high = spec
            if isinstance(low, int) and isinstance(high, int):
                uncertainties.append(IntegerParameter(ema, low, high))
            else:
                uncertainties.append(RealParameter(ema, float(low), float(high)))
        else:
            uncertainties.append(CategoricalParameter(ema, list(spec)))
    model.uncertainties = uncertainties
    model.outcomes = [
        ArrayOutcome(f"{kind}_{m}{unit}") for m in ids for kind, unit in (("met", ""), ("t", "_min"))
    ]
    model.replications = [{"rep": r} for r in range(reps)]
    return model


def prim_data(runs: Any, factors: Sequence[str], milestone: str, case: str = "missed") -> tuple[Any, Any]:
    """(x, y) for ``prim.Prim(x, y, threshold=...)`` from a sweep's runs.

    ``x``: the factors as float columns; ``y``: True for the replications of
    interest — ``case`` ``missed`` (the limit was missed, or still undecided
    when the drill ended: not kept), or ``met``. Replications it did not apply
    to are left out of both."""
    import numpy as np

    status = runs[f"status_{milestone}"].astype(str)
    keep = (status != "not_applicable").to_numpy()
    x = runs.loc[keep, list(factors)].astype("float64").reset_index(drop=True)
    if case == "missed":
        y = status[keep].isin(["missed", "undecided"]).to_numpy(dtype=bool)
    elif case == "met":
        y = (status[keep] == "met").to_numpy(dtype=bool)
    else:
        raise ValueError("case must be 'missed' or 'met'")
    return x, np.asarray(y)
