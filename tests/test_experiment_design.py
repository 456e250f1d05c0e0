"""--vary specs and designs: levels, integer types, scipy.stats.qmc and SALib order."""

from __future__ import annotations

import pytest

from sim.experiment.design import DesignError, make_design, parse_vary


def test_integer_range_gives_every_integer():
    f = parse_vary("teams.reception.on_duty=1..8")
    assert f.levels() == [1, 2, 3, 4, 5, 6, 7, 8]
    assert all(type(v) is int for v in f.levels())
    assert parse_vary("teams.reception.on_duty=1..8:3").levels() == [1, 4, 7]


def test_lists_and_float_ranges():
    f = parse_vary("officials.leader.arrival_min.mean=10,20,30")
    assert f.levels() == [10, 20, 30] and f.integer
    g = parse_vary("officials.leader.arrival_min.mean=10.0..30.0:5")
    assert g.levels() == [10.0, 15.0, 20.0, 25.0, 30.0] and not g.integer
    assert len(parse_vary("x.y=0.5..1.5").levels()) == 5


@pytest.mark.parametrize(
    "spec",
    [
        "teams.reception.on_duty",
        "=1..3",
        "a.b=",
        "a.b=3..1",
        "a.b=1..x",
        "a.b=1,,2",
        "a.b=1,1",
        "a.b=1..3:0",
        "a.b=1,x",
    ],
)
def test_bad_specs_say_why(spec):
    with pytest.raises(DesignError, match=r"--vary|path"):
        parse_vary(spec)


def test_grid_is_the_full_factorial_in_order():
    d = make_design("grid", [parse_vary("a.x=1..3"), parse_vary("b.y=10,20")])
    assert d.points == [
        {"a.x": 1, "b.y": 10},
        {"a.x": 1, "b.y": 20},
        {"a.x": 2, "b.y": 10},
        {"a.x": 2, "b.y": 20},
        {"a.x": 3, "b.y": 10},
        {"a.x": 3, "b.y": 20},
    ]


@pytest.mark.parametrize("kind", ["lhs", "sobol"])
def test_sampled_designs_respect_bounds_and_types(kind):
    factors = [parse_vary("a.x=1..8"), parse_vary("b.y=5.0..50.0"), parse_vary("c.z=1,2,4")]
    d = make_design(kind, factors, 16, seed=3)
    assert len(d.points) == 16
    for p in d.points:
        assert type(p["a.x"]) is int and 1 <= p["a.x"] <= 8
        assert 5.0 <= p["b.y"] <= 50.0
        assert p["c.z"] in (1, 2, 4)
    assert d.points == make_design(kind, factors, 16, seed=3).points  # reproducible


def test_lhs_is_scipy_latin_hypercube():
    from scipy.stats import qmc

    d = make_design("lhs", [parse_vary("b.y=0.0..1.0")], 10, seed=5)
    expected = qmc.LatinHypercube(d=1, seed=5).random(10)[:, 0]
    assert [p["b.y"] for p in d.points] == pytest.approx(list(expected))
    # one point in each tenth: the Latin hypercube property
    assert sorted(int(p["b.y"] * 10) for p in d.points) == list(range(10))


def test_salib_sobol_keeps_sampler_order():
    pytest.importorskip("SALib")
    from SALib.sample import sobol

    factors = [parse_vary("b.y=5.0..50.0"), parse_vary("c.z=0.0..1.0")]
    d = make_design("salib-sobol", factors, 8, seed=2)
    X = sobol.sample(d.sampler["problem"], 8, calc_second_order=False, seed=2)
    assert len(d.points) == len(X) == 8 * (2 + 2)
    assert [p["b.y"] for p in d.points] == pytest.approx(list(X[:, 0]))


def test_unknown_design():
    with pytest.raises(DesignError):
        make_design("taguchi", [parse_vary("a.x=1..2")])
