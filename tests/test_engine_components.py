"""Each component, step by step: exact traces on the hand-made plan.

The roster logs every member's movement; the injects component plays the
scenario's list and obeys the facilitator; decisions carry the seat that took
them; the snapshot shows who is where. Every distribution is fixed, so each
time can be worked out by hand.
"""

from __future__ import annotations

from engine_fixtures import make, plan_dict, scenario_dict, text, trace

from sim.engine import decisions as D
from sim.engine import facilitator as F
from sim.engine.drill import Drill
from sim.engine.trends import decisions_taken


def with_injects(*at_min: float) -> dict:  # type: ignore[type-arg]
    scenario = scenario_dict()
    scenario["injects"] = [{"at_min": t, "text": text(f"inject at {t:g}")} for t in at_min]
    return scenario


# --- the roster -----------------------------------------------------------------------------


def test_the_roster_logs_a_call_in_from_the_call_to_the_arrival():
    """Two receptionists off duty, called at 1 with a 20-minute call-in: the log has the
    call with each ETA, then each arrival at the base."""
    plan, scenario = make(plan_dict(reception_on_duty=0, reception_size=2), scenario_dict(size=1))
    drill = Drill(plan, scenario, seed=1)
    drill.advance(1)
    assert drill.decide(D.CallIn("reception")).accepted
    drill.advance(30)
    moves = [
        (e.t, e.kind, e.subject, e.data) for e in drill.log if e.kind in ("member_called", "team_arrived")
    ]
    assert moves == [
        (1.0, "member_called", "reception", {"member": 1, "eta": 21.0}),
        (1.0, "member_called", "reception", {"member": 2, "eta": 21.0}),
        (21.0, "team_arrived", "reception", {"member": 1, "place": "base"}),
        (21.0, "team_arrived", "reception", {"member": 2, "place": "base"}),
    ]


def test_a_task_other_than_serving_is_logged_from_start_to_release():
    """A cordon takes two order members at the group's place; they are released when
    the group has gone: two of the three, still queueing, leave unanswered at their
    5-minute patience; the third, received at 10, waits 5 minutes more for a reply."""
    plan = plan_dict()
    plan["teams"]["order"]["on_duty_people"] = 2
    drill = Drill(*make(plan, scenario_dict(patience_min={"dist": "fixed", "value": 5})), seed=1)
    drill.advance(1)
    assert drill.decide(D.SetCordon("g")).accepted
    drill.advance(20)
    assert trace(drill, {"member_tasked", "member_released", "group_dispersed"}) == [
        (1.0, "member_tasked", "order"),
        (1.0, "member_tasked", "order"),
        (15.0, "group_dispersed", "g"),
        (15.0, "member_released", "order"),
        (15.0, "member_released", "order"),
    ]
    tasked = [e.data for e in drill.log if e.kind == "member_tasked"]
    assert tasked == [
        {"member": 1, "task": "cordon:g", "place": "base"},
        {"member": 2, "task": "cordon:g", "place": "base"},
    ]


def test_serving_is_not_a_logged_task_the_registration_records_its_end():
    drill = Drill(*make(), seed=1)
    drill.advance(40)
    assert trace(drill, {"member_tasked", "member_released"}) == []
    assert [(e.t, e.data["by"]) for e in drill.log if e.kind == "registered"] == [
        (10.0, "reception"),
        (20.0, "reception"),
        (30.0, "reception"),
    ]


# --- injects ---------------------------------------------------------------------------------


def test_the_scenarios_injects_play_at_their_times():
    drill = Drill(*make(plan_dict(), with_injects(5, 10)), seed=1)
    drill.advance(30)
    assert trace(drill, {"inject"}) == [(5.0, "inject", "msel:1"), (10.0, "inject", "msel:2")]
    assert [i.status for i in drill.snapshot().msel] == ["played", "played"]


