"""Milestone semantics, rule by rule (sim/engine/milestones.py, measures.py,
scorecard.py; docs/milestones.md): short scripted drills with fixed times whose
logs show the rule, in the style of SimPy's trace tests.

The mini plan (tests/engine_fixtures.py): the first report at 0, screening 2 min,
verification 3 min, the commander's decision 4 min, so a level declared at 5 is in
force at 9; a public statement takes 20 min to draft, the order team 12 min to
call in; the scenario's wall clock starts at 08:30.
"""

from __future__ import annotations

import copy
import math
from typing import Any

import pytest
from engine_fixtures import CITED, make, plan_dict, scenario_dict, text, trace
from pydantic import ValidationError

from sim.engine import decisions as D
from sim.engine.drill import Drill
from sim.engine.milestones import end_of_day, minute_of_day
from sim.spec.milestone import Milestone

MARKS = {"milestone_applies", "milestone_met", "milestone_missed", "milestone_undecided", "milestone_done"}


def _with(plan: dict[str, Any], **milestone: Any) -> dict[str, Any]:
    plan["levels"]["IV"]["milestones"].append({"label": text(milestone["id"]), **CITED, **milestone})
    return plan


def _declared(plan: dict[str, Any], scenario: dict[str, Any] | None = None, seed: int = 1) -> Drill:
    """A drill with level IV declared at 5 (in force at 9)."""
    drill = Drill(*make(plan, scenario or scenario_dict()), seed=seed)
    drill.advance(5)
    assert drill.decide(D.DeclareLevel("IV")).accepted
    return drill


def _two_groups(location_h: str = "room") -> dict[str, Any]:
    scenario = scenario_dict(size=3)
    second = copy.deepcopy(scenario["incidents"][0])
    second.update(id="h", label=text("second group"), location=location_h)
    scenario["incidents"].append(second)
    return scenario


# --- deadlines ---------------------------------------------------------------------------


def test_done_at_exactly_the_deadline_is_met_even_when_the_deadline_was_scheduled_first():
    """In force at 9, a 20-minute statement limit falls due at 29. The statement,
    asked for at 9, takes 20 minutes: it is published at 29. The deadline's event was
    scheduled before the statement's (same minute, earlier in SimPy's queue); it is
    judged after it all the same, so the statement is on time."""
    drill = _declared(
        _with(
            plan_dict(),
            id="statement_20",
            measure={"kind": "statement_published"},
            clock="level_declared",
            deadline_min=20,
        )
    )
    drill.advance(9)
    assert drill.decide(D.PublishStatement()).takes_min == 20
    drill.advance(60)
    assert [
        t
        for t in trace(drill, MARKS | {"statement_published"})
        if "statement" in t[2] or t[1] == "statement_published"
    ] == [
        (9.0, "milestone_applies", "statement_20"),
        (29.0, "statement_published", ""),
        (29.0, "milestone_met", "statement_20"),
    ]
    assert drill.scorecard().by_id()["statement_20"].status == "met"


def test_a_limit_still_open_when_the_drill_ends_is_undecided_and_censored_at_the_end():
    """A 6-hour package limit in a 2-hour drill: logged undecided at 120, censored 111
    minutes after its clock started at 9; neither met nor missed nor dropped."""
    drill = _declared(
        _with(
            plan_dict(),
            id="package_360",
            measure={"kind": "package_signed"},
            clock="level_declared",
            deadline_min=360,
        )
    )
    drill.advance(drill.horizon)
    assert [t for t in trace(drill, MARKS) if t[2] == "package_360"] == [
        (9.0, "milestone_applies", "package_360"),
        (120.0, "milestone_undecided", "package_360"),
    ]
    result = drill.scorecard().by_id()["package_360"]
    assert result.status == "undecided" and result.censored_after_min == 111.0 and result.met_at is None
    assert drill.scorecard().counts()["undecided"] == 1


def test_the_same_day_ends_at_midnight_of_the_wall_clock_not_24_hours_later():
    """The drill starts at 08:30; in force at 9 (08:39), 'the same day' ends at
    midnight, drill minute 1440 - 510 = 930, not 9 + 1440."""
    drill = _declared(
        _with(
            plan_dict(),
            id="reply_same_day",
            measure={"kind": "reply_issued"},
            clock="level_declared",
            deadline_min=1440,
            same_day=True,
        )
    )
    drill.advance(10)
    applies = [e for e in drill.log if e.kind == "milestone_applies" and e.subject == "reply_same_day"]
    assert [(e.t, e.data["deadline"]) for e in applies] == [(9.0, 930.0)]


def test_end_of_day_counts_calendar_days_from_the_wall_clock():
    assert minute_of_day("2026-03-02T08:30") == 510
    assert end_of_day(0, 510) == 930  # 08:30 -> midnight
    assert end_of_day(929.9, 510) == 930
    assert end_of_day(930, 510) == 930 + 1440  # exactly midnight starts a new day
    assert end_of_day(0, 0) == 1440


