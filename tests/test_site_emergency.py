"""A fire or explosion at the reception site (sim/engine/site_emergency.py): trace
tests that read the rule off a short drill's log, and one statistical test of
the injury law. Seed 001 gives no figure for a fire, so there is no calibration
figure to test: every number in station-reception-fire is an assumption."""

from __future__ import annotations

import itertools
import math
from typing import Any

import pytest

from sim import load_plan, load_scenario
from sim.engine.batch import play_policy
from sim.engine.drill import Drill
from sim.spec.plan import Plan
from sim.spec.scenario import Scenario

FIRE = "station-reception-fire"


def _scenario(**changes: Any) -> Scenario:
    """The shipped fire scenario with the emergency's fields changed (dotted keys)."""
    data = load_scenario(FIRE).model_dump(mode="json")
    fire = next(i for i in data["incidents"] if i["kind"] == "site_emergency")
    for path, value in changes.items():
        node = fire
        *parents, leaf = path.split(".")
        for key in parents:
            node = node[key]
        node[leaf] = value
    return Scenario.model_validate(data)


def _plan(on_duty: dict[str, int] | None = None) -> Plan:
    data = load_plan("transport-station").model_dump(mode="json")
    for team, n in (on_duty or {}).items():
        data["teams"][team]["on_duty_people"] = n
    return Plan.model_validate(data)


def _entries(drill: Drill, kind: str) -> list[Any]:
    return [e for e in drill.log if e.kind == kind]


FIXED = {"dist": "fixed", "value": 0}


def test_people_leave_at_the_guided_rate_when_the_exit_is_not_the_limit() -> None:
    """Guides are the staff on duty at the premises: petition office 2, site group 2,
    business sections 1 = 5, so 1.5 + 5 x 1.5 = 9 people a minute, one every 1/9 min;
    the one exit (15 a minute) does not bind."""
    drill = play_policy(
        _plan(), _scenario(**{"behaviour.report_min": {"dist": "fixed", "value": 10}}), 3, "passive"
    )
    out = _entries(drill, "evacuated")
    started = _entries(drill, "emergency_started")[0]
    times = [started.t] + [e.t for e in out]
    gaps = {round(b - a, 3) for a, b in itertools.pairwise(times)}
    assert gaps == {round(1 / 9, 3)}
    assert len(out) == started.data["inside"]
    done = _entries(drill, "evacuation_complete")[0]
    assert done.t == out[-1].t and done.data["evacuated"] == len(out)


def test_the_exit_limits_the_flow_once_enough_staff_guide() -> None:
    """With 20 guided a minute per guide, 1.5 + 5 x 20 = 101.5 exceeds the door's 15:
    one person every 1/15 min."""
    drill = play_policy(_plan(), _scenario(**{"egress.guided_per_guide_per_min": 20}), 3, "passive")
    started = _entries(drill, "emergency_started")[0]
    times = [started.t] + [e.t for e in _entries(drill, "evacuated")]
    assert {round(b - a, 4) for a, b in itertools.pairwise(times)} == {round(1 / 15, 4)}


def test_without_staff_people_find_the_way_slowly_until_the_fire_brigade_comes() -> None:
    """Nobody on duty: 1.5 a minute unguided; after the brigade arrives, 1.5 + 6."""
    plan = _plan({"petition_office": 0, "site_group": 0, "business_units": 0})
    scenario = _scenario(
        **{
            "behaviour.report_min": {"dist": "fixed", "value": 1},
            "behaviour.fire_brigade_min": {"dist": "fixed", "value": 4},
            "behaviour.others_inside_people": {"dist": "fixed", "value": 20},
        }
    )
    drill = play_policy(plan, scenario, 5, "passive")
    brigade = _entries(drill, "fire_brigade_arrived")[0]
    started = _entries(drill, "emergency_started")[0]
    assert brigade.t == pytest.approx(started.t + 5)
    times = [started.t] + [e.t for e in _entries(drill, "evacuated")]
    gaps = [(a, round(b - a, 4)) for a, b in itertools.pairwise(times)]
    before = {g for a, g in gaps if a + 1e-9 < brigade.t - 1 / 1.5}
    after = {g for a, g in gaps if a >= brigade.t}
    assert before == {round(1 / 1.5, 4)} and after == {round(1 / 7.5, 4)}


def test_the_venue_closes_and_the_group_waits_at_the_assembly_point() -> None:
    """At the outbreak: reception stops in the room (venue_closed), the group is moved to
    the gate; passive (nobody opens another room) no new claim is taken: only the services
    under way end, at most one per clerk on duty (petition office 2, business sections 1)."""
    drill = play_policy(_plan(), _scenario(), 2, "passive")
    started = _entries(drill, "emergency_started")[0]
    closed = _entries(drill, "venue_closed")[0]
    moved = [e for e in _entries(drill, "group_moved") if e.t == started.t]
    assert closed.t == started.t and closed.subject == "reception_room"
    assert moved and moved[0].data["venue"] == "gate"
    assert len([e for e in _entries(drill, "registered") if e.t > started.t]) <= 3


