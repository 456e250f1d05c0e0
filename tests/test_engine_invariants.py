"""Invariants that hold for any scenario, any staffing, any policy.

Hypothesis draws the numbers (crowd size and spread, staffing, patience,
agitation dynamics, call-in times, seed, policy) and checks, at several
moments of each drill: everyone who arrived is on site, has left, or was
injured; no count is negative; no member is in two places; a milestone is
never met before its clock started (except limits set before an incident);
no incident's next behaviour event lies in the past. After every single event:
behaviour is planned from the present state, and a level or a milestone is
noticed the moment it holds.
"""

from __future__ import annotations

import pytest
from engine_fixtures import model, tracker
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sim import load_plan, load_scenario
from sim.engine import decisions as D
from sim.engine import params as P
from sim.engine.drill import Drill
from sim.engine.hazard import slope_per_min
from sim.engine.people import ON_SITE, PersonState
from sim.engine.policies import make, play
from sim.engine.staff import MemberStatus
from sim.spec import catalog
from sim.spec.plan import LEVELS, Duty, Plan

PLAN = load_plan("city")
SCENARIO = load_scenario("group-visit-50")


def check(drill: Drill) -> None:
    w = model(drill)
    for crowd in w.groups.crowds.values():
        states = [p.state for p in crowd.people]
        arrived = sum(1 for s in states if s is not PersonState.COMING)
        on_site = sum(1 for s in states if s in ON_SITE)
        gone = sum(1 for s in states if s in (PersonState.LEFT, PersonState.INJURED))
        assert arrived == on_site + gone
        assert crowd.on_site == on_site >= 0
        assert crowd.inside >= 0 and crowd.pending_arrivals >= 0
        assert crowd.pending_arrivals == sum(1 for s in states if s is PersonState.COMING)
        assert 0.0 <= crowd.agitation <= 1.0
        assert len(crowd.reps) <= 5
        assert crowd.outside_n == sum(1 for s in states if s is PersonState.OUTSIDE)
        # behaviour without a time step: whoever is on site has a planned next
        # event (or none at all), never one in the past, and budgets left to use
        assert w.groups.behaviour.alarm(crowd).wake_at >= w.now - 1e-9
        assert crowd.queued_n == sum(1 for s in states if s is PersonState.QUEUED)
        assert crowd.in_service_n == sum(1 for s in states if s is PersonState.IN_SERVICE)
        assert all(b >= -1e-9 for b in crowd.mood.budgets.values())
    assert w.groups.pending == sum(c.pending_arrivals for c in w.groups.crowds.values())
    for ind in w.individuals.all.values():
        assert 0.0 <= ind.distress <= 1.0 and ind.alarm.wake_at >= w.now - 1e-9
    for team in w.roster.teams.values():
        seen = set()
        for m in team.members:
            assert id(m) not in seen
            seen.add(id(m))
            assert m.status in tuple(MemberStatus)
            if m.status in (MemberStatus.IDLE, MemberStatus.TASKED):
                assert m.place is not None  # on duty means somewhere, and in one place only
            if m.status is MemberStatus.EN_ROUTE:
                assert m.place is None and m.eta is not None and m.eta >= w.now - 1e-9
            if m.status is MemberStatus.OFF_DUTY:
                assert m.place is None
    for v in w.reception.venues.values():
        assert w.reception.occupancy(v.id) >= 0
    for s in tracker(drill).states:
        if s.met_at is not None and s.clock_start is not None:
            assert s.met_at >= s.clock_start + min(0.0, s.spec.deadline_min) - 1e-9


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    size=st.integers(1, 400),
    spread=st.floats(0, 120),
    on_duty=st.integers(0, 6),
    extra=st.integers(0, 6),
    patience=st.floats(5, 400),
    rise=st.floats(0, 2),
    calm=st.floats(0, 2),
    escalation=st.floats(0, 10),
    call_in=st.floats(1, 90),
    seed=st.integers(0, 2**31),
    policy=st.sampled_from(["plan", "passive"]),
)
def test_invariants_hold_throughout_any_drill(
    size, spread, on_duty, extra, patience, rise, calm, escalation, call_in, seed, policy
):
    plan, scenario = (
        P.apply(
            PLAN,
            SCENARIO,
            {
                "incidents.buyers.size_people": size,
                "incidents.buyers.arrival_spread_min": spread,
                "incidents.buyers.behaviour.patience_min": patience,
                "incidents.buyers.behaviour.waiting_rise_per_hour": rise,
                "incidents.buyers.behaviour.dialogue_calm_per_hour": calm,
                "incidents.buyers.behaviour.escalation_per_hour": escalation,
                "teams.reception.on_duty": on_duty,
                "teams.reception.size": on_duty + extra,
                "teams.reception.call_in_min": call_in,
            },
        )
        if on_duty + extra > 0
        else (PLAN, SCENARIO)
    )
    drill = checked(Drill(plan, scenario, seed))
    pol = make(policy)
    for stop in (15, 45, 120, drill.horizon):
        play(drill, pol, until=stop)
        check(drill)
    card = drill.scorecard()
    assert card.outcomes["people_arrived"] >= card.outcomes["peak_crowd"]


