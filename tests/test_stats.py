"""sim.stats against scipy: Wilson intervals and the exact McNemar test."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.stats import mcnemar, proportion, wilson

scipy_stats = pytest.importorskip("scipy.stats")


def scipy_wilson(k: int, n: int, confidence: float = 0.95) -> tuple[float, float]:
    ci = scipy_stats.binomtest(k, n).proportion_ci(confidence_level=confidence, method="wilson")
    return ci.low, ci.high


@pytest.mark.parametrize("n", [1, 2, 5, 10, 20, 60, 100, 1000])
def test_wilson_matches_scipy_for_every_k(n):
    for k in range(0, n + 1, max(1, n // 25)):
        low, high = wilson(k, n)
        s_low, s_high = scipy_wilson(k, n)
        assert low == pytest.approx(s_low, abs=1e-12)
        assert high == pytest.approx(s_high, abs=1e-12)


@settings(max_examples=200, deadline=None)
@given(
    st.integers(1, 5000).flatmap(lambda n: st.tuples(st.integers(0, n), st.just(n))),
    st.sampled_from([0.8, 0.9, 0.95, 0.99]),
)
def test_wilson_matches_scipy_property(kn, confidence):
    k, n = kn
    low, high = wilson(k, n, confidence)
    s_low, s_high = scipy_wilson(k, n, confidence)
    assert low == pytest.approx(s_low, abs=1e-10)
    assert high == pytest.approx(s_high, abs=1e-10)
    # (sim.stats may miss 0 or 1 by ~1e-16 at k = 0 or k = n: rounding)
    assert 0.0 <= low <= k / n + 1e-12 and k / n - 1e-12 <= high <= 1.0


def test_wilson_without_trials_is_uninformative():
    assert wilson(0, 0) == (0.0, 1.0)


def test_proportion_leaves_out_not_applicable():
    p = proportion([True, None, False, True, None])
    assert (p.k, p.n) == (2, 3)
    assert (p.low, p.high) == pytest.approx(scipy_wilson(2, 3))
    assert math.isnan(proportion([None]).p)


def test_mcnemar_is_the_exact_binomial_test_on_discordant_pairs():
    a = [True] * 12 + [False] * 3 + [True] * 20 + [None]
    b = [False] * 12 + [True] * 3 + [True] * 20 + [True]
    res = mcnemar(a, b)
    assert (res.n, res.a_only, res.b_only) == (35, 12, 3)
    assert res.p_value == pytest.approx(scipy_stats.binomtest(12, 15, 0.5).pvalue, rel=1e-9)
