"""Roles and seats: who may take which decision, and the plan files' roles section."""

from __future__ import annotations

from pathlib import Path

import pytest

from sim.room.clock import SPEEDS, ManualTime, RoomClock
from sim.room.engine import D
from sim.room.roles import EVERY_ROLE, Power, Roles
from sim.spec import catalog
from sim.spec.loader import load_plan, load_plan_file
from sim.spec.plan import DecisionKind
from sim.spec.problems import SpecError


def test_every_shipped_plan_gives_every_decision_team_and_official_to_some_role() -> None:
    from sim.room.forms import DECISION_KEYS

    assert {k.value for k in DecisionKind} == set(DECISION_KEYS), (
        "the schema's kinds are the engine's trainee decisions"
    )
    for pid in catalog.shipped_plan_ids():
        plan = load_plan(pid)
        assert plan.roles, pid
        roles = Roles(plan)
        for kind in DecisionKind:
            assert any(kind in r.decisions for r in plan.roles.values()), (pid, kind)
        for team in plan.teams:
            assert roles.owners(D.CallIn(team)), (pid, team)
        for official in plan.officials:
            assert roles.owners(D.Summon(official)), (pid, official)


def test_the_city_has_its_command_five_front_groups_and_the_policy_task_force() -> None:
    plan = load_plan("city")
    assert list(plan.roles) == [
        "command",
        "reception_group",
        "order_group",
        "info_group",
        "medical_group",
        "logistics_group",
        "policy_group",
    ]
    assert Roles(plan).seat_names()[-3:] == ["facilitator", "evaluator", "wall"]


def test_a_role_takes_only_its_own_decisions_and_commands_only_its_own_teams() -> None:
    roles = Roles(load_plan("city"))
    order, command = roles.seat("order_group"), roles.seat("command")
    assert roles.refusal(order, D.CallIn("order")) is None
    why = roles.refusal(command, D.CallIn("order"))
    assert why is not None and "指挥部" in why.zh
    why = roles.refusal(order, D.CallIn("reception"))
    assert why is not None and "Reception & triage" in str(why) and "接待分流组" in why.zh
    assert roles.refusal(command, D.Summon("leader")) is None
    assert roles.refusal(roles.seat("reception_group"), D.Summon("leader")) is not None
    for seat in ("facilitator", "evaluator", "wall"):
        assert roles.refusal(roles.seat(seat), D.CallIn("order")) is not None


def test_a_plan_without_roles_has_one_role_holding_everything(tmp_path: Path) -> None:
    text = catalog.plan_path("town").read_text(encoding="utf-8")
    cut = text[: text.index("\nroles:")] + text[text.index("\nlevels:") :]
    path = tmp_path / "town.yaml"
    path.write_text(cut.replace("id: town", "id: town"), encoding="utf-8")
    plan, _ = load_plan_file(path)
    roles = Roles(plan)
    assert list(roles.roles) == [EVERY_ROLE]
    play = roles.play_seat()
    assert play.powers == frozenset(Power)
    assert all(roles.refusal(play, cls()) is None for cls in (D.RequestSupport, D.PublishStatement))


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (("teams: [order]", "teams: [police]"), "names team 'police'"),
        (
            ("  order_group:\n    label: {zh: 警戒管控组, en:", "  wall:\n    label: {zh: 警戒管控组, en:"),
            "drill-room seat",
        ),
        (
            ("  order_group:\n    label: {zh: 警戒管控组, en:", "  order:\n    label: {zh: 警戒管控组, en:"),
            "an id of its own",
        ),
        (
            ("decisions: [call_in, dispatch, set_cordon]", "decisions: [call_in, dispatch]"),
            "no role takes the decision set_cordon",
        ),
    ],
)
def test_a_broken_roles_section_is_a_clear_error(tmp_path: Path, edit: tuple[str, str], message: str) -> None:
    text = catalog.plan_path("city").read_text(encoding="utf-8")
    assert edit[0] in text
    path = tmp_path / "city.yaml"
    path.write_text(text.replace(edit[0], edit[1], 1), encoding="utf-8")
    with pytest.raises(SpecError) as err:
        load_plan_file(path)
    shown = [str(p) for p in err.value.problems]
    assert any(message in s and "roles" in s and "city.yaml:" in s for s in shown), shown


def test_the_clock_runs_at_its_speed_on_the_time_source_and_a_paused_clock_stays_paused() -> None:
    time = ManualTime()
    clock = RoomClock(time, speed=5)
    time.sleep(10)
    assert clock.elapsed_minutes() == 0
    clock.set_speed(60)
    assert clock.paused and clock.elapsed_minutes() == 0, "a new speed does not start the clock"
    clock.play()
    time.sleep(0.5)
    assert clock.elapsed_minutes() == pytest.approx(30)
    time.sleep(30)  # a stalled process: at most one second of real time per tick
    assert clock.elapsed_minutes() == pytest.approx(60)
    assert SPEEDS[:2] == (1 / 60, 1 / 10), "real time, and one simulated minute per 10 s"


def test_a_discussion_pause_counts_down_and_the_clock_goes_on_as_before() -> None:
    time = ManualTime()
    clock = RoomClock(time, speed=5)
    clock.play()
    clock.discuss(120)
    assert clock.state().paused and clock.state().discussion_left_s == pytest.approx(120)
    time.sleep(50)
    assert clock.elapsed_minutes() == 0 and clock.state().discussion_left_s == pytest.approx(70)
    time.sleep(70)
    assert clock.elapsed_minutes() == 0  # the end of the pause: running again from now
    assert not clock.state().paused and clock.state().discussion_left_s is None
    time.sleep(1)
    assert clock.elapsed_minutes() == pytest.approx(5)