# --- attrition -------------------------------------------------------------------------------


def _below_3(plan: dict[str, Any]) -> dict[str, Any]:
    return _with(
        plan,
        id="below_3",
        measure={"kind": "head_count_below", "people": 3},
        applies_to=["group_visit"],
        clock="level_declared",
        deadline_min=60,
    )


def test_people_who_leave_unanswered_still_count_against_a_head_count():
    """Three people, patience 1 minute, no reply: two leave unanswered at 1, the third
    once served at 11 (still unanswered), yet 'fewer than 3' is not met: giving up is
    no success. Missed at 9 + 60 = 69."""
    drill = _declared(
        _below_3(plan_dict()), scenario_dict(size=3, patience_min={"dist": "fixed", "value": 1})
    )
    drill.advance(drill.horizon)
    left = [(e.t, e.data["reason"]) for e in drill.log if e.kind == "left"]
    assert left == [(1.0, "unanswered"), (1.0, "unanswered"), (11.0, "unanswered")]
    assert [t for t in trace(drill, MARKS) if t[2] == "below_3"] == [
        (9.0, "milestone_applies", "below_3"),
        (69.0, "milestone_missed", "below_3"),
    ]


def test_people_who_leave_answered_meet_a_head_count():
    """The same three, patient, answered (reply at 9 + 30 = 39) and leaving a minute
    after being answered: fewer than 3 is met when the first of them goes."""
    scenario = scenario_dict(size=3, answered_leave_min={"dist": "fixed", "value": 1})
    drill = _declared(_below_3(plan_dict()), scenario)
    drill.advance(9)
    assert drill.decide(D.IssueInitialReply("g")).accepted
    drill.advance(drill.horizon)
    left = [e for e in drill.log if e.kind == "left"]
    assert left and all(e.data["reason"] == "answered" for e in left)
    result = drill.scorecard().by_id()["below_3"]
    assert result.status == "met" and result.met_at == pytest.approx(left[0].t, abs=1e-4)


# --- applicability and place ------------------------------------------------------------------


def test_a_milestone_about_other_incidents_or_places_does_not_apply():
    """A gathering in the unit's own room: a limit about extreme individuals, or about
    incidents at an outlying site, never applies (not a vacuous 'met')."""
    plan = _with(
        plan_dict(),
        id="individuals_only",
        measure={"kind": "head_count_below", "people": 10},
        applies_to=["extreme_individual"],
        clock="level_declared",
        deadline_min=60,
    )
    plan = _with(
        plan,
        id="sites_only",
        measure={"kind": "official_on_site", "official": "leader"},
        where="site",
        clock="level_declared",
        deadline_min=60,
    )
    drill = _declared(plan)
    drill.advance(drill.horizon)
    card = drill.scorecard().by_id()
    assert card["individuals_only"].status == "not_applicable"
    assert card["sites_only"].status == "not_applicable"
    assert not [t for t in trace(drill, MARKS) if t[2] in ("individuals_only", "sites_only")]


def test_members_on_duty_at_the_base_are_not_at_the_incident_until_they_work_on_it():
    """The order team, called in at 0, is at the base from 12; two of its members are
    at the group only once tasked with its cordon at 20, so the limit is met at 20."""
    plan = _with(
        plan_dict(),
        id="order_with_group",
        measure={"kind": "team_on_site", "team": "order", "people": 2},
        clock="first_report",
        deadline_min=60,
    )
    drill = Drill(*make(plan, scenario_dict()), seed=1)
    drill.advance(0)
    assert drill.decide(D.CallIn("order")).accepted
    drill.advance(20)
    assert not [t for t in trace(drill, MARKS) if t[1] == "milestone_met" and t[2] == "order_with_group"]
    assert drill.decide(D.SetCordon("g")).accepted
    drill.advance(30)
    assert [
        t
        for t in trace(drill, MARKS | {"team_arrived", "cordon_set"})
        if t[2] in ("order", "g", "order_with_group")
    ] == [
        (0.0, "milestone_applies", "order_with_group"),
        *[(12.0, "team_arrived", "order")] * 6,
        (20.0, "cordon_set", "g"),
        (20.0, "milestone_met", "order_with_group"),
    ]


def test_one_cordon_per_place_not_one_per_group():
    """Two groups in the same room: one cordon (set for the first group) is the site's
    core zone (002 §五(二)); the second group needs no cordon of its own."""
    plan = _with(
        plan_dict(),
        id="core_zone",
        measure={"kind": "cordon_set"},
        clock="first_report",
        deadline_min=60,
    )
    drill = Drill(*make(plan, _two_groups()), seed=1)
    drill.advance(0)
    assert drill.decide(D.CallIn("order")).accepted
    drill.advance(12)
    assert drill.decide(D.SetCordon("g")).accepted
    drill.advance(20)
    result = drill.scorecard().by_id()["core_zone"]
    assert result.status == "met" and result.met_at == 12.0


