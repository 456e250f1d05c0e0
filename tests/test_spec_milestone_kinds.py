"""A milestone's ``applies_to`` names the kinds of incident a scenario can have:
the fire or explosion at the reception site (``site_emergency``) and the
petition surge (``petition_surge``) as much as the three older kinds, in the
spec, in the committed JSON schema editors read, and in a plan file."""

from __future__ import annotations

import json
import typing
from pathlib import Path

import pytest

from sim import load_plan
from sim.spec import catalog
from sim.spec.loader import load_plan_text
from sim.spec.milestone import IncidentKind
from sim.spec.problems import SpecError
from sim.spec.scenario import Incident

SCHEMA = Path(__file__).resolve().parents[1] / "schemas" / "plan.schema.json"


def _scenario_kinds() -> set[str]:
    union = typing.get_args(Incident)[0]
    return {typing.get_args(cls.model_fields["kind"].annotation)[0] for cls in typing.get_args(union)}


def test_every_scenario_incident_kind_is_a_milestone_kind() -> None:
    kinds = _scenario_kinds()
    assert {"site_emergency", "petition_surge"} <= kinds  # the union is read, not empty
    assert {k.value for k in IncidentKind} == kinds


def test_the_committed_plan_schema_offers_the_same_kinds() -> None:
    defs = json.loads(SCHEMA.read_text(encoding="utf-8"))["$defs"]
    assert sorted(defs["IncidentKind"]["enum"]) == sorted(k.value for k in IncidentKind)


def _station_with(applies_to: str) -> bytes:
    """transport-station with its fire-reported limit scoped to ``applies_to``."""
    text = catalog.plan_path("transport-station").read_text(encoding="utf-8")
    anchor = "  - id: fire_reported\n"
    assert text.count(anchor) == 1
    block = text.index(anchor)
    clock = text.index("    clock: incident_start\n", block)
    return (text[:clock] + f"    applies_to: {applies_to}\n" + text[clock:]).encode()


def test_a_milestone_about_a_fire_loads() -> None:
    path = catalog.plan_path("transport-station")
    plan, problems = load_plan_text(_station_with("[site_emergency]"), path)
    assert problems == []
    scoped = {m.id: m for _level, m in plan.all_milestones()}["fire_reported"]
    assert scoped.applies_to == [IncidentKind.site_emergency]
    shipped = {m.id: m for _level, m in load_plan("transport-station").all_milestones()}["fire_reported"]
    assert shipped.applies_to is None  # the shipped file is unchanged: the edit above is what loaded


def test_a_milestone_about_a_surge_loads_and_an_unknown_kind_does_not() -> None:
    path = catalog.plan_path("transport-station")
    plan, _ = load_plan_text(_station_with("[petition_surge, group_visit]"), path)
    scoped = {m.id: m for _level, m in plan.all_milestones()}["fire_reported"]
    assert scoped.applies_to == [IncidentKind.petition_surge, IncidentKind.group_visit]
    with pytest.raises(SpecError, match="applies_to"):
        load_plan_text(_station_with("[earthquake]"), path)


# --- the engine's side: a scope of a fire or a surge picks out those incidents ------------


def _status(plan_name: str, old: str, new: str, scenario: str, milestone: str) -> str:
    from sim import load_scenario
    from sim.engine.batch import play_policy

    path = catalog.plan_path(plan_name)
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1
    plan, problems = load_plan_text(text.replace(old, new).encode(), path)
    assert problems == []
    drill = play_policy(plan, load_scenario(scenario), 1, "plan")
    return str(drill.scorecard().by_id()[milestone].status)


OFFICE = "    applies_to: [group_visit]\n    clock: first_report\n    deadline_min: 20\n"


def test_a_limit_scoped_to_a_fire_applies_where_one_breaks_out() -> None:
    """Office staff at the scene, scoped to a fire: judged in the fire scenario (the
    staff on duty at the premises are at it), not applicable where no fire breaks out."""
    fire = OFFICE.replace("[group_visit]", "[site_emergency]")
    assert _status("transport-station", OFFICE, fire, "station-reception-fire", "office_on_site") in (
        "met",
        "missed",
    )
    assert (
        _status("transport-station", OFFICE, fire, "station-group-visit", "office_on_site")
        == "not_applicable"
    )


FRONT = "        applies_to: [group_visit]  # the whole front team is for gatherings, not for one person\n"


def test_a_limit_scoped_to_a_surge_applies_to_its_groups_only() -> None:
    """The whole front team, scoped to a petition surge: judged in disaster-surge once
    its groups come; a single group visit, which is no surge, leaves it not applicable."""
    surge = "        applies_to: [petition_surge]\n"
    assert _status("city", FRONT, surge, "disaster-surge", "front_team_on_duty") != "not_applicable"
    group = _status("city", FRONT, FRONT, "compound-peaks", "front_team_on_duty")
    assert group != "not_applicable"  # the same limit about gatherings applies there
    assert _status("city", FRONT, surge, "compound-peaks", "front_team_on_duty") == "not_applicable"