SCENARIO_PLANS = [
    (sid, plan_id) for sid in catalog.shipped_scenario_ids() for plan_id in load_scenario(sid).plans()
]


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    case=st.sampled_from(SCENARIO_PLANS),
    on_duty_share=st.floats(0, 1),
    seed=st.integers(0, 2**31),
    policy=st.sampled_from(["plan", "passive"]),
)
def test_invariants_hold_on_every_shipped_scenario_and_plan(case, on_duty_share, seed, policy):
    """Any shipped scenario on any plan it names, with every team's on-duty share redrawn."""
    scenario_id, plan_id = case
    plan = load_plan(plan_id)
    scenario = load_scenario(scenario_id)
    overrides = {
        f"teams.{tid}.on_duty": round(team.size_people * on_duty_share) for tid, team in plan.teams.items()
    }
    plan, scenario = P.apply(plan, scenario, overrides)
    drill = checked(Drill(plan, scenario, seed))
    pol = make(policy)
    for stop in (20, 90, drill.horizon):
        play(drill, pol, until=stop)
        check(drill)
    for ind in model(drill).individuals.all.values():
        assert 0.0 <= ind.distress <= 1.0
    for topic in model(drill).online.topics.values():
        assert topic.heat >= 0 and topic.peak_heat >= topic.heat - 1e-6


# --- after every single event: nothing waits for a later event to be noticed -----------


def _planned_from_present_state(w) -> None:  # type: ignore[no-untyped-def]
    """Each group's line and hazards are the ones its present situation implies
    (so whatever changed it was re-planned at once)."""
    for crowd in w.groups.crowds.values():
        if not crowd.started or crowd.on_site == 0:
            continue
        present = w.roster.official_present(crowd.place)
        helpers = (
            len(w.roster.members_with(Duty.reception, place=crowd.place)) if crowd.reps_at is not None else 0
        )
        situation = crowd.situation_now(present, helpers)
        b = crowd.behaviour
        assert crowd.mood.slope == slope_per_min(situation.slope_per_hour(b)), (w.now, crowd.id)
        assert crowd.mood.hazards == {
            "escalation": situation.escalation_hazard(b),
            "helped": situation.helped_hazard(b),
        }, (w.now, crowd.id)
    for ind in w.individuals.all.values():
        if ind.active:
            situation = ind.situation()
            assert ind.mood.slope == slope_per_min(situation.slope_per_hour(ind.spec))
            assert ind.mood.hazards == {"self_harm": situation.self_harm_hazard(ind.spec)}


def _noticed_at_once(drill: Drill) -> None:
    w = model(drill)
    warranted = w.levels.warranted()
    if warranted is not None:  # the level the triggers call for, and those below it, are on record
        rank = LEVELS.index(warranted)
        assert all(n in w.levels.required_at for n in LEVELS[: rank + 1] if n in w.plan.levels), (
            w.now,
            warranted,
        )
    for state in tracker(drill).states:  # no limit is met without being judged met
        if state.status == "pending" and state.clock_start is not None and w.now >= state.clock_start:
            assert not tracker(drill).measures.holds(state.spec), (w.now, state.id)


@pytest.mark.parametrize("case", SCENARIO_PLANS, ids=[f"{s}@{p}" for s, p in SCENARIO_PLANS])
@pytest.mark.parametrize("policy", ["plan", "passive"])
def test_the_model_is_consistent_after_every_event(case, policy):
    """Checked after each of the thousands of events of three seeded drills of
    every shipped scenario and plan: behaviour is planned from the present
    state, a level is required the moment its triggers hold, and a milestone is
    met the moment it holds."""
    scenario_id, plan_id = case
    plan, scenario = load_plan(plan_id), load_scenario(scenario_id)
    for seed in range(3):
        drill = checked(Drill(plan, scenario, seed))
        play(drill, make(policy))
        assert drill.finished


def checked(drill: Drill) -> Drill:
    """The drill, checked for consistency after every one of its events."""
    kernel = model(drill).kernel
    step = kernel.step

    def checked_step() -> None:
        step()
        _planned_from_present_state(model(drill))
        _noticed_at_once(drill)

    kernel.step = checked_step  # type: ignore[method-assign]
    return drill


def test_reinforcements_count_at_once_where_they_help():
    """Support from the next level up adds members to external teams; with the
    reception team external, the new receptionists help people leave from the
    moment they arrive (checked after every event)."""
    data = load_plan("city").model_dump(by_alias=True)
    data["teams"]["reception"]["external"] = True
    plan, scenario = Plan.model_validate(data), load_scenario("group-visit-50")
    for seed in range(3):
        for asked_at in (40, 60, 80):
            drill = checked(Drill(plan, scenario, seed))
            play(drill, make("plan"), until=asked_at)
            assert drill.decide(D.RequestSupport()).accepted
            play(drill, make("plan"))
            assert any(e.kind == "support_arrived" for e in drill.log)
