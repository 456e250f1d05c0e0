"""Which assumptions matter: the assumed numbers as factors, the Morris wrapper
on a function with a known ranking, ``drill sensitivity`` end to end and its
refusals, and the assumptions a verdict rests on."""

from __future__ import annotations

import csv

import pytest

from sim.cli import main_group
from sim.cli.base import run_cli
from sim.engine import params as P
from sim.experiment.assumptions import Assumption, assumptions
from sim.experiment.sensitivity import Effect, Screening, analyse, design, rests_on
from sim.spec.loader import load_plan, load_scenario

pytest.importorskip("SALib")


def drill(*args: str) -> int:
    return run_cli(main_group, list(args))


# --- the factors ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def city_gv50():
    plan, scen = load_plan("city"), load_scenario("group-visit-50")
    return plan, scen, assumptions(plan, scen)


def test_every_assumed_block_gives_its_numbers(city_gv50):
    _plan, _scen, (factors, skipped) = city_gv50
    paths = {f.path: f for f in factors}
    # a team marked assumed: its size, on-duty count and call-in time (a distribution: its mean)
    assert {"plan.teams.reception.size_people", "plan.teams.reception.on_duty_people"} <= set(paths)
    assert "plan.teams.reception.call_in_min.mean" in paths
    # a trigger marked assumed, addressed by its position; a milestone marked assumed: its deadline
    assert "plan.levels.III.triggers.0.head_count_at_least_people" in paths
    lawyers = paths["plan.levels.II.milestones.legal_aid_on_site.deadline_min"]
    assert lawyers.milestone == "legal_aid_on_site" and (lawyers.low, lawyers.value, lawyers.high) == (
        45,
        90,
        180,
    )
    assert not any(p.startswith("scenario.calibration") for p in paths)  # targets, not inputs
    # cited, not assumed: the level IV trigger, the alert chain, a cited deadline
    assert not any(p.startswith("plan.levels.IV.triggers") for p in paths)
    assert not any(p.startswith("plan.alert_chain") for p in paths)
    assert "plan.levels.IV.milestones.leader_30.deadline_min" not in paths
    # the scenario's assumed behaviour; a structural zero is listed as skipped
    assert any(p.startswith("scenario.incidents.") and ".behaviour." in p for p in paths)
    assert ("plan.teams.order.on_duty_people", "0 in the file: no relative range") in skipped


def test_ranges_follow_the_stated_rules(city_gv50):
    plan, scen, (factors, _skipped) = city_gv50
    by = {f.path: f for f in factors}
    call_in = by["plan.teams.reception.call_in_min.mean"]  # a time: x0.5 to x2
    assert call_in.low == pytest.approx(call_in.value / 2) and call_in.high == pytest.approx(
        call_in.value * 2
    )
    agitation = by["plan.levels.III.triggers.1.agitation_at_least"]  # a fraction: halfway to 0 and 1
    assert (agitation.low, agitation.high) == pytest.approx((0.35, 0.85))
    duty = by["plan.teams.reception.on_duty_people"]
    assert duty.integer and (duty.low, duty.high) == (2, 8)
    for f in factors:  # each end, alone, is a file the loader accepts
        for end in (f.low, f.high):
            P.apply(plan, scen, {f.path: end})


def test_items_without_an_id_are_set_by_position():
    plan, _scen = P.apply(
        load_plan("city"), load_scenario("group-visit-50"), {"levels.III.triggers.0.head_count_at_least": 150}
    )
    assert plan.levels["III"].triggers[0].head_count_at_least_people == 150


# --- the Morris wrapper on a function with a known ranking -------------------------------------


