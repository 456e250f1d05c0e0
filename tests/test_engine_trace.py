"""The engine, step by step: exact event traces on hand-made plans.

Every distribution here is fixed, so each event's time can be worked out by
hand, the way SimPy's own trace tests read.
"""

from __future__ import annotations

import pytest
from engine_fixtures import fixed, make, plan_dict, scenario_dict, trace

from sim.engine import decisions as D
from sim.engine.drill import Drill


def test_one_clerk_serves_a_queue_of_three_in_turn():
    """Three people arrive together; one clerk registers them 10 minutes each."""
    drill = Drill(*make(), seed=1)
    drill.advance(40)
    assert trace(drill, {"first_report", "arrive", "registered", "alert_step"}) == [
        (0.0, "first_report", ""),
        (0.0, "arrive", "g"),
        (0.0, "arrive", "g"),
        (0.0, "arrive", "g"),
        (2.0, "alert_step", "screen"),
        (5.0, "alert_step", "verify"),
        (10.0, "registered", "g"),
        (20.0, "registered", "g"),
        (30.0, "registered", "g"),
    ]


def test_advance_includes_events_at_exactly_until():
    """advance(t) processes the events at t (SimPy's run(until=t) would not)."""
    drill = Drill(*make(), seed=1)
    drill.advance(10)
    assert trace(drill, {"registered"}) == [(10.0, "registered", "g")]
    drill.advance(10)  # advancing to now again is allowed and adds nothing
    assert len(trace(drill, {"registered"})) == 1
    with pytest.raises(ValueError):
        drill.advance(9)


def test_a_level_takes_the_commanders_decision_time_and_starts_the_clocks():
    """Declared at 5 (after verification), level IV is in force at 5 + 4 = 9;
    the leader summoned then arrives 15 minutes later, inside the 20-minute limit."""
    drill = Drill(*make(), seed=1)
    assert drill.decide(D.DeclareLevel("IV")).reason == "no report has reached the duty officer yet"
    drill.advance(0)
    assert drill.decide(D.DeclareLevel("IV")).reason == "the alert chain's screen step is not finished"
    drill.advance(5)
    assert drill.decide(D.DeclareLevel("IV")).takes_min == 4
    drill.advance(9)
    assert drill.decide(D.Summon("leader")).takes_min == 15
    drill.advance(60)
    assert trace(drill, {"level_declared", "official_arrived", "milestone_met", "milestone_missed"}) == [
        (2.0, "milestone_met", "screen_5"),
        (9.0, "level_declared", "IV"),
        (24.0, "official_arrived", "leader"),
        (24.0, "milestone_met", "leader_20"),
        (34.0, "milestone_missed", "reply_25"),
    ]
    card = drill.scorecard().by_id()
    assert card["leader_20"].after_min == 15
    assert card["screen_5"].status == "met" and card["screen_5"].after_min == 2


def test_a_reply_drafted_in_time_meets_its_limit():
    """Drafting takes 30 minutes. Asked for at once (t=0) it is out at 30, 21 minutes
    after level IV took effect at 9: inside the 25-minute limit."""
    drill = Drill(*make(), seed=1)
    drill.advance(0)
    assert drill.decide(D.IssueInitialReply("g")).takes_min == 30
    drill.advance(5)
    drill.decide(D.DeclareLevel("IV"))
    drill.advance(120)
    reply = drill.scorecard().by_id()["reply_25"]
    assert (reply.status, reply.met_at, reply.after_min) == ("met", 30.0, 21.0)


def test_a_reply_asked_for_late_misses_its_limit():
    """Asked for when the level takes effect (9), it is out at 39: 30 > 25, missed."""
    drill = Drill(*make(), seed=1)
    drill.advance(5)
    drill.decide(D.DeclareLevel("IV"))
    drill.advance(9)
    drill.decide(D.IssueInitialReply("g"))
    drill.advance(120)
    reply = drill.scorecard().by_id()["reply_25"]
    assert reply.status == "missed" and reply.deadline == 34.0


def test_a_refused_decision_says_why_and_changes_nothing():
    drill = Drill(*make(), seed=1)
    drill.advance(1)
    before = drill.log.jsonl()
    outcome = drill.decide(D.MoveGroup("g", "gate"))
    assert not outcome.accepted
    assert outcome.reason == "gate is outdoors: nobody can be received there"
    assert drill.decide(D.CallIn("nobody")).reason == "the plan has no team 'nobody'"
    assert drill.decide(D.StartDialogue("g")).reason == "an official must be on site and free to lead it"
    assert drill.log.jsonl() == before


def test_called_in_members_arrive_after_their_call_in_time_and_serve():
    """No clerk on duty: nobody is served until the one called in arrives at 1 + 20."""
    plan, scenario = make(plan_dict(reception_on_duty=0, reception_size=1))
    drill = Drill(plan, scenario, seed=1)
    drill.advance(1)
    assert drill.decide(D.CallIn("reception")).takes_min == 20
    drill.advance(45)
    assert trace(drill, {"team_arrived", "registered"}) == [
        (21.0, "team_arrived", "reception"),
        (31.0, "registered", "g"),
        (41.0, "registered", "g"),
    ]


