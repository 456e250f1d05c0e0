"""Verdicts, censoring and time to a milestone: each problem of issue 11 as a test
that the old summaries fail."""

from __future__ import annotations

import math
from types import SimpleNamespace

import pytest

from sim.engine.batch import _resolve, play_policy
from sim.experiment.columns import counts, status_columns, times
from sim.experiment.evaluation import judge
from sim.experiment.horizon import decision_horizon
from sim.experiment.inputs import Inputs
from sim.experiment.tasks import make_tasks, run_task
from sim.spec import catalog
from sim.stats import Counts, Verdict, count, verdict
from sim.stats.survival import decided_quantile, km_quantiles, time_to_milestone


def test_zero_of_two_hundred_is_not_kept():
    # 0 % (0–2 %) used to read "at risk"
    assert verdict(Counts(missed=200), 0.9) is Verdict.NOT_KEPT
    assert verdict(Counts(met=200), 0.9) is Verdict.KEPT
    assert verdict(Counts(met=185, missed=15), 0.9) is Verdict.AT_RISK


def test_a_limit_that_no_replication_could_decide_is_never_kept():
    # all undecided: counted as missed, not kept; counted as met, kept: undecided
    assert verdict(Counts(undecided=14), 0.9) is Verdict.UNDECIDED
    # the group-visit-50 case: 28 met, 21 pending, 0 missed
    assert verdict(Counts(met=28, undecided=21), 0.9) is Verdict.UNDECIDED
    # a few censored runs that cannot change the verdict do not make it undecided
    assert verdict(Counts(met=2, missed=196, undecided=2), 0.9) is Verdict.NOT_KEPT
    assert verdict(Counts(met=398, undecided=2), 0.9) is Verdict.KEPT


def test_system_infeasible_and_unscored_verdicts():
    assert verdict(Counts(met=200), 0.9, controllable=False) is Verdict.SYSTEM
    assert verdict(Counts(met=200), 0.9, infeasible=True) is Verdict.INFEASIBLE
    assert verdict(Counts(beyond=10), 0.9) is Verdict.BEYOND
    assert verdict(Counts(untimed=10), 0.9) is Verdict.UNTIMED
    assert verdict(Counts(not_applicable=10), 0.9) is Verdict.NOT_APPLICABLE


def test_counts_read_every_status_and_pending_is_undecided():
    c = count(["met", "missed", "pending", "undecided", "not_applicable", None, "beyond_model", "untimed"])
    assert c == Counts(met=1, missed=1, undecided=2, not_applicable=2, beyond=1, untimed=1)
    assert c.n == 4 and c.proportion().k == 1 and c.proportion().n == 4
    with pytest.raises(ValueError):
        count(["kept"])


def test_km_median_with_censoring_differs_from_the_decided_runs_quantile():
    """Ten runs: done at 10, 20, 30, 40; six still open when last seen at 25.
    KM: S(10) = 9/10, S(20) = 0.9 * 8/9 = 0.8; at 30 two are at risk: S = 0.4,
    so the median is 30 (the decided runs' median says 20); S(40) = 0."""
    done, open_at = [10.0, 20.0, 30.0, 40.0], [25.0] * 6
    (median, p90), top = km_quantiles(done, open_at)
    assert median == 30.0 and p90 == 40.0 and top == pytest.approx(1.0)
    assert decided_quantile(done, 0.5) == 20.0


def test_km_says_not_reached_when_too_many_runs_stay_open():
    """Two of ten done (at 5 and 8), eight watched to 60: P(done) never passes 0.2."""
    t = time_to_milestone([5.0, 8.0], [60.0] * 8)
    assert t.median is None and t.p90 is None
    assert t.quantile_text(t.median, "en") == "not reached"
    assert t.quantile_text(t.median, "zh") == "未达到"
    assert t.max_cdf == pytest.approx(0.2)


def _card(milestones, ended=400.0):
    return SimpleNamespace(milestones=milestones, outcomes={"ended_at_min": ended})


def _m(mid, status, clock_start, after=None):
    return SimpleNamespace(id=mid, status=status, clock_start=clock_start, after_min=after)