def test_a_cordon_covers_every_group_at_its_place_and_takes_its_members_once():
    """Two groups in the same room, the second arriving at 30: the cordon set up for
    the first at 12 covers both (the second once it comes, logged as covered, with no
    members of its own), a cordon for the second is refused, and only the plan's two
    cordon members are tied."""
    scenario = _two_groups()
    scenario["incidents"][1]["start_min"] = 30
    drill = Drill(*make(plan_dict(), scenario), seed=1)
    drill.advance(0)
    assert drill.decide(D.CallIn("order")).accepted
    drill.advance(12)
    assert drill.decide(D.SetCordon("g")).accepted
    drill.advance(40)
    assert [(e.t, e.subject, e.data) for e in drill.log if e.kind == "cordon_set"] == [
        (12.0, "g", {"people": 2}),
        (30.0, "h", {"people": 0, "covered_by": "g"}),
    ]
    refused = drill.decide(D.SetCordon("h"))
    assert not refused.accepted and "already done" in str(refused.reason)
    tasked = [
        e for e in drill.log if e.kind == "member_tasked" and str(e.data.get("task", "")).startswith("cordon")
    ]
    assert len(tasked) == 2


def test_a_cordon_at_one_place_does_not_cover_another():
    """The second group stands at an outlying hub: the cordon at the base does not
    cover it, so the core-zone limit is missed at 60 (one per place, not one in all)."""
    plan = _with(
        plan_dict(),
        id="core_zone",
        measure={"kind": "cordon_set"},
        clock="first_report",
        deadline_min=60,
    )
    plan["sites"] = {"hub": {"label": text("hub"), "travel_min": {"dist": "fixed", "value": 10}, **CITED}}
    drill = Drill(*make(plan, _two_groups("hub")), seed=1)
    drill.advance(0)
    assert drill.decide(D.CallIn("order")).accepted
    drill.advance(12)
    assert drill.decide(D.SetCordon("g")).accepted
    drill.advance(drill.horizon)
    assert [t for t in trace(drill, MARKS) if t[2] == "core_zone"] == [
        (0.0, "milestone_applies", "core_zone"),
        (60.0, "milestone_missed", "core_zone"),
    ]


def _package_for_groups(plan: dict[str, Any]) -> dict[str, Any]:
    return _with(
        plan,
        id="package_group",
        measure={"kind": "package_signed"},
        applies_to=["group_visit"],
        clock="level_declared",
        deadline_min=60,
    )


def test_a_level_declared_after_the_group_has_gone_starts_no_clock_for_it():
    """Three people, patience 1 minute: two leave unanswered at 1, the last at 11 once
    served. A level declared at 20 (in force at 24) is for what is there then; its
    package for the group never applies (in online-amplification, level III reached by
    heat hours after the groups left read 0 % 'not kept' on a package for nobody)."""
    scenario = scenario_dict(size=3, patience_min={"dist": "fixed", "value": 1})
    drill = Drill(*make(_package_for_groups(plan_dict()), scenario), seed=1)
    drill.advance(20)
    assert [e.t for e in drill.log if e.kind == "left"] == [1.0, 1.0, 11.0]
    assert drill.decide(D.DeclareLevel("IV")).accepted
    drill.advance(drill.horizon)
    assert [t for t in trace(drill, MARKS) if t[2] == "package_group"] == []
    assert drill.scorecard().by_id()["package_group"].status == "not_applicable"


def test_a_level_declared_while_the_group_is_there_starts_its_clock_at_once():
    """The same three, patient: still there when the level is in force at 24, so the
    60-minute package limit runs from 24 (and the package, 100 min, misses it at 84)."""
    drill = Drill(*make(_package_for_groups(plan_dict()), scenario_dict(size=3)), seed=1)
    drill.advance(20)
    assert drill.decide(D.DeclareLevel("IV")).accepted
    drill.advance(drill.horizon)
    assert [t for t in trace(drill, MARKS) if t[2] == "package_group"] == [
        (24.0, "milestone_applies", "package_group"),
        (84.0, "milestone_missed", "package_group"),
    ]