def test_people_outdoors_are_not_received_until_brought_in():
    plan, scenario = make(plan_dict(), scenario_dict(location="gate"))
    drill = Drill(plan, scenario, seed=1)
    drill.advance(15)
    assert trace(drill, {"registered"}) == []
    assert drill.decide(D.MoveGroup("g", "room")).accepted
    drill.advance(30)
    assert trace(drill, {"group_moved", "registered"}) == [
        (15.0, "group_moved", "g"),
        (25.0, "registered", "g"),
    ]


def test_impatient_unanswered_people_leave_at_their_patience():
    """Patience 25 min, one clerk, 10 min each, and no reply. Waiting to be received,
    nobody's patience runs out (the last is taken into service at 20); once received
    (at 10, 20 and 30) each waits their patience again for the reply, and goes
    unanswered at 35, 45 and 55."""
    plan, scenario = make(plan_dict(), scenario_dict(patience_min={"dist": "fixed", "value": 25}))
    drill = Drill(plan, scenario, seed=1)
    drill.advance(60)
    left = [(e.t, e.data["reason"], e.data["n"]) for e in drill.log if e.kind == "left"]
    assert left == [(35.0, "unanswered", 1), (45.0, "unanswered", 1), (55.0, "unanswered", 1)]
    assert drill.snapshot().head_count == 0


def test_representatives_are_at_most_five():
    plan, scenario = make(plan_dict(), scenario_dict(size=12))
    drill = Drill(plan, scenario, seed=1)
    drill.advance(1)
    assert drill.decide(D.AskRepresentatives("g")).takes_min == 10
    drill.advance(11)
    chosen = [e for e in drill.log if e.kind == "representatives_chosen"]
    assert [(e.t, e.data["n"]) for e in chosen] == [(11.0, 5)]
    assert drill.snapshot().incidents[0].representatives == 5


def test_a_head_count_limit_is_met_the_moment_the_last_expected_person_arrives():
    """Fewer than 4 counts only once everyone expected is there. Three people come
    over an hour and leave a minute later unanswered; the count (on site plus those
    who left unanswered) is below 4 from the first arrival, yet the limit is met only
    when the last one arrives (or when the clock starts, at 9, if later)."""
    plan = plan_dict()
    plan["levels"]["IV"]["milestones"].append(
        {
            "id": "below_3",
            "label": {"zh": "少于4人", "en": "fewer than 4"},
            "measure": {"kind": "head_count_below", "people": 4},
            "clock": "level_declared",
            "deadline_min": 120,
            "assumed": True,
            "reason": "test",
        }
    )
    for seed in range(5):
        drill = Drill(
            *make(plan, scenario_dict(size=3, spread=60, patience_min={"dist": "fixed", "value": 1})), seed
        )
        drill.advance(5)
        assert drill.decide(D.DeclareLevel("IV")).accepted
        drill.advance(drill.horizon)
        last_arrival = max(e.t for e in drill.log if e.kind == "arrive")
        met = drill.scorecard().by_id()["below_3"]
        assert met.status == "met" and met.met_at == pytest.approx(
            max(last_arrival, 9.0), abs=1e-4
        )  # the log keeps 4 decimals


def test_the_package_is_signed_the_moment_the_signatory_arrives():
    """Drafted in 100 minutes (asked at 1, ready at 101); the leader, summoned at 90
    with a 15.5-minute journey, arrives at 105.5 and signs then, not at the next
    whole minute."""
    plan = plan_dict(leader_arrival_min=15.5)
    plan["policy_work"]["signatory"] = "leader"
    drill = Drill(*make(plan), seed=1)
    drill.advance(1)
    assert drill.decide(D.AskPackageSolution("g")).takes_min == 100
    drill.advance(90)
    assert drill.decide(D.Summon("leader")).takes_min == 15.5
    drill.advance(120)
    assert trace(drill, {"package_drafted", "official_arrived", "package_signed"}) == [
        (101.0, "package_drafted", "g"),
        (105.5, "official_arrived", "leader"),
        (105.5, "package_signed", "g"),
    ]


def test_a_package_drafted_with_the_signatory_present_is_signed_at_once():
    plan = plan_dict(leader_arrival_min=5)
    plan["policy_work"]["signatory"] = "leader"
    drill = Drill(*make(plan), seed=1)
    drill.advance(1)
    drill.decide(D.Summon("leader"))
    drill.decide(D.AskPackageSolution("g"))
    drill.advance(120)
    assert trace(drill, {"package_drafted", "package_signed"}) == [
        (101.0, "package_drafted", "g"),
        (101.0, "package_signed", "g"),
    ]


def test_an_alert_step_taken_by_a_team_starts_the_moment_a_member_is_free():
    """Screening is the reception team's job here and its one clerk is serving three
    people (10.5 minutes each, the queue comes first): the step starts when the clerk
    is free at 31.5 and takes 2 minutes, not at the next whole minute. (The report
    comes at 1, when the clerk is already serving.)"""
    plan = plan_dict(service_min=fixed(10.5))
    plan["alert_chain"][0]["by"] = "reception"
    scenario = scenario_dict()
    scenario["first_report_min"] = 1
    drill = Drill(*make(plan, scenario), seed=1)
    drill.advance(40)
    assert trace(drill, {"registered", "alert_step"}) == [
        (10.5, "registered", "g"),
        (21.0, "registered", "g"),
        (31.5, "registered", "g"),
        (33.5, "alert_step", "screen"),
        (36.5, "alert_step", "verify"),
    ]
