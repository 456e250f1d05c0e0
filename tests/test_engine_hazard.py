"""Behaviour without a time step: moods in straight lines, events by hazard.

Agitation and distress move in straight lines between events, held between 0
and 1; an escalation, a departure or an act of self-harm happens where the
integral of its hazard along that line reaches a unit-exponential budget.
These tests check the arithmetic against numerical integration, the drawn
times against the distributions they must follow, online posts against the
Hawkes process's known mean, and then, on hand-made plans, that the engine
puts each behaviour event at the exact time the line says.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from engine_fixtures import make, plan_dict, scenario_dict, trace
from hypothesis import example, given, settings
from hypothesis import strategies as st
from scipy import stats

from sim import load_plan, load_scenario
from sim.engine import decisions as D
from sim.engine.drill import Drill
from sim.engine.hazard import INF, Hazard, MoodPath, integral, time_to
from sim.engine.heat import Topic
from sim.engine.streams import Uniforms
from sim.spec.scenario import OnlineTopic, Scenario

# slopes as the engine makes them: zero, or at least 1e-12 an hour (slope_per_min)
moods = st.floats(0.0, 1.0)
slopes = st.one_of(st.just(0.0), st.floats(1e-9, 0.05), st.floats(-0.05, -1e-9))
coefficients = st.floats(-2.0, 2.0)
hazards = st.builds(Hazard, coefficients, coefficients, st.one_of(st.just(0.0), coefficients))


@settings(max_examples=300, deadline=None)
@given(moods, slopes, hazards, st.floats(0.0, 200.0))
def test_the_integral_of_a_hazard_along_the_line_matches_numerical_integration(a0, s, h, u):
    """Against the trapezoid rule on 400,001 points (error well under 1e-5 here:
    the integrand is piecewise smooth with bounded second derivative)."""
    x = np.linspace(0.0, u, 400_001)
    a = np.clip(a0 + s * x, 0.0, 1.0)
    expected = float(np.trapezoid(np.maximum(0.0, h.p + h.q * a + h.r * a * a), x))
    assert integral(a0, s, h, u) == pytest.approx(expected, rel=1e-5, abs=1e-6)


@settings(max_examples=300, deadline=None)
@given(moods, slopes, hazards, st.floats(1e-6, 20.0))
# faint hazards found by hypothesis: a clamped piece read a rounding error short of 0
# (negative hazard, negative time), an event 1e150 minutes out, a ramp that underflows
@example(0.49073383790468117, -0.05, Hazard(9.729375498338468e-59, -1.0, 1.0), 1.0)
@example(0.8246062258516298, -0.048828125, Hazard(6.240580334829737e-151, -1.0, 1.0), 1.0)
@example(0.0, 1e-09, Hazard(0.0, 2.2250738585e-313, 0.0), 0.00390625)
def test_the_time_of_the_next_event_is_where_the_integral_reaches_the_budget(a0, s, h, budget):
    t = time_to(budget, a0, s, h)
    if t < INF:
        assert integral(a0, s, h, t) == pytest.approx(budget, rel=1e-7, abs=1e-9)
    else:  # never: the whole future holds less hazard than the budget
        assert integral(a0, s, h, 1e7) < budget * (1 + 1e-9)


def test_a_rising_hazard_gives_the_survival_curve_it_implies():
    """Agitation from 0.5 rising 0.3 an hour; escalation hazard 1/h per unit above
    0.7. The drawn times must follow S(t) = exp(-integral of h up to t): a
    Kolmogorov-Smirnov test over 4000 draws (false alarm rate 1 in 1000)."""
    a0, s = 0.5, 0.3 / 60
    h = Hazard(-0.7 / 60 / 0.3, 1 / 60 / 0.3)
    rng = np.random.default_rng(2026)
    times = np.array([time_to(float(rng.exponential()), a0, s, h) for _ in range(4000)])
    assert np.isfinite(times).all()  # the line reaches 1 and stays: the hazard never ends

    def cdf(t: np.ndarray) -> np.ndarray:
        return 1.0 - np.exp(-np.array([integral(a0, s, h, x) for x in np.atleast_1d(t)]))

    assert stats.kstest(times, cdf).pvalue > 1e-3
    assert times.min() > (0.7 - a0) / s  # nothing before the threshold is reached


def test_a_jump_in_mood_uses_up_the_budget_at_the_old_mood_first():
    """Settling before a jump consumes the hazard of the time already passed,
    so a reply that calms a crowd does not hand it a fresh, full budget."""
    mood = MoodPath(0.8, clock=lambda: 0.0)
    mood.hazards = {"x": Hazard(0.1)}  # 0.1 per minute whatever the mood
    mood.budgets = {"x": 3.0}
    mood.shift(10.0, -0.5)
    assert mood.budgets["x"] == pytest.approx(2.0)
    assert mood.a0 == pytest.approx(0.3) and mood.next("x") == pytest.approx(20.0)


def _topic(base: float, excitation: float, decay: float) -> Topic:
    spec = OnlineTopic.model_validate(
        {
            "kind": "online_topic",
            "id": "t",
            "label": {"zh": "话题", "en": "topic"},
            "start_min": 0,
            "initial_heat": 0,
            "source": "002 §二.3",
            "behaviour": {
                "base_events_per_hour": base,
                "excitation": excitation,
                "kernel_decay_per_hour": decay,
                "heat_per_event": 1,
                "reach_per_event": 1,
                "heat_decay_per_hour": 0.1,
                "statement_excitation_factor": 0.5,
                "statement_base_factor": 0.5,
                "statement_timely_min": 60,
                "assumed": True,
                "reason": "test",
            },
        }
    )
    topic = Topic.from_spec(spec)
    topic.start(0.0)
    return topic


def _posts(topic: Topic, horizon: float, uniform: Uniforms) -> int:
    t, n = 0.0, 0
    while True:
        t = topic.draw_next_post(t, uniform)
        if t > horizon:
            return n
        topic.add_events(t, 1)
        n += 1


def test_posts_follow_the_hawkes_mean_from_a_quiet_start():
    """Base rate mu, branching ratio a, kernel decay b, from an empty kernel:
    E N(T) = mu T / (1 - a) - mu a (1 - exp(-(1 - a) b T)) / (b (1 - a)^2).
    The mean over 400 runs lies within 4 standard errors of it."""
    mu, a, b, hours = 30.0, 0.6, 2.0, 6.0
    expected = mu * hours / (1 - a) - mu * a * (1 - math.exp(-(1 - a) * b * hours)) / (b * (1 - a) ** 2)
    uniform = Uniforms(np.random.default_rng(7))
    counts = np.array([_posts(_topic(mu, a, b), hours * 60, uniform) for _ in range(400)])
    se = counts.std(ddof=1) / math.sqrt(len(counts))
    assert abs(counts.mean() - expected) < 4 * se


def test_uniforms_in_blocks_are_the_same_draws_as_one_by_one():
    one_by_one = np.random.default_rng(11).random(1000).tolist()
    uniform = Uniforms(np.random.default_rng(11), block=64)
    assert [uniform() for _ in range(1000)] == one_by_one


# --- on hand-made plans: behaviour events at the times the lines say -----------------


def _agitation_level(threshold: float) -> dict:
    plan = plan_dict()
    plan["levels"]["IV"]["triggers"] = [{"agitation_at_least": threshold, "assumed": True, "reason": "test"}]
    return plan


def test_a_level_on_agitation_is_required_the_moment_the_line_crosses_it():
    """Agitation 0.2 rising 0.6 an hour with nobody talking to the group: it
    reaches 0.5 at exactly 30 minutes, not at the next whole minute."""
    plan, scenario = make(
        _agitation_level(0.5),
        scenario_dict(size=1, waiting_rise_per_hour=0.6, location="gate"),
    )
    drill = Drill(plan, scenario, seed=3)
    drill.advance(60)
    assert trace(drill, {"level_required"}) == [(30.0, "level_required", "IV")]


def test_an_escalation_ends_exactly_when_its_time_is_up():
    """Escalation hazard 60 an hour at full agitation, above 0.3, and the crowd
    held at 0.9: it escalates within minutes, and the escalation ends exactly
    20 minutes after it began."""
    plan, scenario = make(
        plan_dict(),
        scenario_dict(
            size=2, location="gate", initial_agitation=0.9, escalation_agitation=0.3, escalation_per_hour=60.0
        ),
    )
    drill = Drill(plan, scenario, seed=5)
    drill.advance(30)
    events = [(round(e.t, 6), e.kind) for e in drill.log if e.kind in ("escalation", "escalation_ended")]
    assert events[0][1] == "escalation" and events[0][0] < 10
    assert events[1] == (round(events[0][0] + 20, 6), "escalation_ended")


def test_answered_people_leave_each_after_their_own_going_home_time():
    """Registered, then replied to: each of 40 people leaves after their own
    going-home time, exponential with mean 10 minutes, counted from the reply
    (the later of the two). The 40 departures are the order statistics of 40
    exponentials, so the last one comes, on average over 60 seeds, near
    10 * H(40) = 42.8 minutes."""
    lasts = []
    for seed in range(60):
        plan, scenario = make(
            plan_dict(reception_on_duty=40, reception_size=40),
            scenario_dict(
                size=40,
                horizon=600,
                initial_agitation=0.0,
                answered_leave_min={"dist": "exponential", "mean": 10},
            ),
        )
        drill = Drill(plan, scenario, seed=seed)
        drill.advance(0)
        drill.decide(D.IssueInitialReply("g"))  # out at 30; everyone registered at 10
        drill.advance(scenario.horizon_min)
        left = [e for e in drill.log if e.kind == "left"]
        assert len(left) == 40 and all(e.data["n"] == 1 and e.t >= 30 for e in left)
        lasts.append(left[-1].t - 30)
    harmonic = sum(1 / k for k in range(1, 41))
    sd = 10 * math.sqrt(sum(1 / k**2 for k in range(1, 41)))
    assert abs(np.mean(lasts) - 10 * harmonic) < 4 * sd / math.sqrt(len(lasts))


def test_a_hot_topic_brings_copycats_at_once_and_after_each_gap_even_with_no_new_post():
    """A topic that starts far above the copycat mark, with almost nobody posting:
    the first gathering comes at the start, the next ones exactly when the
    90-minute gap is over, while the heat is still above the mark."""
    data = load_scenario("online-amplification").model_dump(by_alias=True)
    topic = next(i for i in data["incidents"] if i["kind"] == "online_topic")
    topic["initial_heat"] = 1e8
    topic["behaviour"].update(base_events_per_hour=0.5, excitation=0.0)
    data["injects"] = [i for i in data["injects"] if not i.get("effect")]
    scenario = Scenario.model_validate(data)
    rule = scenario.incidents[0].copycat
    for seed in range(4):
        drill = Drill(load_plan("city"), scenario, seed)
        drill.advance(600)
        times = [e.t for e in drill.log if e.kind == "copycat_gathering"]
        assert times == pytest.approx(
            [topic["start_min"] + k * rule.min_gap_min for k in range(rule.max_gatherings)]
        )