def test_a_reply_done_before_the_clock_starts_counts_only_if_it_still_holds_then():
    """The level is for five people or more: g's three are not enough. g's reply, asked
    for at 0, is out at 30; h's three come at 40. The level, declared at 50, is in force
    at 54, when h has no reply: the reply limit is not met by g's old reply (before, it
    was 'met' at 54 with nothing done for h); h's reply, asked for at 54, meets it at 84."""
    scenario = _two_groups()
    scenario["incidents"][1]["start_min"] = 40
    five = plan_dict()
    five["levels"]["IV"]["triggers"][0]["head_count_at_least_people"] = 5
    plan = _with(
        five,
        id="reply_60",
        measure={"kind": "reply_issued"},
        clock="level_declared",
        deadline_min=60,
    )
    drill = Drill(*make(plan, scenario), seed=1)
    drill.advance(0)
    assert drill.decide(D.IssueInitialReply("g")).accepted
    drill.advance(50)
    assert drill.decide(D.DeclareLevel("IV")).accepted
    drill.advance(54)
    assert drill.decide(D.IssueInitialReply("h")).accepted
    drill.advance(drill.horizon)
    assert [t for t in trace(drill, MARKS | {"reply_issued"}) if t[2] in ("g", "h", "reply_60")] == [
        (30.0, "reply_issued", "g"),
        (54.0, "milestone_applies", "reply_60"),
        (84.0, "reply_issued", "h"),
        (84.0, "milestone_met", "reply_60"),
    ]


def test_a_cordon_stands_once_set_up_and_its_members_are_at_the_group_from_the_order():
    """With ``cordon_setup_min`` 8, a cordon ordered at 12 stands at 20: the order
    members are with the group from 12 (a team-on-site limit is met then), the
    core-zone limit only at 20, and a second order meanwhile is refused."""
    plan = plan_dict()
    plan["site_work"]["cordon_setup_min"] = {"dist": "fixed", "value": 8}
    plan = _with(plan, id="core_zone", measure={"kind": "cordon_set"}, clock="first_report", deadline_min=60)
    plan = _with(
        plan,
        id="order_with_group",
        measure={"kind": "team_on_site", "team": "order", "people": 2},
        clock="first_report",
        deadline_min=60,
    )
    drill = Drill(*make(plan, scenario_dict()), seed=1)
    drill.advance(0)
    assert drill.decide(D.CallIn("order")).accepted
    drill.advance(12)
    outcome = drill.decide(D.SetCordon("g"))
    assert outcome.accepted and outcome.takes_min == 8
    drill.advance(15)
    again = drill.decide(D.SetCordon("g"))
    assert not again.accepted and "under way" in str(again.reason)
    drill.advance(30)
    assert [
        t for t in trace(drill, MARKS | {"cordon_set"}) if t[2] in ("g", "core_zone", "order_with_group")
    ] == [
        (0.0, "milestone_applies", "order_with_group"),
        (0.0, "milestone_applies", "core_zone"),
        (12.0, "milestone_met", "order_with_group"),
        (20.0, "cordon_set", "g"),
        (20.0, "milestone_met", "core_zone"),
    ]


# --- untimed and uncontrollable --------------------------------------------------------------


def test_an_untimed_action_is_recorded_done_or_not_done_never_scored():
    plan = _with(
        plan_dict(),
        id="cordon_untimed",
        measure={"kind": "cordon_set"},
        clock="level_declared",
        untimed=True,
    )
    plan = _with(
        plan,
        id="medical_untimed",
        measure={"kind": "medical_standby"},
        clock="level_declared",
        untimed=True,
    )
    drill = _declared(plan)
    drill.advance(9)
    assert drill.decide(D.CallIn("order")).accepted
    drill.advance(21)
    assert drill.decide(D.SetCordon("g")).accepted
    drill.advance(drill.horizon)
    card = drill.scorecard().by_id()
    assert card["cordon_untimed"].status == "untimed" and card["cordon_untimed"].after_min == 12.0
    assert card["medical_untimed"].status == "untimed" and card["medical_untimed"].met_at is None
    assert math.isinf(card["cordon_untimed"].deadline_min)
    kinds = {t[1] for t in trace(drill, MARKS) if t[2].endswith("_untimed")}
    assert kinds == {"milestone_applies", "milestone_done"}  # never met, missed or undecided


def test_the_systems_own_step_is_carried_as_not_controllable():
    plan = plan_dict()
    plan["milestones"][0]["controllable"] = False
    drill = Drill(*make(plan, scenario_dict()), seed=1)
    drill.advance(drill.horizon)
    assert drill.scorecard().by_id()["screen_5"].controllable is False
    assert drill.scorecard().by_id()["leader_20"].controllable is True


def test_untimed_and_timed_milestones_are_told_apart_in_the_file():
    base = {
        "id": "m",
        "label": text("m"),
        "measure": {"kind": "cordon_set"},
        "clock": "level_declared",
        **CITED,
    }
    with pytest.raises(ValidationError, match="untimed milestone has no deadline_min"):
        Milestone.model_validate({**base, "untimed": True, "deadline_min": 45})
    with pytest.raises(ValidationError, match="deadline_min is required"):
        Milestone.model_validate(base)
    assert math.isinf(Milestone.model_validate({**base, "untimed": True}).deadline_min)