def test_the_report_calls_the_fire_brigade_and_raises_level_ii() -> None:
    """The duty room has the report after report_min and calls the brigade with it; the
    plan's level II (fire at the site) is required at that moment."""
    scenario = _scenario(
        **{
            "behaviour.report_min": {"dist": "fixed", "value": 2},
            "behaviour.fire_brigade_min": {"dist": "fixed", "value": 10},
        }
    )
    drill = play_policy(_plan(), scenario, 1, "plan")
    started = _entries(drill, "emergency_started")[0]
    reported = _entries(drill, "emergency_reported")[0]
    assert reported.t == pytest.approx(started.t + 2)
    assert reported.data["fire_brigade_eta"] == pytest.approx(started.t + 12)
    required = {e.subject: e.t for e in _entries(drill, "level_required")}
    assert required["II"] == pytest.approx(reported.t)


def test_casualties_go_to_hospital_only_with_ambulance_crews_called() -> None:
    """Everyone inside is hurt (a blast with chance 1): under the plan the medical team is
    called at level II and each casualty is taken by a free crew member; passive, nobody
    comes, and the milestone is missed."""
    scenario = _scenario(**{"behaviour.initial_injury_chance": 1.0})
    plan_drill = play_policy(_plan(), scenario, 4, "plan")
    inside = _entries(plan_drill, "emergency_started")[0].data["inside"]
    assert len(_entries(plan_drill, "injury")) >= inside
    taken = _entries(plan_drill, "casualty_to_hospital")
    assert len(taken) == inside and all(e.data["by"] == "medical" for e in taken)
    first_crew = min(e.t for e in _entries(plan_drill, "team_arrived") if e.subject == "medical")
    assert min(e.t for e in taken) >= first_crew
    card = {m.id: m.status for m in plan_drill.scorecard().milestones}
    passive = {m.id: m.status for m in play_policy(_plan(), scenario, 4, "passive").scorecard().milestones}
    assert passive["casualties_hospital"] == "missed"
    assert card["casualties_hospital"] in ("met", "missed")  # judged: it applies


def test_the_fire_milestones_apply_only_where_there_is_a_fire() -> None:
    card = play_policy(_plan(), load_scenario("station-group-visit"), 1, "plan").scorecard()
    status = {m.id: m.status for m in card.milestones}
    assert {status[k] for k in ("fire_reported", "evacuation_done", "casualties_hospital")} == {
        "not_applicable"
    }


def test_nobody_hurt_means_no_casualty_limit() -> None:
    """No injury chance at all: the casualty milestone never applies."""
    scenario = _scenario(**{"behaviour.initial_injury_chance": 0.0, "behaviour.injury_growth_per_min2": 0.0})
    card = play_policy(_plan(), scenario, 1, "plan").scorecard()
    status = {m.id: m.status for m in card.milestones}
    assert status["casualties_hospital"] == "not_applicable" and status["evacuation_done"] == "met"


def test_injury_chance_follows_its_law_over_many_seeds() -> None:
    """Each person leaving after t minutes inside is hurt with 1 - (1 - p0) exp(-k t^2/2).
    With k = 0 the chance is p0 = 0.3 for everyone. 200 seeds x 15-25 people inside
    (others fixed at 10, plus 2 staff, plus the 8-15 operators inside) give n >= 4,000
    Bernoulli draws; the SE of the share is sqrt(0.3 x 0.7 / 4000) = 0.0072, so a band of
    +-0.03 (4.1 SE) almost never fails by chance (two-sided p ~ 4e-5), while a wrong law of
    p0 = 0.25 or 0.35 lies 7 SE away and is caught with power > 0.999."""
    scenario = _scenario(
        **{
            "behaviour.initial_injury_chance": 0.3,
            "behaviour.injury_growth_per_min2": 0.0,
            "behaviour.others_inside_people": {"dist": "fixed", "value": 10},
        }
    )
    plan = _plan()
    hurt = total = 0
    for seed in range(200):
        drill = Drill(plan, scenario, seed)
        drill.advance(scenario.incidents[1].start_min + 10)  # the room is empty by then
        out = _entries(drill, "evacuated")
        total += len(out)
        hurt += sum(1 for e in out if e.data["injured"])
    assert total >= 4000
    assert abs(hurt / total - 0.3) <= 0.03


def test_the_growing_hazard_hurts_later_leavers_more() -> None:
    """k = 0.06 per min^2: after 2 min inside the chance is 1 - exp(-0.12) = 0.113, after
    5 min 1 - exp(-0.75) = 0.528 (the scenario's stated reading of its assumption)."""
    from sim.engine.site_emergency import Emergencies, Emergency

    scenario = load_scenario(FIRE)
    spec = next(i for i in scenario.incidents if i.kind == "site_emergency")
    em = Emergency(spec.id, spec)  # type: ignore[arg-type]
    chance = Emergencies.injury_chance
    assert chance(None, em, 2.0) == pytest.approx(1 - math.exp(-0.12))  # type: ignore[arg-type]
    assert chance(None, em, 5.0) == pytest.approx(1 - math.exp(-0.75))  # type: ignore[arg-type]


def test_a_room_closed_by_the_fire_cannot_be_opened_again() -> None:
    """The trainee's open_venue is refused with the reason and nothing is logged; before
    the outbreak it was refused only as already open."""
    from sim.engine import decisions as D

    drill = Drill(_plan(), _scenario(), 1)
    drill.advance(10)
    before = drill.decide(D.OpenVenue("reception_room"))
    assert not before.accepted and "already open" in str(before.reason)
    drill.advance(30)
    n = len(drill.log)
    after = drill.decide(D.OpenVenue("reception_room"))
    assert not after.accepted and "closed by a fire" in str(after.reason)
    assert len(drill.log) == n
