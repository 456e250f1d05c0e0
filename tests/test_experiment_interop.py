"""The recipes of docs/research.md: runs.parquet into pandas, EMA Workbench
(PRIM on a sweep of realistic size, and the model itself as a ReplicatorModel;
skipped when EMA Workbench is not installed) and SALib's Sobol analysis."""

from __future__ import annotations

import math
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from sim.experiment.design import make_design, parse_vary
from sim.experiment.ema import ema_name, ema_names, numeric_outcomes
from sim.experiment.executors import open_executor
from sim.experiment.sweep import Study, run_study
from sim.spec import catalog

DOCS = Path(__file__).resolve().parents[1] / "docs" / "research.md"
# a larger first wave than group-visit-50's own takes most runs to level III, whose
# 6-hour package limit falls after the drill (the undecided case the recipes handle)
FACTORS = (
    "officials.leader.arrival_min.mean=10.0..40.0",
    "teams.reception.on_duty=1..6",
    "incidents.buyers.size_people.mean=90.0..100.0",
)


def sweep(out, kind: str, n: int, reps: int, executor: str = "local:2") -> None:
    design = make_design(kind, [parse_vary(v) for v in FACTORS], n, seed=4)
    study = Study(catalog.plan_path("city"), catalog.scenario_path("group-visit-50"), design, reps, master=4)
    with open_executor(executor) as h:
        run_study(study, h, out)


def recipe(heading: str) -> str:
    """The first python block after ``heading`` in docs/research.md."""
    text = DOCS.read_text(encoding="utf-8")
    after = text[text.index(heading) :]
    return re.search(r"```python\n(.*?)```", after, re.S).group(1)


@pytest.fixture(scope="module")
def lhs_sweep(tmp_path_factory):
    out = tmp_path_factory.mktemp("lhs")
    sweep(out, "lhs", 12, 4)
    return out


def test_pandas_recipe(lhs_sweep):
    """The docs' pandas recipe, run as written: P(met) from the statuses keeps
    undecided replications in the denominator and agrees with summary.parquet."""
    code = recipe("### runs.parquet in pandas").replace('"sweep-out/', f'"{lhs_sweep}/')
    scope: dict[str, object] = {}
    exec(compile(code, str(DOCS), "exec"), scope)
    runs = scope["runs"]
    assert str(runs["met_package_360"].dtype) == "boolean"
    assert (runs["status_package_360"] == "undecided").any()  # the case the recipe is careful about
    p_met = scope["p_met"]
    summary = pd.read_parquet(lhs_sweep / "summary.parquet")
    s = summary[summary.milestone == "package_360"].set_index("point").loc[p_met.index]
    assert (s.k / s.n).to_numpy() == pytest.approx(p_met.to_numpy(dtype=float))
    naive = runs.groupby("point")["met_package_360"].mean()
    assert (naive.loc[p_met.index].fillna(1) >= p_met).all() and (naive.loc[p_met.index] > p_met).any()


@pytest.mark.slow
def test_prim_recipe_on_a_sweep_of_realistic_size(tmp_path):
    """The docs' PRIM recipe, run as written on a 64-point × 20-replication
    LHS sweep (1,280 rows): it finds a box, and the box is where the leader is
    slow — the leader's arrival, not reception staffing, decides leader_30."""
    pytest.importorskip("ema_workbench")
    out = tmp_path / "sweep-out"
    sweep(out, "lhs", 64, 20)
    runs = pd.read_parquet(out / "runs.parquet")
    assert len(runs) == 1280
    code = recipe("### Scenario discovery with EMA Workbench's PRIM").replace(
        '"sweep-out/runs.parquet"', repr(str(out / "runs.parquet"))
    )
    scope: dict[str, object] = {}
    exec(compile(code, str(DOCS), "exec"), scope)
    box = scope["box"]
    limits = box.box_lims[box._cur_box]
    assert "officials.leader.arrival_min.mean" in limits.columns
    slow = limits["officials.leader.arrival_min.mean"]
    assert slow.iloc[0] > 25.0  # the box is where the leader's mean arrival is slow
    assert box.density > 2 * scope["y"].mean()  # and misses are far denser there