def test_morris_ranks_a_known_function():
    """y = 10 a + 3 b + 2 b d, c inert, on [0, 1] each. Elementary effects over
    a whole range: a 10; b 3 + 2 d, between 3 and 5; d 2 b, between 0 and 2; c 0.
    So μ*: a > b > d > c = 0, and σ(a) = 0 (linear, no interaction)."""
    factors = [Assumption(n, n, n, 0.5, 0.0, 1.0, False, "test") for n in "abcd"]
    X, points = design(factors, 20, seed=3)
    Y = [10 * p["a"] + 3 * p["b"] + 2 * p["b"] * p["d"] for p in points]
    res = {
        name: (mu_star, sigma)
        for name, _mu, mu_star, _c, sigma in analyse(list("abcd"), [[0, 1]] * 4, X, Y, 3)
    }
    assert res["a"][0] == pytest.approx(10, rel=1e-6) and res["a"][1] == pytest.approx(0, abs=1e-9)
    assert 3 <= res["b"][0] <= 5
    assert 0 < res["d"][0] <= 2
    assert res["c"][0] == 0
    assert sorted(res, key=lambda n: -res[n][0]) == ["a", "b", "d", "c"]


# --- what a verdict rests on ----------------------------------------------------------------------


def test_rests_on_an_assumed_deadline_and_on_high_mu_star():
    plan = load_plan("city")
    assert rests_on(plan, "leader_30") == []  # cited deadline, no screening
    own = rests_on(plan, "legal_aid_on_site")
    assert [r.why for r in own] == ["deadline"] and "90-min deadline is assumed" in own[0].label_en
    f1 = Assumption("plan.venues.hall_b.open_min.mean", "开放", "opening", 23.3, 11.7, 46.7, False, "x0.5-x2")
    f2 = Assumption("plan.teams.order.size_people", "人数", "size", 20, 10, 40, True, "x0.5-x2")
    s = Screening("city", "group-visit-50", [f1, f2], [], {"legal_aid_on_site": ("", "")})
    s.effects = [
        Effect("legal_aid_on_site", "p_met", f1.path, 0.6, 0.6, 0.1, 0.2),
        Effect("legal_aid_on_site", "p_met", f2.path, 0.02, 0.02, 0.01, 0.0),
    ]
    found = rests_on(plan, "legal_aid_on_site", s)
    assert [r.path for r in found] == ["deadline:legal_aid_on_site", f1.path]  # f2's μ* is below 0.1
    with pytest.raises(KeyError):
        rests_on(plan, "no_such_milestone")


# --- the command ----------------------------------------------------------------------------------


def test_sensitivity_command_writes_a_table_a_csv_and_a_plot(tmp_path, capsys):
    out = tmp_path / "s"
    code = drill(
        "sensitivity", "extreme-individual", "--trajectories", "2", "--reps", "1",
        "--executor", "serial", "--out", str(out), "--quiet",
    )  # fmt: skip
    captured = capsys.readouterr()
    assert code == 0, captured.err
    assert "μ*" in captured.out and "Morris 2 trajectories" in captured.out
    assert (out / "sensitivity.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    with open(out / "sensitivity.csv", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    plan, scen = load_plan("city"), load_scenario("extreme-individual")
    factors, _ = assumptions(plan, scen)
    assert {r["factor"] for r in rows} == {f.path for f in factors}
    # the leader's arrival comes from the leader's own stream and the level is
    # declared by a cited alert chain: nothing else can move leader_30
    moved = {
        r["factor"]
        for r in rows
        if r["milestone"] == "leader_30" and r["output"] == "p_met" and float(r["mu_star"]) > 0
    }
    assert moved <= {"plan.officials.leader.arrival_min.mean"}


def test_sensitivity_in_chinese_and_bad_input(tmp_path, capsys):
    assert drill("sensitivity", "no-such-scenario", "--executor", "serial", "--quiet") == 2
    assert "no-such-scenario" in capsys.readouterr().err
    assert drill("sensitivity", "extreme-individual", "--trajectories", "1", "--quiet") == 2
    assert "--trajectories" in capsys.readouterr().err
    blocker = tmp_path / "file"
    blocker.write_text("x")
    assert drill("sensitivity", "extreme-individual", "--out", str(blocker), "--quiet") == 2
    err = capsys.readouterr().err
    assert str(blocker.name) in err
    assert blocker.read_text() == "x"  # nothing changed
