"""What the screens show, without a screen: one meaning of time, labels not ids,
the feed's aggregation of arrivals, the places view."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from sim.room.clock import ManualTime
from sim.room.engine import D, Entry
from sim.room.room import new_room
from sim.spec.loader import load_plan, load_scenario
from tui.model import Feed, decision_text, milestone_text, minutes_up, places


@pytest.mark.parametrize(
    ("value", "shown"), [(30.0, 30), (30.0000000001, 30), (30.4, 31), (29.6, 30), (0.0, 0)]
)
def test_durations_are_whole_minutes_rounded_up(value: float, shown: int) -> None:
    assert minutes_up(value) == shown


def test_a_met_milestone_says_when_how_long_from_its_named_start_and_its_limit() -> None:
    plan, scen = load_plan("city"), load_scenario("group-visit-50")
    m = SimpleNamespace(
        id="leader_30", status="met", met_at=69.0, clock_start=39.2, deadline=69.2, deadline_min=30.0
    )
    en, style = milestone_text(m, plan, scen, 80.0, "en")
    assert en == "✓\u00a0met 09:39 — 30 of 30 min after the level was declared" and style == "bold green"
    zh, _ = milestone_text(m, plan, scen, 80.0, "zh")
    assert zh.startswith("✓\u00a0达成：09:39") and "宣布响应级别后30分钟" in zh and "时限30分钟" in zh
    late = SimpleNamespace(**{**m.__dict__, "met_at": 69.5})  # 30.3 min: shown as 31, never as 30
    assert "31 of 30 min" in milestone_text(late, plan, scen, 80.0, "en")[0]
    missed = SimpleNamespace(**{**m.__dict__, "status": "missed", "met_at": None})
    assert (
        milestone_text(missed, plan, scen, 80.0, "en")[0]
        == "✗\u00a0missed (limit 30 min after the level was declared), due 09:39"
    )


def test_the_board_marks_the_systems_steps_and_limits_the_drill_cannot_decide() -> None:
    plan, scen = load_plan("city"), load_scenario("group-visit-50")
    # the screening step is the system's (sim.fairness), the leader's arrival the team's
    screen = SimpleNamespace(
        id="screen_5", status="met", met_at=5.0, clock_start=1.0, deadline=6.0, deadline_min=5.0
    )
    assert milestone_text(screen, plan, scen, 80.0, "en")[0].endswith(" · system's step")
    assert milestone_text(screen, plan, scen, 80.0, "zh")[0].endswith(" · 系统环节")
    leader = SimpleNamespace(
        id="leader_30", status="met", met_at=69.0, clock_start=39.2, deadline=69.2, deadline_min=30.0
    )
    assert "system" not in milestone_text(leader, plan, scen, 80.0, "en")[0]
    # due after the drill ends (360 min): undecided within the drill, never "met" nor "missed"
    package = SimpleNamespace(
        id="package_360", status="pending", met_at=None, clock_start=100.0, deadline=460.0, deadline_min=360.0
    )
    text, style = milestone_text(package, plan, scen, 80.0, "en")
    assert text.startswith("undecided within the drill (due") and style == "magenta"


def test_decisions_are_told_by_labels_never_ids() -> None:
    room = new_room("compound-peaks", None, 1, None, ManualTime())
    room.start()
    room.port.advance(30)
    plan, scen = room.port.plan, room.port.scenario
    for lang in ("zh", "en"):
        for decision in (
            D.CallIn("reception"),
            D.OpenVenue("hall_b"),
            D.MoveGroup("resettled_households", "joint_reception_room"),
        ):
            text = decision_text(decision, lang, plan, scen)
            for ident in ("hall_b", "resettled_households", "joint_reception_room"):
                assert ident not in text, text
            if lang == "zh":
                assert "reception" not in text, text
    zh = decision_text(D.MoveGroup("resettled_households", "joint_reception_room"), "zh", plan, scen)
    assert zh == "引导汛期受灾安置户进入联合接访室", "worded as the report words it"


def test_arrivals_of_one_team_make_one_line_and_injects_stay_findable() -> None:
    feed = Feed("en", load_plan("city"), load_scenario("group-visit-50"))
    labels = {"reception": "Reception & triage"}
    entries = [Entry(10.0 + n, "team_arrived", "reception", {}) for n in range(12)]
    entries.insert(5, Entry(14.5, "inject", "msel:2", {"zh": "记者到场", "en": "Reporters arrive"}))
    _new, _changed = feed.update(entries, labels)
    assert [line.kind for line in feed.lines] == ["team_arrived", "inject"]
    assert feed.lines[0].text == "Reception & triage: 12 arrived" and feed.lines[0].count == 12
    later = [*entries, Entry(40.0, "team_arrived", "reception", {})]
    new, changed = feed.update(later, labels)
    assert not changed
    assert [line.text for line in new] == ["Reception & triage: 1 arrived"], (
        "a new quarter of an hour, a new line"
    )


def test_levels_required_at_one_minute_are_told_as_the_highest_only() -> None:
    """A fire at the station requires level II, and with it III and IV (logged lowest
    first, same minute): the feed says once that the situation calls for II, not also
    for III, whose label names the 50+ group visit that is not happening."""
    feed = Feed("en", load_plan("transport-station"), load_scenario("station-reception-fire"))
    labels = {"IV": "Level IV", "III": "Group visit of 50 or more", "II": "Extreme acts"}
    entries = [Entry(3.0, "level_required", level, {}) for level in ("IV", "III", "II")]
    feed.update(entries[:1], labels)
    new, changed = feed.update(entries, labels)
    assert [line.text for line in feed.lines] == ["The situation now calls for Extreme acts"]
    assert changed and new == [], "the line already shown is rewritten, not repeated"
    feed.update([*entries, Entry(50.0, "level_required", "I", {})], {**labels, "I": "Level I"})
    assert [line.subject for line in feed.lines] == ["II", "I"], "a later minute is a new line"


def test_places_show_everyone_on_site_and_the_hub() -> None:
    room = new_room("compound-peaks", None, 1, None, ManualTime())
    room.start()
    room.port.advance(90)
    snap = room.port.snapshot()
    rows = {p.id: p for p in places(room.port.plan, room.port.scenario, snap, "en")}
    assert "transport_hub" in rows and rows["transport_hub"].people > 0, "the drivers gather at the hub"
    at_unit = sum(p.people for pid, p in rows.items() if pid not in ("base", "transport_hub"))
    on_site_at_unit = sum(
        i.head_count for i in snap.incidents if i.started and not i.over and i.place == "base"
    )
    assert at_unit == on_site_at_unit, "nobody on site is lost between the rooms and the outside"