def test_prim_data_lets_prim_cut_an_integer_factor():
    """PRIM pastes fractional limits (3.5) back into the factor columns; an
    integer column refuses them under pandas >= 3 ("Invalid value '3.5' for
    dtype 'int64'"), so prim_data hands PRIM floats. The case of interest here
    needs both factors cut: a slow leader and a short-staffed reception."""
    pytest.importorskip("ema_workbench")
    from ema_workbench.analysis import prim

    from sim.experiment.ema import prim_data

    rng = np.random.default_rng(1)
    n = 1280
    runs = pd.DataFrame(
        {
            "officials.leader.arrival_min.mean": rng.uniform(10, 40, n),
            "teams.reception.on_duty": rng.integers(1, 7, n),
        }
    )
    slow_and_short = (runs["teams.reception.on_duty"] <= 3) & (runs["officials.leader.arrival_min.mean"] > 20)
    runs["status_x"] = pd.Categorical(np.where(slow_and_short, "missed", "met"))
    x, y = prim_data(runs, list(runs.columns[:2]), "x")
    box = prim.Prim(x, y, threshold=0.5).find_box()
    limits = box.box_lims[box._cur_box]
    assert limits["teams.reception.on_duty"].iloc[1] == pytest.approx(3.5)
    assert limits["officials.leader.arrival_min.mean"].iloc[0] > 19


def test_ema_names_map_dotted_paths_both_ways():
    names = ema_names(["officials.leader.arrival_min.mean", "incidents.buyers-2.size_people"])
    assert names == {
        "officials__leader__arrival_min__mean": "officials.leader.arrival_min.mean",
        "incidents__buyers_2__size_people": "incidents.buyers-2.size_people",
    }
    assert all(n.isidentifier() for n in names)
    with pytest.raises(ValueError, match="same EMA name"):
        ema_names(["a.b-c", "a.b_c"])
    assert ema_name("1x.y").isidentifier()


def test_numeric_outcomes_use_nan_for_undecided_and_not_applicable():
    row = {
        "met_a": True,
        "t_a_min": 3.0,
        "status_a": "met",
        "met_b": None,
        "t_b_min": None,
        "status_b": "undecided",
        "met_c": None,
        "t_c_min": None,
        "status_c": "not_applicable",
        "met_d": False,
        "t_d_min": None,
        "status_d": "missed",
    }
    out = numeric_outcomes(row)
    assert out["met_a"] == 1.0 and out["met_d"] == 0.0 and out["t_a_min"] == 3.0
    assert all(math.isnan(out[k]) for k in ("met_b", "met_c", "t_b_min", "t_d_min"))
    assert all(isinstance(v, float) for v in out.values())  # EMA refuses None


def test_ema_replicator_model_runs_replications_on_common_random_numbers():
    pytest.importorskip("ema_workbench")
    from ema_workbench import SequentialEvaluator

    from sim.experiment.ema import replicator_model

    model = replicator_model(
        "drill",
        catalog.plan_path("city"),
        catalog.scenario_path("group-visit-50"),
        {"officials.leader.arrival_min.mean": (10.0, 40.0), "teams.reception.on_duty": (1, 6)},
        reps=3,
        master=4,
        milestones=["screen_5", "leader_30", "package_360"],
    )
    with SequentialEvaluator(model) as evaluator:
        experiments, outcomes = evaluator.perform_experiments(3)
    assert "officials__leader__arrival_min__mean" in experiments.columns
    screen = outcomes["t_screen_5_min"]
    assert screen.shape == (3, 3)
    # the screening time comes from the alert chain's own stream: the same in every
    # experiment for one replication (common random numbers), different across replications
    assert (screen == screen[0]).all() and len(set(screen[0])) == 3
    # the 6-hour package limit runs past the 6-hour drill: NaN (undecided), never None or 0
    assert np.isnan(outcomes["met_package_360"]).any()
    assert set(np.unique(outcomes["met_leader_30"][~np.isnan(outcomes["met_leader_30"])])) <= {0.0, 1.0}


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