def test_the_facilitator_holds_releases_skips_and_plays_injects_now():
    """Inject 1 (due at 5) is held at 2 and released at 12: it plays then, late.
    Inject 2 (due at 10) is skipped. Inject 3 (due at 20) is played at 3, early, and
    not again at 20. Each action is a facilitator entry, never a decision."""
    drill = Drill(*make(plan_dict(), with_injects(5, 10, 20)), seed=1)
    drill.advance(2)
    assert drill.facilitate(F.MselAction(1, "hold")).accepted
    drill.advance(3)
    assert drill.facilitate(F.MselAction(3, "play")).accepted
    assert drill.facilitate(F.MselAction(2, "skip")).accepted
    assert drill.facilitate(F.MselAction(2, "release")).reason == "inject 2 is skipped"
    drill.advance(12)
    assert drill.facilitate(F.MselAction(1, "release")).accepted
    drill.advance(30)
    assert [(e.t, e.kind, e.subject, e.data) for e in drill.log if e.kind in ("inject", "facilitator")] == [
        (2.0, "facilitator", "msel", {"inject": 1, "do": "hold"}),
        (3.0, "facilitator", "msel", {"inject": 3, "do": "play"}),
        (3.0, "inject", "msel:3", {"zh": "inject at 20", "en": "inject at 20"}),
        (3.0, "facilitator", "msel", {"inject": 2, "do": "skip"}),
        (12.0, "facilitator", "msel", {"inject": 1, "do": "release"}),
        (12.0, "inject", "msel:1", {"zh": "inject at 5", "en": "inject at 5"}),
    ]
    assert [(i.n, i.status, i.played_at) for i in drill.snapshot().msel] == [
        (1, "played", 12.0),
        (2, "skipped", None),
        (3, "played", 3.0),
    ]
    assert decisions_taken(drill.log.entries) == []
    assert drill.scorecard().outcomes["decisions"] == 0


def test_a_facilitators_inject_with_an_effect_acts_on_the_model():
    """Seven more people join at 4 (over the next 10 minutes): the head count reaches 10."""
    drill = Drill(*make(), seed=1)
    drill.advance(4)
    action = F.AdHocInject.make("又来了", "more came", {"kind": "join", "incident": "g", "people": 7})
    assert drill.facilitate(action).accepted
    drill.advance(20)
    assert trace(drill, {"facilitator", "inject", "joined"}) == [
        (4.0, "facilitator", "inject"),
        (4.0, "inject", "facilitator:1"),
        (4.0, "joined", "g"),
    ]
    assert drill.snapshot().head_count == 10


def test_a_facilitators_inject_on_the_wrong_kind_of_incident_is_refused():
    drill = Drill(*make(), seed=1)
    drill.advance(1)
    bad = F.AdHocInject.make("x", "x", {"kind": "heat_spike", "incident": "g", "events": 5})
    assert drill.facilitate(bad).reason == "heat_spike does not apply to group"
    assert trace(drill, {"facilitator", "inject"}) == []


# --- decisions and the seat -----------------------------------------------------------------------


def test_a_decision_records_the_seat_that_took_it_only_when_given():
    drill = Drill(*make(), seed=1)
    drill.advance(5)
    drill.decide(D.DeclareLevel("IV"), seat="commander")
    drill.decide(D.Summon("leader"))
    taken = [(e.subject, e.data) for e in drill.log if e.kind == "decision"]
    assert taken == [
        ("declare_level", {"level": "IV", "seat": "commander"}),
        ("summon", {"official": "leader"}),
    ]
    assert decisions_taken(drill.log.entries) == [
        (5.0, {"kind": "declare_level", "level": "IV"}),
        (5.0, {"kind": "summon", "official": "leader"}),
    ]


# --- the snapshot's places --------------------------------------------------------------------


def test_the_snapshot_says_who_is_where():
    """At 12 the group of three is inside the room at the base with the clerk; the
    leader, summoned at 1 (15 minutes away), is not there yet; at 16 he is."""
    drill = Drill(*make(), seed=1)
    drill.advance(1)
    drill.decide(D.Summon("leader"))
    drill.advance(12)
    base = next(p for p in drill.snapshot().places if p.id == "base")
    assert [(g.incident, g.venue, g.inside, g.outside) for g in base.groups] == [("g", "room", 3, 0)]
    assert base.teams == {"reception": 1, "policy": 1}
    assert base.officials == ("duty_officer",)
    drill.advance(16)
    base = next(p for p in drill.snapshot().places if p.id == "base")
    assert base.officials == ("duty_officer", "leader")