def test_status_columns_censor_and_the_extension_window():
    card = _card(
        [
            _m("a", "pending", 100.0),  # open at the end: undecided, watched 300 min
            _m("b", "missed", 50.0),  # missed and never done: censored for KM
            _m("c", "missed", 50.0, after=70.0),  # done late: an observed time
            _m("d", "met", 380.0, after=5.0),  # its clock started only in the extension
            _m("e", "beyond_model", None),
        ]
    )
    cols = status_columns(card, end_min=400.0, window_min=360.0)
    assert cols["status_a"] == "undecided" and cols["censor_a_min"] == 300.0
    assert cols["status_b"] == "missed" and cols["censor_b_min"] == 350.0
    assert cols["censor_c_min"] is None
    assert cols["status_d"] == "not_applicable" and cols["met_d"] is None and cols["t_d_min"] is None
    assert cols["status_e"] == "beyond"


def test_drill_horizon_override_runs_on_and_keeps_the_window():
    plan, scen = _resolve("city", "extreme-individual")
    drill = play_policy(plan, scen, 3, "plan", horizon_min=600.0)
    assert drill.horizon == 600.0 and drill.window_min == scen.horizon_min == 240.0
    assert drill.scorecard().outcomes["ended_at_min"] <= 600.0
    # the longest timed limit the drill scores (untimed actions have no deadline: never 14 days)
    longest = max(
        m.deadline_min
        for _level, m in plan.all_milestones()
        if m.measure.kind != "beyond_model" and math.isfinite(m.deadline_min)
    )
    assert decision_horizon(plan, scen) == 240.0 + longest < 240.0 + 24 * 60 + 1


def _rows(scenario, reps, horizon_min):
    inputs = Inputs.read(catalog.plan_path("city"), catalog.scenario_path(scenario))
    rows = []
    for t in make_tasks([{}], reps, reps, inputs, 5, horizon_min=horizon_min):
        rows += run_task(t)
    return rows, inputs.load()


def test_deadline_after_the_horizon_is_never_kept_and_extension_decides_it():
    """extreme-individual ends at 240 min; the policy task force's 24-hour solution
    cannot be decided within it. Unextended: every replication undecided, verdict
    undecided (before: 0 % "at risk", or 100 % "kept" when pending runs were dropped).
    Extended to the decision horizon: no replication is undecided."""
    rows, (plan, scen) = _rows("extreme-individual", 12, None)
    evals = {e.id: e for e in judge(rows, plan, scen, 0.9)}
    halve = evals["solution_1440"]
    # the screening step is the system's: its figure shown, no verdict against the team, no bottleneck
    screen = evals["screen_5"]
    assert screen.verdict is Verdict.SYSTEM and screen.counts.n == 12 and screen.bottleneck is None
    assert halve.counts.undecided == halve.counts.n > 0
    assert halve.verdict is Verdict.UNDECIDED
    done, watched = times(rows, "solution_1440")
    assert not done and len(watched) == halve.counts.n
    rows, _ = _rows("extreme-individual", 12, decision_horizon(plan, scen))
    assert counts(rows, "solution_1440").undecided == 0


def test_sweep_summary_keeps_undecided_and_leaves_unscored_limits_out():
    from sim.experiment.summary import ALL, Summary

    s = Summary([], target=0.9)
    rows = [
        {"point": 0, "met_a": True, "status_a": "met", "met_b": None, "status_b": "beyond"},
        {"point": 0, "met_a": None, "status_a": "undecided", "met_b": None, "status_b": "beyond"},
        {"point": 0, "met_a": False, "status_a": "missed", "met_b": None, "status_b": "beyond"},
    ]
    s.add(rows)
    out = {r["milestone"]: r for r in s.rows()}
    a, b, whole = out["a"], out["b"], out[ALL]
    assert (a["n"], a["k"], a["missed"], a["undecided"]) == (3, 1, 1, 1)
    assert a["high_if_met"] > a["high"]
    assert (b["n"], b["beyond"], b["verdict"]) == (0, 3, "beyond")
    assert (whole["n"], whole["k"], whole["missed"], whole["undecided"]) == (3, 1, 1, 1)
    s2 = Summary([], target=0.9)
    s2.add([{"point": 0, "met_a": None, "status_a": "undecided"}] * 20)
    assert {r["milestone"]: r["verdict"] for r in s2.rows()} == {"a": "undecided", ALL: "undecided"}
