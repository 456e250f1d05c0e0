"""The recipes of docs/research.md: runs.parquet into pandas, EMA Workbench's
PRIM (optional, skipped when not installed) and SALib's Sobol analysis."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from sim.experiment.design import make_design, parse_vary
from sim.experiment.executors import open_executor
from sim.experiment.sweep import Study, run_study
from sim.spec import catalog


def sweep(out, kind: str, n: int, reps: int) -> None:
    factors = [
        parse_vary("officials.leader.arrival_min.mean=10.0..40.0"),
        parse_vary("teams.reception.on_duty=1..6"),
    ]
    design = make_design(kind, factors, n, seed=4)
    study = Study(catalog.plan_path("city"), catalog.scenario_path("group-visit-50"), design, reps, master=4)
    with open_executor("local:2") as h:
        run_study(study, h, out)


@pytest.fixture(scope="module")
def lhs_sweep(tmp_path_factory):
    out = tmp_path_factory.mktemp("lhs")
    sweep(out, "lhs", 12, 4)
    return out


def test_pandas_recipe(lhs_sweep):
    runs = pd.read_parquet(lhs_sweep / "runs.parquet", dtype_backend="numpy_nullable")
    assert str(runs["met_package_360"].dtype) == "boolean"
    p_met = runs.groupby("point")["met_leader_30"].mean()
    assert len(p_met) == 12 and p_met.between(0, 1).all()
    summary = pd.read_parquet(lhs_sweep / "summary.parquet")
    s = summary[summary.milestone == "leader_30"].set_index("point")
    assert (s.k / s.n).to_numpy() == pytest.approx(p_met.to_numpy(dtype=float))
    assert set(runs.columns) >= {"point", "rep", "master_seed", "officials.leader.arrival_min.mean"}


def test_ema_workbench_prim_recipe(lhs_sweep):
    prim = pytest.importorskip("ema_workbench.analysis.prim")
    runs = pd.read_parquet(lhs_sweep / "runs.parquet")
    x = runs[["officials.leader.arrival_min.mean", "teams.reception.on_duty"]]
    y = (runs["met_leader_30"] == False).to_numpy()  # noqa: E712  (None: not applicable)
    box = prim.Prim(x, y, threshold=0.5).find_box()
    assert box is not None


def test_salib_sobol_recipe(tmp_path):
    pytest.importorskip("SALib")
    import json

    from SALib.analyze import sobol

    sweep(tmp_path, "salib-sobol", 8, 3)
    meta = json.loads((tmp_path / "meta.json").read_text())
    problem = meta["design"]["sampler"]["problem"]
    summary = pd.read_parquet(tmp_path / "summary.parquet")
    # one output per design point, in the sampler's order
    y = summary[summary.milestone == "leader_30"].sort_values("point")["p"].to_numpy(dtype=float)
    assert len(y) == 8 * (problem["num_vars"] + 2)
    res = sobol.analyze(problem, y, calc_second_order=False, seed=1)
    assert np.isfinite(res["ST"]).all()
    # the leader's arrival drives the leader's milestone, reception staffing does not
    assert res["ST"][0] > res["ST"][1]
